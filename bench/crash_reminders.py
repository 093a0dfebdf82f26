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

Prints one line per check and ``N passed, N failed``; exits non-zero on a
failure. ``make test`` runs it (``make test-crash``).

    python3 bench/crash_reminders.py [--customers 1500] [--batch 50] [--keep] [--reuse]
        [--db NAME]   (default $CRASH_DB or dso_rem_crash; its template is NAME_tmpl)
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


def shell(args, db):
    """A real Odoo process running the scheduled action."""
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
    process.stdin.write(RUN)
    process.stdin.close()
    return process


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1500)
    parser.add_argument("--batch", type=int, default=50)
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

    process = shell(args, db)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if counts(db)["reminders"] >= 2 * args.batch:
            break
        time.sleep(0.05)
    killed = process.poll() is None
    if killed:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    check("the run was killed in the middle", killed)
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

    process = shell(args, db)
    process.wait(timeout=900)
    final = counts(db)
    check("the second run finished", process.returncode == 0, f"exit {process.returncode}")
    check(
        "every customer reminded, one email and one SMS each",
        set(final.values()) == {args.customers},
        str(final),
    )
    twice = psql(
        db,
        "SELECT count(*) FROM (SELECT partner_id FROM dso_reminder "
        "GROUP BY partner_id HAVING count(*) > 1) AS t",
    )
    check("no customer reminded twice", twice == "0", f"{twice} customers")
    emailed_twice = psql(
        db,
        "SELECT count(*) FROM (SELECT rel.res_partner_id FROM mail_mail_res_partner_rel rel "
        "JOIN mail_mail m ON m.id = rel.mail_mail_id "
        f"WHERE m.id IN (SELECT mail.id {REMINDER_MAILS}) "
        "GROUP BY rel.res_partner_id HAVING count(*) > 1) AS t",
    )
    check("no contact emailed twice", emailed_twice == "0", f"{emailed_twice} contacts")
    texted_twice = psql(
        db,
        "SELECT count(*) FROM (SELECT number FROM sms_sms GROUP BY number "
        "HAVING count(*) > 1) AS t",
    )
    check("no number texted twice", texted_twice == "0", f"{texted_twice} numbers")

    if not args.keep:
        bench.run(["dropdb", "--if-exists", db])
        bench.run(["dropdb", "--if-exists", template])
    failed = results.count(False)
    print(f"{results.count(True)} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
