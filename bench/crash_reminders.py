"""A reminder run killed with SIGKILL in the middle, then run again.

What a test transaction cannot show (it never commits): on a real database,
the scheduled action runs in a real ``odoo-bin shell`` process, committing a
transaction per batch of customers as in production; the process is killed
with SIGKILL once some batches are committed; the run is started again and
goes to the end. Then it counts, in the database:

- after the kill: some customers reminded, not all, and each reminder
  recorded has its email and its SMS queued (a batch is all or nothing);
- after the second run: every customer reminded exactly once, one email and
  one SMS per reminder, no contact emailed twice.

Then the same for the fallback after a bounce: ``--bounces`` reminders' emails
come back (the delivery status notifications of the addon's tests, as Postfix
writes them), each processed by Odoo's mail gateway (``message_process``) in a
real ``odoo-bin shell`` process that commits after each message, as the
fetchmail cron does; the process is killed with SIGKILL in the middle; then
every notification is processed again (a mail server delivers again what was
not acknowledged, including what was processed just before the kill). It
counts:

- after the kill: some reminders bounced, not all, and each one bounced has
  its fallback reminder and its customer its "Fix the contact" activity (a
  bounce is all or nothing);
- after the second run: every reminder bounced (nothing lost), one fallback
  reminder each, email only (their SMS went out), to the customer's other
  contact, one email queued each, one activity per customer (nothing doubled).

Prints one line per check and ``N passed, N failed``; exits non-zero on a
failure. ``make test`` runs it (``make test-crash``).

    python3 bench/crash_reminders.py [--customers 1500] [--batch 50] [--bounces 300]
        [--keep] [--reuse] [--db NAME] [--http-port 8288]
        (--db: default $CRASH_DB or dso_rem_crash; its template is NAME_tmpl)
"""

import argparse
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_reminders as bench
from benchlib import odoo_src

DB = os.environ.get("CRASH_DB", "dso_rem_crash")
RUN = "env.ref('dso_contacts.ir_cron_send_reminders').method_direct_trigger()\n"
# the reminders' emails (mail.mail inherits its model and res_id from mail.message)
REMINDER_MAILS = (
    "FROM mail_mail mail JOIN mail_message message ON message.id = mail.mail_message_id "
    "WHERE message.model = 'dso.reminder'"
)


def psql(db, query):
    out = subprocess.run(
        ["psql", "-d", db, "-tAc", query], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def counts(db):
    return {
        "reminders": int(psql(db, "SELECT count(*) FROM dso_reminder")),
        "emails": int(psql(db, f"SELECT count(*) {REMINDER_MAILS}")),
        "sms": int(psql(db, "SELECT count(*) FROM sms_sms")),
    }


def shell(args, db, code=RUN):
    """A real Odoo process running ``code`` (default: the scheduled action)."""
    process = subprocess.Popen(
        [
            sys.executable,
            os.path.join(odoo_src(), "odoo-bin"),
            "shell",
            "-d",
            db,
            "--addons-path",
            args.addons_path,
            "--log-level=warn",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    process.stdin.write(code)
    process.stdin.close()
    return process


def doubled(db, column, rows):
    """How many values of ``column`` stand more than once in ``rows`` (a
    FROM clause, with its joins and WHERE)."""
    return psql(
        db,
        f"SELECT count(*) FROM (SELECT {column} FROM {rows} "
        f"GROUP BY {column} HAVING count(*) > 1) AS t",
    )


def run_again(args, db, check, what, code=RUN, timeout=900):
    """``code`` run again in a real Odoo process, to the end."""
    process = shell(args, db, code)
    process.wait(timeout=timeout)
    check(f"{what} finished", process.returncode == 0, f"exit {process.returncode}")


def kill_midway(args, db, check, what, reached, code=RUN):
    """``code`` run in a real Odoo process, killed with SIGKILL as soon as
    ``reached()`` (polled): checks that the kill came in the middle of
    ``what`` (before its end)."""
    process = shell(args, db, code)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if reached():
            break
        time.sleep(0.05)
    killed = process.poll() is None
    if killed:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    check(f"{what} was killed in the middle", killed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1500)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument(
        "--bounces", type=int, default=300, help="reminders whose email comes back (0: none)"
    )
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the customers built by a --keep run"
    )
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--http-port", type=int, default=8288)
    parser.add_argument(
        "--db", default=DB, help="the database run on; NAME_tmpl holds the set"
    )
    args = parser.parse_args()
    db, template = args.db, f"{args.db}_tmpl"
    args.addons_path = args.addons_path or bench.default_addons_path()
    args.template_db = ""

    if not args.reuse:
        print(f"installing dso_contacts and building {args.customers} customers ...")
        bench.install_base(args, template)
        bench.worker(args, "build", template, "--customers", str(args.customers))
    bench.run(["dropdb", "--if-exists", db])
    bench.run(["createdb", "-T", template, db])
    psql(
        db,
        "INSERT INTO ir_config_parameter (key, value) "
        f"VALUES ('dso_contacts.reminder_batch_size', '{int(args.batch)}')",
    )

    results = []

    def check(name, ok, detail=""):
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'}: {name} {detail}", flush=True)

    kill_midway(args, db, check, "the run", lambda: counts(db)["reminders"] >= 2 * args.batch)
    after_kill = counts(db)
    check(
        "some customers reminded before the kill, not all",
        0 < after_kill["reminders"] < args.customers,
        str(after_kill),
    )
    check(
        "each reminder recorded has its email and its SMS queued",
        after_kill["emails"] == after_kill["reminders"] == after_kill["sms"],
        str(after_kill),
    )

    run_again(args, db, check, "the second run")
    final = counts(db)
    check(
        "every customer reminded, one email and one SMS each",
        set(final.values()) == {args.customers},
        str(final),
    )
    twice = doubled(db, "partner_id", "dso_reminder")
    check("no customer reminded twice", twice == "0", f"{twice} customers")
    emailed_twice = doubled(
        db,
        "rel.res_partner_id",
        "mail_mail_res_partner_rel rel JOIN mail_mail m ON m.id = rel.mail_mail_id "
        f"WHERE m.id IN (SELECT mail.id {REMINDER_MAILS})",
    )
    check("no contact emailed twice", emailed_twice == "0", f"{emailed_twice} contacts")
    texted_twice = doubled(db, "number", "sms_sms")
    check("no number texted twice", texted_twice == "0", f"{texted_twice} numbers")

    if args.bounces:
        crash_bounces(args, db, check)

    if not args.keep:
        bench.run(["dropdb", "--if-exists", db])
        bench.run(["dropdb", "--if-exists", template])
    failed = results.count(False)
    print(f"{results.count(True)} passed, {failed} failed")
    return 1 if failed else 0


# ----------------------------------------------------------------------
# the fallback after a bounce, killed in the middle
# ----------------------------------------------------------------------

# the reminders whose email comes back: the first ``count`` sent by the run
BOUNCED = (
    "SELECT id FROM dso_reminder WHERE is_fallback IS NOT TRUE AND previous_id IS NULL "
    "ORDER BY id LIMIT {count}"
)
# each of their customers gets a second contact, the one the reminder falls back on
SETUP_BOUNCES = """
env.cr.execute({bounced!r})
reminders = env["dso.reminder"].browse([row[0] for row in env.cr.fetchall()])
env["res.partner"].create([
    {{
        "name": f"Backup {{reminder.partner_id.id}}",
        "parent_id": reminder.partner_id.id,
        "type": "contact",
        "email": f"backup{{reminder.partner_id.id}}@example.com",
    }}
    for reminder in reminders
])
env.cr.commit()
"""
# the gateway, one notification a transaction, as fetchmail (commit after each)
PROCESS_BOUNCES = """
from odoo.tools import file_open
with file_open("dso_contacts/tests/samples/dsn_postfix_user_unknown.eml") as dsn_file:
    dsn = dsn_file.read()
env.cr.execute({bounced!r})
reminders = env["dso.reminder"].browse([row[0] for row in env.cr.fetchall()])
messages = env["mail.message"].search([
    ("model", "=", "dso.reminder"),
    ("res_id", "in", reminders.ids),
    ("message_type", "=", "email_outgoing"),
])
texts = []
for message in messages.sorted("res_id"):
    email = reminders.browse(message.res_id).recipient_ids[:1].email_normalized
    texts.append(
        dsn.replace("{{message_id}}", message.message_id)
        .replace("{{recipient}}", email)
        .replace("{{domain}}", email.split("@")[-1])
    )
env.cr.rollback()
for text in texts:
    try:
        env["mail.thread"].message_process(False, text)
    except Exception:
        env.cr.rollback()
        raise
    env.cr.commit()
"""


def crash_bounces(args, db, check):
    count = min(args.bounces, args.customers)
    bounced = BOUNCED.format(count=count)
    process = shell(args, db, SETUP_BOUNCES.format(bounced=bounced))
    process.wait(timeout=300)
    backups = psql(db, "SELECT count(*) FROM res_partner WHERE name LIKE 'Backup %'")
    check(
        "the customers' second contacts created",
        process.returncode == 0 and backups == str(count),
        f"{backups} contacts",
    )
    fix_type = psql(
        db,
        "SELECT res_id FROM ir_model_data WHERE module = 'dso_contacts' "
        "AND name = 'mail_activity_type_fix_contact'",
    )

    def bounce_counts():
        return {
            "bounced": int(psql(db, "SELECT count(*) FROM dso_reminder WHERE email_bounced")),
            "fallbacks": int(psql(db, "SELECT count(*) FROM dso_reminder WHERE is_fallback")),
            "activities": int(
                psql(
                    db,
                    "SELECT count(*) FROM mail_activity WHERE res_model = 'res.partner' "
                    f"AND activity_type_id = {int(fix_type)}",
                )
            ),
        }

    code = PROCESS_BOUNCES.format(bounced=bounced)
    kill_midway(
        args,
        db,
        check,
        "the bounces' processing",
        lambda: bounce_counts()["bounced"] >= count // 4,
        code,
    )
    after_kill = bounce_counts()
    check(
        "some reminders bounced before the kill, not all",
        0 < after_kill["bounced"] < count,
        str(after_kill),
    )
    check(
        "each reminder bounced has its fallback and its customer its activity",
        after_kill["bounced"] == after_kill["fallbacks"] == after_kill["activities"],
        str(after_kill),
    )

    run_again(args, db, check, "the second processing", code, timeout=600)
    final = bounce_counts()
    check(
        "every reminder bounced, one fallback and one activity each",
        set(final.values()) == {count},
        str(final),
    )
    again = doubled(db, "previous_id", "dso_reminder WHERE is_fallback")
    check("no reminder sent again twice", again == "0", f"{again} reminders")
    twice = doubled(
        db,
        "res_id",
        "mail_activity WHERE res_model = 'res.partner' "
        f"AND activity_type_id = {int(fix_type)}",
    )
    check("one activity per customer", twice == "0", f"{twice} customers with two")
    to_backup = psql(
        db,
        "SELECT count(*) FROM dso_reminder r JOIN res_partner p ON p.id = r.contact_id "
        "WHERE r.is_fallback AND r.channel = 'email' AND p.name LIKE 'Backup %' "
        "AND r.email_state = 'queued' AND r.sms_state = 'none'",
    )
    check(
        "each fallback an email only, to the customer's other contact",
        to_backup == str(count),
        f"{to_backup} of {count}",
    )
    mails = psql(
        db,
        f"SELECT count(*) {REMINDER_MAILS} AND message.res_id IN "
        "(SELECT id FROM dso_reminder WHERE is_fallback)",
    )
    check("one email queued per fallback", mails == str(count), f"{mails} emails")
    sms = psql(db, "SELECT count(*) FROM sms_sms")
    check("no SMS sent again (delivered)", sms == str(args.customers), f"{sms} SMS")


if __name__ == "__main__":
    sys.exit(main())
