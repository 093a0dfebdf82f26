"""OCA's ``account_credit_control`` 18.0 for the benchmarks: its wheel
downloaded and unpacked into bench/.cache/ (git-ignored, never a dependency
of the addons, only on the addons path of the benchmark's OCA database), its
policy set up as a user would for one email level listing the overdue
invoices, and its run (run -> lines -> communications -> emails queued)."""

import ast
import importlib.util
import os
import subprocess
import sys
import zipfile

from benchlib import HERE, odoo_src

# the module our users would pick instead, pinned; add here the wheels of any
# OCA addon its manifest comes to depend on (none for this version: base,
# account, mail)
OCA_WHEELS = ("odoo-addon-account-credit-control==18.0.2.0.2.6",)
OCA_MODULE = "account_credit_control"
CACHE = os.path.join(HERE, ".cache", "oca")


def oca_version():
    return OCA_WHEELS[0].split("==")[1]


def oca_addons_dir():
    """The folder holding OCA's addons, downloaded and unpacked the first time
    (``pip download --no-deps`` of the pinned wheels, ``.cache/oca/<version>``)."""
    target = os.path.join(CACHE, oca_version())
    addons = os.path.join(target, "odoo", "addons")
    if not os.path.isfile(os.path.join(addons, OCA_MODULE, "__manifest__.py")):
        wheels = os.path.join(CACHE, "wheels")
        os.makedirs(wheels, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:"]
        subprocess.run(
            [*cmd, "-d", wheels, *OCA_WHEELS], check=True, stdout=subprocess.DEVNULL
        )
        for spec in OCA_WHEELS:
            name, version = spec.split("==")
            prefix = f"{name.replace('-', '_')}-{version}-"
            (wheel,) = [w for w in os.listdir(wheels) if w.startswith(prefix)]
            with zipfile.ZipFile(os.path.join(wheels, wheel)) as archive:
                archive.extractall(target)
    check_oca_addons(addons)
    return addons


def check_oca_addons(addons):
    """Every module OCA's depends on is in Odoo or downloaded, and every
    Python package its manifests need is importable."""
    src = odoo_src()
    places = [addons, os.path.join(src, "addons"), os.path.join(src, "odoo", "addons")]
    for module in os.listdir(addons):
        manifest_path = os.path.join(addons, module, "__manifest__.py")
        if not os.path.isfile(manifest_path):
            continue
        with open(manifest_path, encoding="utf-8") as manifest_file:
            manifest = ast.literal_eval(manifest_file.read())
        for depend in manifest.get("depends", []):
            if not any(os.path.isdir(os.path.join(place, depend)) for place in places):
                raise SystemExit(
                    f"{module} depends on {depend}, which is neither in Odoo nor "
                    f"downloaded: add its wheel to OCA_WHEELS in {__file__}"
                )
        for package in manifest.get("external_dependencies", {}).get("python", []):
            if importlib.util.find_spec(package) is None:
                raise SystemExit(
                    f"{module} needs the Python package {package}: pip install it"
                )


def setup_policy(env, pdf=False):
    """A credit control policy with one level, 10 days after the due date,
    channel email, the invoices listed in the email (OCA's default template,
    without its PDF summary unless ``pdf``), set as the company's policy on
    the receivable accounts."""
    company = env.ref("base.main_company")
    template = env.ref("account_credit_control.email_template_credit_control_base")
    if not pdf:
        template = template.copy(
            {"name": "Credit Control Email (no PDF)", "report_template_ids": [(5, 0, 0)]}
        )
    accounts = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.ids)]
    )
    policy = env["credit.control.policy"].create(
        {
            "name": "Overdue invoices by email",
            "company_id": company.id,
            "account_ids": [(6, 0, accounts.ids)],
            "level_ids": [
                (
                    0,
                    0,
                    {
                        "name": "10 days net",
                        "level": 1,
                        "computation_mode": "net_days",
                        "delay_days": 10,
                        "channel": "email",
                        "email_template_id": template.id,
                        "mail_show_invoice_detail": True,
                        "custom_text": "Our records indicate that we have not received "
                        "the payment of the invoices below.",
                        "custom_mail_text": "<p>Our records indicate that we have not "
                        "received the payment of the invoices below.</p>",
                    },
                )
            ],
        }
    )
    company.credit_policy_id = policy
    return policy


def run_credit_control(env, policy, date):
    """OCA's run as the run's form does it: a run for ``date``, "Compute
    credit lines" (``generate_credit_lines``), "Mark all as ready to send"
    (``set_to_ready_lines``), then "Run channel action"
    (``run_channel_action``): a communication per customer, its email posted
    from the level's template with the overdue invoices listed, queued (the
    ``mail.mail`` left for the mail queue's cron, not sent)."""
    env = env(context=dict(env.context, mail_notify_force_send=False))
    credit_run = env["credit.control.run"].create(
        {"date": date, "policy_ids": [(6, 0, policy.ids)]}
    )
    credit_run.generate_credit_lines()
    credit_run.set_to_ready_lines()
    credit_run.run_channel_action()
    env.flush_all()
    return credit_run


# each side's record of an email, joined to the invoices it stands for:
# (table, column of the record, column of the invoice)
INVOICES_OF = {
    "oca": ("credit_control_line", "communication_id", "invoice_id"),
    "dso": ("dso_reminder_account_move_rel", "reminder_id", "move_id"),
}
MAIL_MODEL = {"oca": "credit.control.communication", "dso": "dso.reminder"}


def check_mails(env, side):
    """The emails queued by ``side``: how many, and how many of them do not
    name every invoice they stand for."""
    from odoo.tools import SQL

    env.flush_all()
    env.cr.execute(
        """SELECT count(*) FROM mail_mail mm
             JOIN mail_message msg ON msg.id = mm.mail_message_id
            WHERE msg.model = %s AND mm.state = 'outgoing'""",
        (MAIL_MODEL[side],),
    )
    (queued,) = env.cr.fetchone()
    # each queued email, with the invoices it must list: (mail id, invoice
    # number) for every invoice the email's record stands for
    table, record, invoice = INVOICES_OF[side]
    env.cr.execute(
        SQL(
            """SELECT mm.id, am.name, mm.body_html
                 FROM mail_mail mm
                 JOIN mail_message msg ON msg.id = mm.mail_message_id
                 JOIN %(table)s rel ON rel.%(record)s = msg.res_id
                 JOIN account_move am ON am.id = rel.%(invoice)s
                WHERE msg.model = %(model)s""",
            table=SQL.identifier(table),
            record=SQL.identifier(record),
            invoice=SQL.identifier(invoice),
            model=MAIL_MODEL[side],
        )
    )
    missing = {
        mail_id for mail_id, name, body in env.cr.fetchall() if name not in (body or "")
    }
    return {"queued": queued, "without_invoice_number": len(missing)}
