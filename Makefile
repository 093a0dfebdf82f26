# dso_contacts: setup, run, test, bench and lint targets.
#
SHELL := /bin/bash

# Needs PostgreSQL (a role for the current user) and Odoo 18.0, either
# importable by $(PYTHON) or as a source tree given with ODOO_SRC=/path/to/odoo.

PYTHON ?= python3
ODOO_SRC ?= $(shell $(PYTHON) -c "import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))" 2>/dev/null)
ifeq ($(strip $(ODOO_SRC)),)
$(error Odoo 18.0 is not importable by $(PYTHON): install it, or pass ODOO_SRC=/path/to/odoo-18.0)
endif
export PYTHONPATH := $(ODOO_SRC)$(if $(PYTHONPATH),:$(PYTHONPATH))

ODOO_BIN := $(PYTHON) $(ODOO_SRC)/odoo-bin
# OCA's queue_job, for dso_contacts_queue_job: its wheel unpacked here by `make setup`
QUEUE_JOB_DIR ?= $(CURDIR)/.oca
ADDONS_PATH := $(ODOO_SRC)/addons,$(ODOO_SRC)/odoo/addons,$(CURDIR),$(QUEUE_JOB_DIR)/odoo/addons
DEMO_DB ?= dso_contacts_demo
TEST_DB ?= dso_contacts_test
QUEUE_TEST_DB ?= dso_contacts_queue_job_test
HTTP_PORT ?= 8069
TEST_HTTP_PORT ?= 8169
ODOO_ARGS = --addons-path=$(ADDONS_PATH) --db-filter='^$(1)$$' -d $(1)

# Odoo's own tests of what the addon extends, run on the test database with
# dso_contacts installed (one file a run, as --test-file takes one)
CORE_TEST_FILES = \
	$(ODOO_SRC)/odoo/addons/base/tests/test_res_partner.py \
	$(ODOO_SRC)/odoo/addons/base/tests/test_res_partner_merge.py \
	$(ODOO_SRC)/addons/account/tests/test_res_partner_merge.py \
	$(ODOO_SRC)/addons/account/tests/test_account_partner.py \
	$(ODOO_SRC)/addons/mail/tests/test_res_partner.py \
	$(ODOO_SRC)/addons/sms/tests/test_sms_composer.py \
	$(ODOO_SRC)/addons/sms/tests/test_sms_template.py \
	$(ODOO_SRC)/addons/phone_validation/tests/test_phonenumbers.py \
	$(ODOO_SRC)/addons/phone_validation/tests/test_phonenumbers_blacklist.py

.PHONY: setup run test test-addon test-queue test-pytest test-core test-crash test-upgrade \
	test-demo test-wheel bench bench-import bench-reminders bench-search bench-queue screenshots pot lint lint-setup

# Python dependencies, the Chromium that Odoo's browser tours need and the
# wkhtmltopdf that renders invoice PDFs (Debian's packages, installed when missing
# and when run as root; otherwise install them yourself)
setup:
	$(PYTHON) -m pip install -r requirements.txt
	# queue_job's wheel into $(QUEUE_JOB_DIR)/odoo/addons (on the addons path), without
	# its dependencies: its "odoo" is the Odoo installed apart
	$(PYTHON) -m pip install --no-deps --upgrade --target $(QUEUE_JOB_DIR) -r requirements-queue.txt
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
		|| command -v google-chrome >/dev/null \
		|| { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y chromium; } \
		|| { echo "Chromium is needed for the browser tours: apt-get install chromium"; exit 1; }
	@command -v wkhtmltopdf >/dev/null \
		|| { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y wkhtmltopdf; } \
		|| { echo "wkhtmltopdf is needed for invoice PDFs: apt-get install wkhtmltopdf"; exit 1; }

run: setup
	$(ODOO_BIN) $(call ODOO_ARGS,$(DEMO_DB)) -i dso_contacts --stop-after-init
	$(ODOO_BIN) $(call ODOO_ARGS,$(DEMO_DB)) --http-interface=127.0.0.1 --http-port=$(HTTP_PORT)

test: setup
	dropdb --if-exists $(TEST_DB)
	dropdb --if-exists $(QUEUE_TEST_DB)
	$(MAKE) test-addon test-queue test-pytest test-core test-crash test-upgrade test-demo \
		test-wheel

TEST_LOG_DIR ?= $(CURDIR)/.test-logs
# Odoo skips a browser tour silently (logged "skipped") when websocket-client or
# Chromium is missing: a skipped test fails the run, so green means they ran
FAIL_ON_SKIPPED = if grep -E "$(1)" $(2); then echo "Some tests were skipped: failing"; exit 1; fi

# install on a fresh database with --test-enable: install-time problems, the
# at_install and post_install tests of the addon, and its browser tours
test-addon:
	mkdir -p $(TEST_LOG_DIR)
	set -o pipefail; $(ODOO_BIN) $(call ODOO_ARGS,$(TEST_DB)) -i dso_contacts --without-demo=all \
		--test-enable --test-tags=/dso_contacts --http-port=$(TEST_HTTP_PORT) \
		--stop-after-init --log-level=test 2>&1 | tee $(TEST_LOG_DIR)/odoo.log
	@$(call FAIL_ON_SKIPPED,INFO .* skipped .* : ,$(TEST_LOG_DIR)/odoo.log)

# dso_contacts_queue_job (and queue_job) installed on a database of their own:
# the split of the imports and the reminder batches as queue jobs
test-queue:
	mkdir -p $(TEST_LOG_DIR)
	set -o pipefail; $(ODOO_BIN) $(call ODOO_ARGS,$(QUEUE_TEST_DB)) -i dso_contacts_queue_job \
		--without-demo=all --test-enable --test-tags=/dso_contacts_queue_job \
		--http-port=$(TEST_HTTP_PORT) --stop-after-init --log-level=test 2>&1 \
		| tee $(TEST_LOG_DIR)/odoo-queue.log
	@$(call FAIL_ON_SKIPPED,INFO .* skipped .* : ,$(TEST_LOG_DIR)/odoo-queue.log)

# the same tests again through pytest-odoo, on the installed database
test-pytest:
	mkdir -p $(TEST_LOG_DIR)
	printf '[options]\naddons_path = $(ADDONS_PATH)\nhttp_port = $(TEST_HTTP_PORT)\n' \
		> $(TEST_LOG_DIR)/pytest-odoo.conf
	set -o pipefail; $(PYTHON) -m pytest -p no:cacheprovider -rs --odoo-database=$(TEST_DB) \
		--odoo-config=$(TEST_LOG_DIR)/pytest-odoo.conf --odoo-http --odoo-log-level=warn \
		dso_contacts/tests 2>&1 | tee $(TEST_LOG_DIR)/pytest.log
	@$(call FAIL_ON_SKIPPED,[0-9]+ skipped,$(TEST_LOG_DIR)/pytest.log)

test-core:
	set -e; for file in $(CORE_TEST_FILES); do \
		test -f $$file || { echo "missing $$file"; exit 1; }; \
		$(ODOO_BIN) $(call ODOO_ARGS,$(TEST_DB)) --test-file=$$file \
			--http-port=$(TEST_HTTP_PORT) --stop-after-init --log-level=test; \
	done

# a real reminder run killed with SIGKILL in the middle, run again, counted; then
# the bounces of some reminders processed by the mail gateway, killed in the
# middle, processed again, counted (what a test transaction, which never
# commits, cannot show); on a database of its own, dropped after
CRASH_DB ?= dso_rem_crash
test-crash:
	$(PYTHON) bench/crash_reminders.py --db=$(CRASH_DB) --http-port=$(TEST_HTTP_PORT)

# a database installed with the last version before the customer's page
# (18.0.1.1.0, from git history), upgraded with this code: its reminders carry the
# page's link (migrations/18.0.1.3.0); on a database of its own, dropped after
UPGRADE_DB ?= dso_contacts_upgrade_test
test-upgrade:
	$(PYTHON) bench/upgrade_check.py --db=$(UPGRADE_DB) --addons-path=$(ADDONS_PATH)

# `make run`'s install twice on one demo database (the second finds the demo
# invoices posted and the reminders sent): no error, no demo data refused; on a
# database of its own, dropped after
DEMO_TEST_DB ?= dso_contacts_demo_test
test-demo:
	mkdir -p $(TEST_LOG_DIR)
	dropdb --if-exists $(DEMO_TEST_DB)
	rm -f $(TEST_LOG_DIR)/odoo-demo.log
	set -e; for run in 1 2; do \
		$(ODOO_BIN) $(call ODOO_ARGS,$(DEMO_TEST_DB)) -i dso_contacts --stop-after-init \
			--http-port=$(TEST_HTTP_PORT) >> $(TEST_LOG_DIR)/odoo-demo.log 2>&1; \
	done
	dropdb --if-exists $(DEMO_TEST_DB)
	@if grep -E " (ERROR|CRITICAL) |Traceback|demo data failed" $(TEST_LOG_DIR)/odoo-demo.log; then \
		echo "make run's install logged an error: see $(TEST_LOG_DIR)/odoo-demo.log"; exit 1; fi

# the addon builds as a wheel (whool backend), with its Python dependencies declared
test-wheel:
	rm -rf $(TEST_LOG_DIR)/wheel
	$(PYTHON) -m pip wheel --no-deps ./dso_contacts -w $(TEST_LOG_DIR)/wheel
	$(PYTHON) -c "import glob, zipfile; \
		whl = glob.glob('$(TEST_LOG_DIR)/wheel/odoo_addon_dso_contacts-18.0.*.whl')[0]; \
		z = zipfile.ZipFile(whl); names = z.namelist(); \
		assert 'odoo/addons/dso_contacts/__manifest__.py' in names, names; \
		meta = z.read([n for n in names if n.endswith('METADATA')][0]).decode(); \
		assert 'Requires-Dist: phonenumbers' in meta, meta; print('wheel ok:', whl)"
	$(PYTHON) -m pip wheel --no-deps ./dso_contacts_queue_job -w $(TEST_LOG_DIR)/wheel
	$(PYTHON) -c "import glob, zipfile; \
		whl = glob.glob('$(TEST_LOG_DIR)/wheel/odoo_addon_dso_contacts_queue_job-18.0.*.whl')[0]; \
		z = zipfile.ZipFile(whl); names = z.namelist(); \
		meta = z.read([n for n in names if n.endswith('METADATA')][0]).decode(); \
		assert 'Requires-Dist: odoo-addon-queue_job' in meta, meta; print('wheel ok:', whl)"

# the benchmarks against Odoo's own tools, on fresh databases (see bench/README.md)
bench: bench-import bench-reminders bench-search

bench-import:
	$(PYTHON) bench/bench_import.py

bench-reminders:
	$(PYTHON) bench/bench_reminders.py

# quick search and contact search on 100,000 and 1,000,000 contacts
bench-search:
	$(PYTHON) bench/bench_search.py

# imports and reminder runs as queue jobs on 1, 2 and 4 workers (not part of
# `make bench`: it needs `make setup` for queue_job, see bench/README.md)
bench-queue:
	$(PYTHON) bench/bench_queue_job.py --addons-path=$(ADDONS_PATH)

# the README's screenshots again, from the demo data, in Chromium (node and npm needed:
# playwright-core goes into bench/.node, no browser is downloaded)
screenshots:
	$(PYTHON) bench/screenshots.py

# export the translation templates as TestTranslationTemplate compares them (the
# same exporter, on a fresh database with the addon installed without demo data),
# and merge dso_contacts' into every language (new terms then need translating:
# see dso_contacts/tests/po_check.py); the glue addon's from the same database
# once it is installed there too. The database is dropped after.
POT_DB ?= $(TEST_DB)_pot
pot: setup
	@command -v msgmerge >/dev/null \
		|| { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y gettext; } \
		|| { echo "msgmerge is needed to merge the template: apt-get install gettext"; exit 1; }
	dropdb --if-exists $(POT_DB)
	$(ODOO_BIN) $(call ODOO_ARGS,$(POT_DB)) -i dso_contacts --without-demo=all \
		--stop-after-init --log-level=warn
	$(ODOO_BIN) $(call ODOO_ARGS,$(POT_DB)) --i18n-export=dso_contacts/i18n/dso_contacts.pot \
		--modules=dso_contacts --stop-after-init --log-level=warn
	for po in dso_contacts/i18n/*.po; do \
		msgmerge -q --no-fuzzy-matching -U --backup=none $$po dso_contacts/i18n/dso_contacts.pot; \
	done
	$(ODOO_BIN) $(call ODOO_ARGS,$(POT_DB)) -i dso_contacts_queue_job --without-demo=all \
		--stop-after-init --log-level=warn
	$(ODOO_BIN) $(call ODOO_ARGS,$(POT_DB)) \
		--i18n-export=dso_contacts_queue_job/i18n/dso_contacts_queue_job.pot \
		--modules=dso_contacts_queue_job --stop-after-init --log-level=warn
	dropdb --if-exists $(POT_DB)

# the lint tools, pinned (requirements-lint.txt), into $(PYTHON)'s environment
lint-setup:
	$(PYTHON) -m pip install -q -r requirements-lint.txt

# ruff (lint and format) and pylint-odoo's mandatory checks, as the pre-commit hooks
lint: lint-setup
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m pylint --rcfile=.pylintrc-mandatory dso_contacts dso_contacts_queue_job
