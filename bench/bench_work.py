#!/usr/bin/env python3
"""My work today and the collection activity on a large customer book.

On a copy of a database where dso_contacts is installed with its demo data
(``--template``), it multiplies the demo's rows with SQL (customers, open
receivable journal items, reminders, promises, disputes), then times, as a
collector through the ORM (record rules included), the queries the two menus
make: My work today's grouped count and its first page, and the activity's
pivot by month. Prints one line per measure.

    python3 bench/bench_work.py --template dso_work_t1 --customers 100000 --items 1000000
"""

import argparse
import subprocess
import sys
import time


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND column_name != 'id' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def clone(cr, table, source_id, count, overrides):
    """``count`` copies of row ``source_id`` of ``table``, the columns of
    ``overrides`` given as SQL expressions of ``g`` (1..count)."""
    cols = columns(cr, table)
    # the expressions' modulo, escaped for the driver's parameters
    exprs = [overrides.get(col, f"t.{col}").replace("%", "%%") for col in cols]
    cr.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) "
        f"SELECT {', '.join(exprs)} FROM {table} t, generate_series(1, %s) g "
        f"WHERE t.id = %s",
        [count, source_id],
    )


def populate(cr, customers, items):
    cr.execute("SELECT id FROM res_partner WHERE name = 'Brightwater Supplies Ltd'")
    template_customer = cr.fetchone()[0]
    cr.execute("SELECT id FROM res_users WHERE share IS NOT TRUE ORDER BY id")
    users = [row[0] for row in cr.fetchall()]
    user_expr = f"(ARRAY{users})[1 + g % {len(users)}]"
    clone(
        cr,
        "res_partner",
        template_customer,
        customers,
        {
            "name": "'Bench customer ' || g",
            "complete_name": "'Bench customer ' || g",
            "ref": "'B' || g",
            "user_id": user_expr,
            # one customer in seven has no contact for collection
            "collection_contact_id": "CASE WHEN g % 7 = 0 THEN NULL "
            "ELSE t.collection_contact_id END",
        },
    )
    # one INSERT takes consecutive ids of the sequence
    cr.execute("SELECT min(id) FROM res_partner WHERE name LIKE 'Bench customer %%'")
    first = cr.fetchone()[0]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id >= %s", [first])
    partner = f"({first} + (g % {customers}))"
    cr.execute(
        "SELECT aml.id FROM account_move_line aml JOIN account_account a "
        "ON a.id = aml.account_id WHERE a.account_type = 'asset_receivable' "
        "AND aml.partner_id = %s LIMIT 1",
        [template_customer],
    )
    clone(cr, "account_move_line", cr.fetchone()[0], items, {"partner_id": partner})
    cr.execute(
        "SELECT id FROM dso_reminder WHERE partner_id = %s LIMIT 1", [template_customer]
    )
    reminder = cr.fetchone()[0]
    clone(
        cr,
        "dso_reminder",
        reminder,
        customers // 2,
        {
            "partner_id": partner,
            "trigger_move_id": "NULL",
            "sms_uuid": "NULL",
            "is_answered": "g % 20 = 0",
            "answer_date": "CASE WHEN g % 20 = 0 THEN now() END",
            # one reminder in four at the last level
            "level_id": "CASE WHEN g % 4 = 0 THEN t.level_id ELSE "
            "(SELECT min(l.id) FROM dso_reminder_level l "
            "WHERE l.company_id = t.company_id) END",
        },
    )
    cr.execute(
        "INSERT INTO dso_reminder_account_move_rel (reminder_id, move_id) "
        "SELECT r.id, rel.move_id FROM dso_reminder r, dso_reminder_account_move_rel rel "
        "WHERE r.id > %s AND rel.reminder_id = %s",
        [reminder, reminder],
    )
    cr.execute("SELECT id FROM dso_payment_promise ORDER BY id LIMIT 1")
    promise = cr.fetchone()[0]
    clone(
        cr,
        "dso_payment_promise",
        promise,
        customers // 5,
        {
            "partner_id": partner,
            "submission_key": "NULL",
            "state": "(ARRAY['open', 'kept', 'broken'])[1 + g % 3]",
            "user_id": user_expr,
        },
    )
    cr.execute(
        "INSERT INTO dso_payment_promise_account_move_rel (promise_id, move_id) "
        "SELECT p.id, rel.move_id FROM dso_payment_promise p, "
        "dso_payment_promise_account_move_rel rel WHERE p.id > %s AND rel.promise_id = %s",
        [promise, promise],
    )
    cr.execute("SELECT id FROM dso_invoice_dispute ORDER BY id LIMIT 1")
    clone(
        cr,
        "dso_invoice_dispute",
        cr.fetchone()[0],
        customers // 50,
        {"partner_id": partner, "submission_key": "NULL", "user_id": user_expr},
    )
    cr.execute("ANALYZE")


def measure(db, addons_path):
    import odoo
    from odoo import api

    odoo.tools.config.parse_config(["-d", db, f"--addons-path={addons_path}"])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        work = env["dso.work.item"].with_user(admin)
        activity = env["dso.collection.activity"].with_user(admin)
        mine = [("user_id", "=", admin.id)]
        runs = {
            "My work today, grouped by kind (mine)": lambda: work.read_group(
                mine, ["amount_due:sum"], ["kind"]
            ),
            "My work today, first page (mine)": lambda: work.search_read(
                mine, ["kind", "partner_id", "amount_due", "date", "description"], limit=80
            ),
            "My work today, grouped by kind (all)": lambda: work.read_group(
                [], ["amount_due:sum"], ["kind"]
            ),
            "Collection activity, pivot by month": lambda: activity.read_group(
                [],
                ["reminder_count:sum", "promise_count:sum", "kept_rate:avg"],
                ["date:month"],
            ),
        }
        for name, run in runs.items():
            run()  # warm the caches as a second click does
            env.invalidate_all()
            start = time.perf_counter()
            result = run()
            elapsed = time.perf_counter() - start
            print(f"{name}: {elapsed * 1000:.0f} ms ({len(result)} rows)")
            env.invalidate_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--template", default="dso_work_t1")
    parser.add_argument("--db", default="dso_work_bench")
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--items", type=int, default=1000000)
    parser.add_argument(
        "--addons-path",
        default="/opt/odoo18/addons,/opt/odoo18/odoo/addons,.,.oca/odoo/addons",
    )
    args = parser.parse_args()
    subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    subprocess.run(["createdb", "-T", args.template, args.db], check=True)
    import psycopg2

    start = time.perf_counter()
    with psycopg2.connect(dbname=args.db) as conn, conn.cursor() as cr:
        populate(cr, args.customers, args.items)
    print(
        f"{args.customers} customers, {args.items} open receivable items: "
        f"populated in {time.perf_counter() - start:.0f} s"
    )
    measure(args.db, args.addons_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
