"""A database installed before the customer's page, upgraded: its reminders
carry the page's link.

What a test of the installed addon cannot show (its database was installed
with today's data): the mail and SMS templates are ``noupdate``, so a database
installed with 18.0.1.1.0, before the customer's page, kept templates without
its link until migrations/18.0.1.3.0. This script, with nothing fetched (the
old version comes from the clone's git history):

1. ``git archive``s dso_contacts at the last commit before the customer's page
   (``BASE``, version 18.0.1.1.0) into a temporary folder;
2. installs it on a fresh database (no demo data, French loaded) and edits two
   templates there as a user would (the courtesy email's and the final SMS's
   wording, in English);
3. upgrades the database with this code (``-u dso_contacts``);
4. checks, with this code: each of the addon's reminder templates shows the
   page's link in English and French; the templates never edited have the
   data file's text and its reply-to; the edited ones kept their wording and
   got the link; a run of the scheduled action queues emails and SMS that
   carry each customer's link (an English and a French contact); and, since
   18.0.1.5.0, that each company (a second one created in the old version)
   has one reminder plan, its default, holding all its former levels
   (an archived one and a level moved included), and that the levels'
   ``plan_id`` is NOT NULL.

Prints one line per check and ``N passed, N failed``; exits non-zero on a
failure; drops its database (unless ``--keep``). ``make test`` runs it
(``make test-upgrade``).

    python3 bench/upgrade_check.py [--db dso_contacts_upgrade_test] [--keep]
"""

import argparse
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import (
    REPO,
    default_addons_path,
    invoice_vals,
    odoo_src,
    run,
    run_worker,
    setup_reminder_company,
    start_worker,
)

# the first parent of the merge that brought the customer's page (4556b5e)
BASE = "997c0a10c89f054c57a1e99146d53640c3e5c609"
BASE_VERSION = "18.0.1.1.0"
MAIL_TEMPLATES = ("courtesy", "first", "second", "final")
SMS_TEMPLATES = ("second", "final")
# what the user wrote in the old database (English only)
EDITED_MAIL = ("mail_template_reminder_courtesy", "This is a courtesy notice", "Friendly note")
EDITED_SMS = ("sms_template_reminder_final", "FINAL NOTICE.", "Last call from accounting.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="dso_contacts_upgrade_test")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--base-db",
        default="",
        help="copy this database, installed with BASE and left as installed, "
        "instead of installing BASE (quicker when trying a migration)",
    )
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--worker", default=None)
    args = parser.parse_args()
    args.addons_path = args.addons_path or default_addons_path()
    if args.worker:
        return run_worker(args, globals())

    old = git(["show", f"{BASE}:dso_contacts/__manifest__.py"], "the addon at BASE")
    if f'"version": "{BASE_VERSION}"' not in old:
        sys.exit(f"{BASE} is not dso_contacts {BASE_VERSION}")
    folder = tempfile.mkdtemp(prefix="dso_upgrade_")
    try:
        return check_upgrade(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if not args.keep:
            run(["dropdb", "--if-exists", args.db])


def git(command, what):
    out = subprocess.run(["git", "-C", REPO, *command], capture_output=True, check=False)
    if out.returncode:
        sys.exit(
            f"{what}: git {' '.join(command)} failed (a clone with its history is needed, "
            f"not a shallow one): {out.stderr.decode()[-500:]}"
        )
    return out.stdout.decode()


def check_upgrade(args, folder):
    archive = subprocess.run(
        ["git", "-C", REPO, "archive", BASE, "dso_contacts"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
    odoo_paths = [
        os.path.join(odoo_src(), "addons"),
        os.path.join(odoo_src(), "odoo", "addons"),
    ]
    old_args = copy.copy(args)
    old_args.addons_path = ",".join([*odoo_paths, folder])
    odoo_bin = [sys.executable, os.path.join(odoo_src(), "odoo-bin"), "-d", args.db]

    print(f"installing dso_contacts {BASE_VERSION} ({BASE[:7]}) on {args.db} ...", flush=True)
    run(["dropdb", "--if-exists", args.db])
    if args.base_db:
        run(["createdb", "-T", args.base_db, args.db])
    else:
        run(
            [
                *odoo_bin,
                f"--addons-path={old_args.addons_path}",
                "-i",
                "dso_contacts",
                "--without-demo=all",
                "--load-language=fr_FR",
                "--stop-after-init",
                "--log-level=warn",
            ],
            stdout=subprocess.DEVNULL,
        )
    start_worker(__file__, old_args, "edit", args.db)

    print("upgrading it with this code ...", flush=True)
    upgrade = subprocess.run(
        [
            *odoo_bin,
            f"--addons-path={args.addons_path}",
            "-u",
            "dso_contacts",
            "--stop-after-init",
            "--log-level=info",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    log = upgrade.stdout + upgrade.stderr

    results = []

    def check(name, ok, detail=""):
        results.append(bool(ok))
        print(
            f"{'PASS' if ok else 'FAIL'}: {name}{f' ({detail})' if detail and not ok else ''}"
        )

    errors = [line for line in log.splitlines() if re.search(r" (ERROR|CRITICAL) ", line)]
    check("the upgrade ran without errors", upgrade.returncode == 0 and not errors, errors[:5])
    for xmlid in (EDITED_MAIL[0], EDITED_SMS[0]):
        check(
            f"the upgrade says it appended the link to the edited {xmlid}",
            re.search(rf"WARNING .*\({xmlid}\) was edited", log),
        )
    if upgrade.returncode == 0:
        for name, ok, detail in start_worker(__file__, args, "check", args.db):
            check(name, ok, detail)
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


# ----------------------------------------------------------------------
# workers (run inside Odoo)
# ----------------------------------------------------------------------


def worker_edit(env, args, odoo):
    """As a user would, in the old version: two templates reworded in English."""
    xmlid, old, new = EDITED_MAIL
    template = env.ref(f"dso_contacts.{xmlid}").with_context(lang="en_US")
    assert old in template.body_html and "portal" not in template.body_html
    template.body_html = template.body_html.replace(old, new)
    xmlid, old, new = EDITED_SMS
    template = env.ref(f"dso_contacts.{xmlid}").with_context(lang="en_US")
    assert old in template.body and "portal" not in template.body
    template.body = template.body.replace(old, new)
    # reminder plans (18.0.1.5.0): a second company, a level archived and a
    # level moved; the levels of each company are remembered for the check
    import json

    env["res.company"].create({"name": "Upgrade company B"})
    main = env.ref("base.main_company")
    Level = env["dso.reminder.level"].with_context(active_test=False)
    levels = Level.search([("company_id", "=", main.id)], order="days")
    levels[-1].days = 31
    Level.create(
        {
            "name": "Archived level",
            "company_id": main.id,
            "days": 60,
            "mail_template_id": levels[-1].mail_template_id.id,
            "active": False,
        }
    )
    remembered = {
        str(company.id): Level.search([("company_id", "=", company.id)]).ids
        for company in env["res.company"].search([])
    }
    env["ir.config_parameter"].set_param("dso_upgrade_check.levels", json.dumps(remembered))
    return {}


def worker_check(env, args, odoo):
    from datetime import timedelta

    from markupsafe import escape

    from odoo import fields
    from odoo.modules.module import get_manifest

    results = []

    def check(name, ok, detail=""):
        results.append((name, bool(ok), str(detail)[:500]))

    module = env["ir.module.module"].search([("name", "=", "dso_contacts")])
    version = get_manifest("dso_contacts")["version"]
    check(
        f"dso_contacts is at {version}",
        module.latest_version == version,
        module.latest_version,
    )

    # reminder plans: each company has one default plan holding all its
    # former levels, archived ones included, as they were
    import json

    remembered = json.loads(env["ir.config_parameter"].get_param("dso_upgrade_check.levels"))
    Level = env["dso.reminder.level"].with_context(active_test=False)
    Plan = env["dso.reminder.plan"].with_context(active_test=False)
    check("the old database had two companies with levels", len(remembered) == 2, remembered)
    for company_id, level_ids in remembered.items():
        company = env["res.company"].browse(int(company_id))
        plans = Plan.search([("company_id", "=", company.id)])
        default = plans.filtered("is_default")
        check(
            f"{company.name} has one plan, its default",
            len(plans) == 1 and len(default) == 1,
            plans.mapped("name"),
        )
        levels = Level.search([("company_id", "=", company.id)])
        check(
            f"the default plan of {company.name} holds its {len(level_ids)} former levels",
            sorted(levels.ids) == sorted(level_ids)
            and sorted(default.with_context(active_test=False).level_ids.ids)
            == sorted(level_ids),
            f"{levels.ids} / {default.level_ids.ids} != {level_ids}",
        )
    main_levels = Level.search([("company_id", "=", env.ref("base.main_company").id)])
    check(
        "the levels kept their days and state",
        sorted(main_levels.mapped("days")) == [-3, 5, 15, 31, 60]
        and len(main_levels.filtered("active")) == 4,
        main_levels.mapped("days"),
    )
    env.cr.execute(
        "SELECT is_nullable FROM information_schema.columns "
        "WHERE table_name = 'dso_reminder_level' AND column_name = 'plan_id'"
    )
    check("dso_reminder_level.plan_id is NOT NULL", env.cr.fetchone() == ("NO",))

    # the templates
    mails = {
        name: env.ref(f"dso_contacts.mail_template_reminder_{name}") for name in MAIL_TEMPLATES
    }
    sms = {
        name: env.ref(f"dso_contacts.sms_template_reminder_{name}") for name in SMS_TEMPLATES
    }
    edited_mail, edited_sms = (
        env.ref(f"dso_contacts.{EDITED_MAIL[0]}"),
        env.ref(f"dso_contacts.{EDITED_SMS[0]}"),
    )
    for lang in ("en_US", "fr_FR"):
        for name, template in mails.items():
            body = template.with_context(lang=lang).body_html
            check(f"email {name} ({lang}) shows the link", "object.portal_link_html" in body)
        for name, template in sms.items():
            body = template.with_context(lang=lang).body
            check(f"SMS {name} ({lang}) shows the link", "object.portal_short_url" in body)
    french = mails["second"].with_context(lang="fr_FR").body_html
    check(
        "the French email kept its French text",
        "Despite our first reminder" not in french and "object.portal_link_html" in french,
        french,
    )
    check(
        "the edited email kept its wording",
        EDITED_MAIL[2] in edited_mail.with_context(lang="en_US").body_html,
    )
    check(
        "the edited SMS kept its wording",
        EDITED_SMS[2] in edited_sms.with_context(lang="en_US").body,
    )
    for name, template in mails.items():
        check(
            f"email {name} has the data file's reply-to",
            template.reply_to == "{{ object.reply_to_address }}",
            template.reply_to,
        )
    xml = _data_file_texts(env)
    for template in [*mails.values(), *sms.values()]:
        xmlid = template.get_external_id()[template.id].split(".")[1]
        if xmlid in (EDITED_MAIL[0], EDITED_SMS[0]):
            continue
        field = "body_html" if template._name == "mail.template" else "body"
        stored = _normal(template.with_context(lang="en_US")[field])
        # the data file's text as the field stores it (its sanitizing)
        shipped = _normal(template._fields[field].convert_to_cache(xml[xmlid], template))
        check(f"{xmlid} has the data file's text", stored == shipped, f"{stored} != {shipped}")

    # a run of the scheduled action, as in production
    company = setup_reminder_company(env)
    today = fields.Date.context_today(company)
    customers = env["res.partner"]
    # due in 2 days, 8, 20 and 35 days late: the four levels, SMS on the last two
    for i, late in enumerate((-2, 8, 20, 35)):
        customer = env["res.partner"].create(
            {
                "name": f"Upgrade customer {i}",
                "is_company": True,
                "country_id": env.ref("base.be").id,
            }
        )
        env["res.partner"].create(
            {
                "name": f"Upgrade payer {i}",
                "parent_id": customer.id,
                "type": "contact",
                "email": f"upgrade{i}@example.com",
                "mobile": f"+32 470 00 00 0{i}",
                "lang": "fr_FR" if i % 2 else "en_US",
                "is_collection_contact": True,
            }
        )
        due = today - timedelta(days=late)
        invoice = env["account.move"].create(invoice_vals(customer, due, 100.0))
        invoice.action_post()
        customers |= customer
    env.cr.commit()
    env.ref("dso_contacts.ir_cron_send_reminders").method_direct_trigger()
    env.invalidate_all()
    reminders = env["dso.reminder"].search([("partner_id", "in", customers.ids)])
    check(
        "the scheduled action reminded the four customers", len(reminders) == 4, len(reminders)
    )
    for reminder in reminders:
        label = f"{reminder.partner_id.name}, {reminder.level_id.name}"
        url, short_url = reminder.portal_url, reminder.portal_short_url
        emails = env["mail.mail"].search(
            [("model", "=", "dso.reminder"), ("res_id", "=", reminder.id)]
        )
        check(
            f"the email to {label} carries the page's link",
            emails and url and all(escape(url) in str(mail.body_html) for mail in emails),
            f"{url} not in {emails.mapped('body_html')}",
        )
        if reminder.level_id.sms_template_id:
            texts = env["sms.sms"].search([("partner_id", "in", reminder.contact_id.ids)])
            check(
                f"the SMS to {label} carries the page's short link",
                texts and short_url and all(short_url in text.body for text in texts),
                f"{short_url} not in {texts.mapped('body')}",
            )
    return results


def _normal(text):
    return re.sub(r"\s+", "", str(text or "")).replace("/>", ">")


def _data_file_texts(env):
    """{xmlid: text of the template in the addon's data files}, as loaded."""
    from lxml import etree

    from odoo.tools import file_open
    from odoo.tools.convert import _eval_xml, xml_import

    texts = {}
    importer = xml_import(env, "dso_contacts", {}, mode="init")
    for name in ("mail_template_data.xml", "sms_template_data.xml"):
        with file_open(f"dso_contacts/data/{name}", "rb") as data:
            for node in etree.parse(data).iterfind(".//record"):
                field = node.find("field[@name='body_html']")
                if field is None:
                    field = node.find("field[@name='body']")
                texts[node.get("id")] = _eval_xml(importer, field, env)
    return texts


if __name__ == "__main__":
    sys.exit(main())
