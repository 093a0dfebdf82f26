"""Benchmark of the automatic payment reminders of dso_contacts.

Builds two databases of customers with overdue invoices (1,000 and 10,000
customers, one contact for collection each with an email and a mobile, one or
two overdue invoices each, all at a level that sends an email and an SMS),
then, in the same run:

1. runs the scheduled action (``dso_contacts.ir_cron_send_reminders``,
   ``method_direct_trigger()``) once on each: history, emails queued
   (mail.mail), SMS queued (sms.sms), notes on the customers and invoices,
   batches committed as in production;
2. runs the naive loop on a fresh copy (``createdb -T``) of the 1,000 set: per
   customer, its overdue invoices searched, its history record created, the
   level's email template posted with ``message_post_with_source`` and the
   SMS posted with ``_message_sms`` (both queued, as the cron does);
3. runs the scheduled action on another copy of the 1,000 set with each of
   its steps timed apart (its flush included), and sets each against the
   budget of the 10x target (the naive loop's time divided by 10).

Prints customers per second, SQL queries per customer, the 10k/1k time ratio
(linear is about 10), the speed-up over the naive loop and where the
scheduled action's time goes.

    python3 bench/bench_reminders.py [--sizes 1000,10000] [--keep]
        [--addons-path PATH] [--template-db dso_tmpl]

Needs PostgreSQL (createdb/dropdb) and Odoo 18.0 importable (or ODOO_SRC).
Databases are named dso_rem_bench_*; they are dropped at the end unless --keep.
"""

import argparse
import os
import time

from benchlib import (
    default_addons_path,
    install,
    run,
    run_worker,
    start_worker,
    time_method,
)

DB_PREFIX = "dso_rem_bench_"


# ----------------------------------------------------------------------
# driver
# ----------------------------------------------------------------------


def worker(args, mode, db, *extra):
    """Run this script's ``worker_<mode>`` in a child process on ``db``."""
    return start_worker(__file__, args, mode, db, *extra)


def install_base(args, db):
    install(args, db, template_db=args.template_db, extra=["--http-port", str(args.http_port)])
    return worker(args, "setup", db)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--template-db", default=os.environ.get("BENCH_TEMPLATE_DB", ""))
    parser.add_argument("--http-port", type=int, default=8289)
    parser.add_argument("--worker", default=None)
    parser.add_argument("--db", default=None)
    parser.add_argument("--customers", type=int, default=0)
    args = parser.parse_args()
    args.addons_path = args.addons_path or default_addons_path()
    if args.worker:
        return run_worker(args, globals())

    sizes = [int(size) for size in args.sizes.split(",")]
    base = DB_PREFIX + "base"
    dbs = [base]
    print(f"installing dso_contacts on {base} ...", flush=True)
    install_base(args, base)
    results = {}
    for size in sizes:
        db = f"{DB_PREFIX}{size}"
        dbs.append(db)
        run(["dropdb", "--if-exists", db])
        run(["createdb", "-T", base, db])
        built = worker(args, "build", db, "--customers", str(size))
        print(
            f"built {size} customers, {built['invoices']} invoices in {built['seconds']:.0f}s"
        )
        if size == sizes[0]:
            naive_db = f"{DB_PREFIX}{size}_naive"
            dbs.append(naive_db)
            run(["dropdb", "--if-exists", naive_db])
            run(["createdb", "-T", db, naive_db])
            results[("naive", size)] = worker(args, "naive", naive_db)
        if size == sizes[0]:
            parts_db = f"{DB_PREFIX}{size}_parts"
            dbs.append(parts_db)
            run(["dropdb", "--if-exists", parts_db])
            run(["createdb", "-T", db, parts_db])
            parts = worker(args, "parts", parts_db)
        results[("cron", size)] = worker(args, "cron", db)
        if size == sizes[0]:
            templates = worker(args, "templates", db)

    print()
    print(f"{'run':<22}{'customers':>10}{'seconds':>10}{'cust/s':>10}{'queries/cust':>14}")
    for (kind, size), res in sorted(results.items(), key=lambda item: item[0][::-1]):
        rate = res["customers"] / res["seconds"]
        queries = res["queries"] / res["customers"]
        print(
            f"{kind + ' ' + str(size):<22}{res['customers']:>10}{res['seconds']:>10.1f}"
            f"{rate:>10.1f}{queries:>14.1f}"
        )
        print(f"{'':<22}  {res['check']}")
    small, large = sizes[0], sizes[-1]
    if len(sizes) > 1:
        ratio = results[("cron", large)]["seconds"] / results[("cron", small)]["seconds"]
        print(f"\ncron time ratio {large}/{small}: {ratio:.1f} (linear: {large / small:.0f})")
    naive = results[("naive", small)]
    cron = results[("cron", small)]
    speedup = (cron["customers"] / cron["seconds"]) / (naive["customers"] / naive["seconds"])
    print(f"cron rate / naive rate on {small} customers: {speedup:.1f}x (target >= 10x)")
    budget = naive["seconds"] / 10
    print(
        f"\nwhere the scheduled action's {parts['seconds']:.2f}s go on {small} customers "
        f"(each step timed with its flush; the 10x budget is {budget:.2f}s):"
    )
    for step, seconds in parts["steps"].items():
        print(f"  {step:<44}{seconds:>7.2f}s  {seconds / budget:>5.0%} of the budget")
    print(
        f"\nrendering and queuing the {templates['reminders']} emails of the {small} set: "
        f"_generate_template + one mail.mail create {templates['generate_template']:.2f}s, "
        f"mail.template.send_mail_batch {templates['send_mail_batch']:.2f}s"
    )
    if not args.keep:
        for db in dbs:
            run(["dropdb", "--if-exists", db])


# ----------------------------------------------------------------------
# workers (run inside Odoo)
# ----------------------------------------------------------------------


def worker_setup(env, args, odoo):
    """A chart of accounts and the company's reminder settings."""
    company = env.ref("base.main_company")
    if not env["account.account"].search_count([("company_ids", "in", company.ids)], limit=1):
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    company.write(
        {
            "country_id": env.ref("base.be").id,
            "email": "billing@company.example.com",
            "dso_reminder_auto": True,
            "dso_reminder_saturday": True,
            "dso_reminder_sunday": True,
            "dso_reminder_hour_from": 0.0,
            "dso_reminder_hour_to": 24.0,
        }
    )
    company.partner_id.tz = "UTC"
    return {"company": company.id}


def worker_build(env, args, odoo):
    """``args.customers`` customers, each with a contact for collection and one
    or two overdue invoices (16 to 40 days late: email and SMS levels)."""
    from datetime import timedelta

    from odoo import Command, fields

    started = time.monotonic()
    company = env.ref("base.main_company")
    env = env(
        context=dict(
            env.context,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
        )
    )
    today = fields.Date.context_today(env["res.partner"])
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    be = env.ref("base.be").id
    invoices = 0
    chunk = 500
    for start in range(0, args.customers, chunk):
        stop = min(start + chunk, args.customers)
        customers = env["res.partner"].create(
            [
                {
                    "name": f"Customer {i:05d}",
                    "is_company": True,
                    "country_id": be,
                    "company_id": company.id,
                }
                for i in range(start, stop)
            ]
        )
        env["res.partner"].create(
            [
                {
                    "name": f"Payer {i:05d}",
                    "parent_id": customer.id,
                    "type": "contact",
                    "email": f"payer{i:05d}@example.com",
                    "mobile": f"0470 {i:06d}",
                    "is_collection_contact": True,
                }
                for i, customer in zip(range(start, stop), customers, strict=True)
            ]
        )
        vals_list = []
        for i, customer in zip(range(start, stop), customers, strict=True):
            for late in (16 + i % 25,) if i % 3 else (16 + i % 25, 3):
                due = today - timedelta(days=late)
                vals_list.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": customer.id,
                        "journal_id": journal.id,
                        "invoice_date": due - timedelta(days=30),
                        "invoice_date_due": due,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Consulting",
                                    "quantity": 1,
                                    "price_unit": 100.0 + i % 400,
                                    "tax_ids": [],
                                }
                            )
                        ],
                    }
                )
        moves = env["account.move"].create(vals_list)
        moves.action_post()
        invoices += len(moves)
        env.cr.commit()
        env.invalidate_all()
    return {"invoices": invoices, "seconds": time.monotonic() - started}


def _measure(env, function):
    cr = env.cr
    queries = cr.sql_log_count
    started = time.monotonic()
    function()
    env.cr.commit()
    return time.monotonic() - started, cr.sql_log_count - queries


def _counts(env):
    return {
        "reminders": env["dso.reminder"].search_count([]),
        "mail.mail": env["mail.mail"].search_count([("model", "=", "dso.reminder")]),
        "sms.sms": env["sms.sms"].search_count([]),
    }


def worker_cron(env, args, odoo):
    cron = env.ref("dso_contacts.ir_cron_send_reminders")
    seconds, queries = _measure(env, cron.method_direct_trigger)
    counts = _counts(env)
    return {
        "customers": counts["reminders"],
        "seconds": seconds,
        "queries": queries,
        "check": counts,
    }


# (model, method, label, flushed): the steps of the scheduled action; the
# indented ones are parts of the step above them (not flushed: computed
# fields read while rendering)
PARTS = (
    ("dso.reminder.engine", "_due_groups", "due customers, invoices and credits", True),
    ("dso.reminder.engine", "_create_reminders", "history records (create)", True),
    ("dso.reminder.dispatch", "_queue_emails", "emails, rendered and queued", True),
    ("mail.template", "_generate_template", "  Odoo's rendering (_generate_template)", True),
    ("dso.reminder", "_compute_texts", "    the invoice tables (addon's compute)", False),
    ("dso.reminder", "_compute_portal_url", "    the customer page links (addon's)", False),
    ("dso.reminder.dispatch", "_queue_sms", "SMS, rendered and queued", True),
    ("dso.reminder.dispatch", "_log_chatter", "chatter notes (customers, invoices)", True),
    ("dso.reminder.dispatch", "_flag_problems", "problems flagged, activities", True),
)


def worker_parts(env, args, odoo):
    """The scheduled action again, each of its steps timed apart (its
    flush included: the same work, brought forward)."""
    steps = {}
    for model, method, label, flushed in PARTS:
        time_method(type(env[model]), method, steps, label, flush=flushed)
    cron = env.ref("dso_contacts.ir_cron_send_reminders")
    seconds, _queries = _measure(env, cron.method_direct_trigger)
    return {"seconds": seconds, "steps": steps}


def worker_templates(env, args, odoo):
    """The emails of the reminders the cron made, rendered and queued again
    two ways, each rolled back: the dispatch's (``_generate_template`` and
    one ``mail.mail`` create per batch) and ``mail.template.send_mail_batch``."""
    reminders = env["dso.reminder"].search([("email_state", "=", "queued")])
    dispatch = env["dso.reminder.dispatch"]
    timings = {}

    def generate_template():
        dispatch._queue_emails(reminders, {})

    def send_mail_batch():
        for level, level_reminders in reminders.grouped("level_id").items():
            level.mail_template_id.send_mail_batch(level_reminders.ids)

    for name, function in (
        ("generate_template", generate_template),
        ("send_mail_batch", send_mail_batch),
    ):
        env.invalidate_all()
        started = time.monotonic()
        function()
        env.flush_all()
        timings[name] = time.monotonic() - started
        env.cr.rollback()
    return {"reminders": len(reminders), **timings}


def worker_naive(env, args, odoo):
    """The per-customer loop the issue measures: one message_post_with_source
    of the level's email template and one _message_sms per customer."""
    company = env.ref("base.main_company")
    Reminder = env["dso.reminder"].with_context(
        mail_notify_force_send=False, mail_create_nosubscribe=True
    )
    engine = env["dso.reminder.engine"].with_company(company)
    today = company._dso_reminder_today()
    levels = company._dso_reminder_levels()

    def loop():
        customers = engine._due_customers(today)
        for customer in customers:
            moves = env["account.move"].search(
                [
                    *engine._get_reminder_domain(today),
                    ("commercial_partner_id", "=", customer.id),
                ],
                order="invoice_date_due, id",
            )
            late = (today - moves[0].invoice_date_due).days
            level = levels.filtered(lambda lvl, late=late: lvl.days <= late)[-1]
            contact = customer.collection_contact_id
            reminder = Reminder.create(
                {
                    "company_id": company.id,
                    "partner_id": customer.id,
                    "contact_id": contact.id,
                    "level_id": level.id,
                    "move_ids": [odoo.Command.set(moves.ids)],
                    "trigger_move_id": moves[0].id,
                    "currency_id": moves[0].currency_id.id,
                    "amount_due": sum(moves.mapped("amount_residual")),
                    "channel": level.channel,
                    "email_state": "queued",
                    "sms_state": "queued",
                    "email_from": company.email_formatted,
                    "author_id": company.partner_id.id,
                }
            )
            reminder.message_post_with_source(
                level.mail_template_id, subtype_xmlid="mail.mt_comment"
            )
            body = level.sms_template_id._render_field("body", reminder.ids)[reminder.id]
            customer._message_sms(body, partner_ids=contact.ids, put_in_queue=True)

    seconds, queries = _measure(env, loop)
    counts = _counts(env)
    counts["mail.mail"] = env["mail.mail"].search_count([])
    return {
        "customers": counts["reminders"],
        "seconds": seconds,
        "queries": queries,
        "check": counts,
    }


if __name__ == "__main__":
    main()
