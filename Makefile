# dso_contacts: setup, run, test, bench and lint targets.
#
# Needs PostgreSQL (a role for the current user) and Odoo 18.0, either
# importable by $(PYTHON) or as a source tree given with ODOO_SRC=/path/to/odoo.

PYTHON ?= python3
ODOO_SRC ?= $(shell $(PYTHON) -c "import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))" 2>/dev/null)
ifeq ($(strip $(ODOO_SRC)),)
$(error Odoo 18.0 is not importable by $(PYTHON): install it, or pass ODOO_SRC=/path/to/odoo-18.0)
endif
export PYTHONPATH := $(ODOO_SRC)$(if $(PYTHONPATH),:$(PYTHONPATH))

ODOO_BIN := $(PYTHON) $(ODOO_SRC)/odoo-bin
ADDONS_PATH := $(ODOO_SRC)/addons,$(ODOO_SRC)/odoo/addons,$(CURDIR)
DEMO_DB ?= dso_contacts_demo
TEST_DB ?= dso_contacts_test
HTTP_PORT ?= 8069
TEST_HTTP_PORT ?= 8169
ODOO_ARGS = --addons-path=$(ADDONS_PATH) --db-filter='^$(1)$$' -d $(1)

# Odoo's own tests of what the addon extends, run on the test database with
# dso_contacts installed (one file a run, as --test-file takes one)
CORE_TEST_FILES = \
	$(ODOO_SRC)/odoo/addons/base/tests/test_res_partner.py \
	$(ODOO_SRC)/addons/sms/tests/test_sms_composer.py \
	$(ODOO_SRC)/addons/sms/tests/test_sms_template.py \
	$(ODOO_SRC)/addons/phone_validation/tests/test_phonenumbers.py \
	$(ODOO_SRC)/addons/phone_validation/tests/test_phonenumbers_blacklist.py

.PHONY: setup run test test-addon test-pytest test-core bench lint

setup:
	$(PYTHON) -m pip install -r requirements.txt

run: setup
	$(ODOO_BIN) $(call ODOO_ARGS,$(DEMO_DB)) -i dso_contacts --stop-after-init
	$(ODOO_BIN) $(call ODOO_ARGS,$(DEMO_DB)) --http-interface=127.0.0.1 --http-port=$(HTTP_PORT)

test: setup
	dropdb --if-exists $(TEST_DB)
	$(MAKE) test-addon test-pytest test-core

# install on a fresh database with --test-enable: install-time problems and the
# at_install and post_install tests of the addon
test-addon:
	$(ODOO_BIN) $(call ODOO_ARGS,$(TEST_DB)) -i dso_contacts --without-demo=all \
		--test-enable --test-tags=/dso_contacts --http-port=$(TEST_HTTP_PORT) \
		--stop-after-init --log-level=test

test-pytest:
	$(PYTHON) -m pytest -p no:cacheprovider --odoo-database=$(TEST_DB) \
		--odoo-addons-path=$(ADDONS_PATH) --odoo-log-level=warn dso_contacts/tests

test-core:
	set -e; for file in $(CORE_TEST_FILES); do \
		$(ODOO_BIN) $(call ODOO_ARGS,$(TEST_DB)) --test-file=$$file \
			--http-port=$(TEST_HTTP_PORT) --stop-after-init --log-level=test; \
	done

bench:
	$(PYTHON) bench/run.py

lint:
	ruff check .
	ruff format --check .
	$(PYTHON) -m pylint --rcfile=.pylintrc-mandatory dso_contacts
