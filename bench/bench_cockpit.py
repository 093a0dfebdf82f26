"""Benchmark of the collection cockpit's figures: ageing and DSO.

Builds a database with 100,000 open receivable journal items and one with
1,000,000 (ten per customer: 10,000 and 100,000 customers, 20 salespeople),
each item a posted customer invoice of two journal items (the receivable and
the income), one in ten a credit note (an open credit), due dates spread over
the last 200 days and the next 30, inserted with batched SQL
``INSERT ... SELECT generate_series`` (test data, not through the ORM: the
columns the ageing and the DSO read are written as Odoo writes them), then
times on each, as a Billing user (record rules applied):

- the ageing pivot's ``read_group`` (what the pivot asks on opening: the
  totals, by customer, by bucket, and by customer x bucket);
- the same by salesperson x bucket;
- the ageing list's first page (80 rows, grouped by customer as the menu
  opens it: the groups' ``web_read_group``, then a plain page);
- the company DSO (standard, 90 days) and the countback DSO;
- the customer form's figures (DSO and ageing of one customer);
- the ageing by customer (``dso.ageing.customer``, from the stored totals):
  its list as the menu opens it (``web_search_read``, the view's order, 80
  rows), its pivot (salesperson x bucket), the same list with 1,000
  customers changed since the last refresh (read live), and the scheduled
  action's refresh: in full (the first run of a day) and after 1,000
  changed customers;
- the dashboard's ageing alone (its buckets and top 10 overdue customers,
  from the ageing by customer);
- a monthly snapshot (every scope, with the ageing at the month's end).

Prints the median of the runs (ms), the 1M/100k ratio and the target
(< 1 s each).

    python3 bench/bench_cockpit.py [--sizes 100000,1000000] [--runs 5] [--keep]
        [--addons-path PATH] [--db-prefix PREFIX] [--reuse-base] [--measure-only]

Databases are named dso_fig_bench_* (or PREFIX*); they are dropped at the end
unless --keep. ``--measure-only`` updates the addon on the kept databases
and measures them again, without building them (a 1M build takes minutes).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date

from benchlib import (
    default_addons_path,
    install,
    log,
    measure_sizes,
    odoo_src,
    run,
    run_worker,
    save_results,
    start_worker,
)

DB_PREFIX = "dso_fig_bench_"
ITEMS_PER_CUSTOMER = 10
SALESPEOPLE = 20
TARGET_MS = 1000.0


def worker(args, mode, db, *extra):
    return start_worker(__file__, args, mode, db, "--runs", str(args.runs), *extra)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--db-prefix",
        default=DB_PREFIX,
        help=f"name of the databases: PREFIXbase, PREFIX100000 ... ({DB_PREFIX})",
    )
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--worker", default=None)
    parser.add_argument("--db", default=None)
    parser.add_argument("--items", type=int, default=0)
    parser.add_argument(
        "--reuse-base",
        action="store_true",
        help="PREFIXbase is already installed (and updated): do not install it again",
    )
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="the databases PREFIX<size> are kept from a run with --keep: update "
        "dso_contacts on them (-u) and measure again, without building them",
    )
    args = parser.parse_args()
    args.addons_path = args.addons_path or default_addons_path()
    if args.worker:
        return run_worker(args, globals())

    sizes = [int(size) for size in args.sizes.split(",")]
    base = args.db_prefix + "base"
    t0 = time.perf_counter()
    if args.measure_only:
        return measure_again(args, sizes)
    if not args.reuse_base:
        install(args, base, extra=["--no-http"])
        log(f"dso_contacts installed on {base} in {time.perf_counter() - t0:.0f} s")
    results = measure_sizes(
        args,
        worker,
        args.db_prefix,
        sizes,
        "--items",
        lambda db, built: (
            f"{db}: {built['items']:,} open items, {built['customers']:,} customers"
            f" built in {built['seconds']:.0f} s (rows {built['insert_seconds']:.0f} s,"
            f" indexes {built['index_seconds']:.0f} s)"
        ),
        print_size,
    )
    print_summary(sizes, results)
    save_results("bench_cockpit", results)
    return 0


def measure_again(args, sizes):
    """The kept databases, updated to the code on the addons path, measured
    again (the code's indexes are built by the update, as in production)."""
    results = {}
    for size in sizes:
        db = f"{args.db_prefix}{size}"
        t0 = time.perf_counter()
        cmd = [sys.executable, os.path.join(odoo_src(), "odoo-bin"), "-d", db]
        cmd += ["--addons-path", args.addons_path, "-u", "dso_contacts", "--no-http"]
        run([*cmd, "--stop-after-init", "--log-level=warn"], stdout=subprocess.DEVNULL)
        log(f"{db}: dso_contacts updated in {time.perf_counter() - t0:.0f} s")
        results[size] = worker(args, "measure", db)
        print_size(size, results[size])
    print_summary(sizes, results)
    save_results("bench_cockpit", results)
    return 0


def print_size(size, result):
    log(f"\n{size:,} open items ({result['customers']:,} customers)")
    load = result["load"]
    log(
        f"medians of {result['runs']} runs, ms; load average before {load[0]:.2f}"
        f" {load[1]:.2f} {load[2]:.2f}, after {load[3]:.2f} {load[4]:.2f} {load[5]:.2f}"
    )
    for label, value in result["timings"].items():
        verdict = "ok" if value < TARGET_MS else "MISSED"
        log(f"  {label:<66} {value:9.1f}  {verdict}")
    for label, value in result["checks"].items():
        log(f"  check: {label}: {value}")


def print_summary(sizes, results):
    if len(sizes) != 2 or not all(size in results for size in sizes):
        return
    small, big = (results[size]["timings"] for size in sizes)
    log(f"\n{sizes[1]:,}/{sizes[0]:,} ratio (time)")
    for label in small:
        log(f"  {label:<66} {big[label] / small[label]:6.2f}")


# ----------------------------------------------------------------------
# workers (run inside Odoo)
# ----------------------------------------------------------------------


def worker_build(env, args, odoo):
    """Customers, salespeople and invoices with their two journal items, by
    SQL. Every invoice is posted and open (``amount_residual`` = its total);
    one in ten is a credit note (a negative residual). The indexes of
    account_move and account_move_line are dropped during the inserts and
    created again afterwards, as a restore does."""
    from odoo.tests import new_test_user

    cr = env.cr
    t0 = time.perf_counter()
    company = env.ref("base.main_company")
    items = args.items
    customers = items // ITEMS_PER_CUSTOMER
    users = [
        new_test_user(env, login=f"dso_bench_sales_{n}", groups="base.group_user").id
        for n in range(SALESPEOPLE)
    ]
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)],
        limit=1,
    )
    income = journal.default_account_id
    env.flush_all()
    params = {
        "company": company.id,
        "currency": company.currency_id.id,
        "journal": journal.id,
        "receivable": receivable.id,
        "income": income.id,
        "users": users,
        "customers": customers,
        "items": items,
        "per": ITEMS_PER_CUSTOMER,
        "today": date.today(),
    }
    indexes = {}
    for table in ("account_move", "account_move_line"):
        cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT LIKE '%%_pkey'",
            (table,),
        )
        indexes[table] = cr.fetchall()
        for name, _definition in indexes[table]:
            cr.execute(f'DROP INDEX "{name}"')
    cr.execute(
        "CREATE TEMP TABLE bench_customer AS SELECT g AS idx, "
        "nextval('res_partner_id_seq') AS id FROM generate_series(0, %(customers)s - 1) AS g",
        params,
    )
    cr.execute(
        "CREATE TEMP TABLE bench_move AS SELECT g AS idx, "
        "nextval('account_move_id_seq') AS id FROM generate_series(0, %(items)s - 1) AS g",
        params,
    )
    cr.execute(
        """
        INSERT INTO res_partner (id, name, complete_name, commercial_partner_id, active,
                                 is_company, type, customer_rank, supplier_rank, user_id,
                                 company_id, autopost_bills, create_date, write_date,
                                 create_uid, write_uid)
        SELECT c.id, 'Bench customer ' || c.idx, 'Bench customer ' || c.idx, c.id, TRUE,
               TRUE, 'contact', 1, 0, (%(users)s::int[])[1 + c.idx %% 20], NULL, 'ask',
               now(), now(), 1, 1
          FROM bench_customer c
        """,
        params,
    )
    # invoice g: customer g / per; invoice date 0 to 239 days ago, due 30
    # days later (so 30 days ahead to 209 days past due); one in ten a credit
    # note; amounts 100.00 to 9,999.99
    cr.execute(
        """
        CREATE TEMP TABLE bench_invoice AS
        SELECT m.id, m.idx, c.id AS partner_id,
               CASE WHEN m.idx %% 10 = 9 THEN 'out_refund' ELSE 'out_invoice' END AS move_type,
               (%(today)s::date - (m.idx::bigint * 7919 %% 240)::int) AS invoice_date,
               (%(today)s::date - (m.idx::bigint * 7919 %% 240)::int + 30) AS date_due,
               round((100 + (m.idx::bigint * 104729 %% 990000) / 100.0)::numeric, 2) AS amount,
               (%(users)s::int[])[1 + (m.idx / %(per)s) %% 20] AS user_id
          FROM bench_move m
          JOIN bench_customer c ON c.idx = m.idx / %(per)s
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO account_move (id, name, journal_id, company_id, currency_id, state,
                                  move_type, auto_post, date, invoice_date, invoice_date_due,
                                  partner_id, commercial_partner_id, invoice_user_id,
                                  amount_untaxed, amount_tax, amount_total,
                                  amount_residual, amount_untaxed_signed,
                                  amount_untaxed_in_currency_signed, amount_tax_signed,
                                  amount_total_signed, amount_total_in_currency_signed,
                                  amount_residual_signed, payment_state,
                                  sequence_prefix, sequence_number, create_date,
                                  write_date, create_uid, write_uid)
        SELECT i.id, 'BENCH/' || i.idx, %(journal)s, %(company)s, %(currency)s, 'posted',
               i.move_type, 'no', i.invoice_date, i.invoice_date, i.date_due,
               i.partner_id, i.partner_id, i.user_id,
               i.amount, 0, i.amount, i.amount, s.sign * i.amount, s.sign * i.amount, 0,
               s.sign * i.amount, s.sign * i.amount, s.sign * i.amount, 'not_paid',
               'BENCH/', i.idx, now(), now(), 1, 1
          FROM bench_invoice i
          CROSS JOIN LATERAL (
            SELECT CASE WHEN i.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign) s
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, move_name, journal_id, company_id,
                                       company_currency_id, currency_id, account_id,
                                       partner_id, display_type, name, date, date_maturity,
                                       parent_state, debit, credit, balance,
                                       amount_currency, amount_residual,
                                       amount_residual_currency, reconciled, quantity,
                                       price_unit, price_subtotal, price_total, sequence,
                                       create_date, write_date, create_uid, write_uid)
        SELECT i.id, 'BENCH/' || i.idx, %(journal)s, %(company)s, %(currency)s,
               %(currency)s, l.account_id, i.partner_id, l.display_type, l.name,
               i.invoice_date, l.date_maturity, 'posted',
               GREATEST(l.balance, 0), GREATEST(-l.balance, 0), l.balance, l.balance,
               l.residual, l.residual, FALSE, l.quantity, l.price_unit, l.price_unit,
               l.price_unit, l.sequence, now(), now(), 1, 1
          FROM bench_invoice i
          CROSS JOIN LATERAL (
            SELECT CASE WHEN i.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign) s
          CROSS JOIN LATERAL (
            VALUES (%(receivable)s, 'payment_term', 'BENCH/' || i.idx, i.date_due,
                    s.sign * i.amount, s.sign * i.amount, 0.0, 0::numeric, 10000),
                   (%(income)s, 'product', 'Services', NULL::date,
                    -s.sign * i.amount, 0, 1.0, i.amount, 10)
          ) AS l(account_id, display_type, name, date_maturity, balance, residual,
                 quantity, price_unit, sequence)
        """,
        params,
    )
    insert_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    cr.execute(
        "SELECT setval('account_move_line_id_seq', (SELECT max(id) FROM account_move_line))"
    )
    cr.commit()
    with odoo.sql_db.db_connect(args.db).cursor() as autocommit_cr:
        autocommit_cr._cnx.autocommit = True
        for table in indexes:
            for _name, definition in indexes[table]:
                autocommit_cr.execute(definition)
        for table in ("res_partner", "account_move", "account_move_line"):
            autocommit_cr.execute(f"VACUUM ANALYZE {table}")
    return {
        "items": items,
        "customers": customers,
        "seconds": time.perf_counter() - t0,
        "insert_seconds": insert_seconds,
        "index_seconds": time.perf_counter() - t1,
    }


def _median_ms(env, function, runs):
    """Median time of ``function`` in ms (the ORM's cache emptied before each
    run, as at the start of a request) and its result."""
    function()  # warm-up: plans, the registry's caches
    times = []
    for _ in range(runs):
        env.invalidate_all()
        t0 = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def worker_measure(env, args, odoo):
    from odoo.tests import new_test_user

    from odoo.addons.dso_contacts.models.dso_ageing_report import BUCKET_FIELDS

    Users = env["res.users"]
    user = Users.search([("login", "=", "dso_bench_billing")]) or new_test_user(
        env,
        login="dso_bench_billing",
        groups="base.group_user,account.group_account_invoice",
    )
    manager = Users.search([("login", "=", "dso_bench_accountant")]) or new_test_user(
        env,
        login="dso_bench_accountant",
        groups="base.group_user,account.group_account_manager",
    )
    Report = env["dso.ageing.report"].with_user(user)
    Engine = env["dso.dso"].with_user(user)
    today = date.today()
    env.cr.execute(
        "SELECT partner_id FROM account_move ORDER BY id LIMIT 1 "
        "OFFSET (SELECT count(*) / 2 FROM account_move WHERE name LIKE 'BENCH/%%')"
    )
    customer = env["res.partner"].with_user(user).browse(env.cr.fetchone()[0])
    measure = ["amount_residual:sum"]

    def pivot(rows):
        # what the pivot asks on opening: the totals, the rows, the columns,
        # then rows x columns
        Report.read_group([], measure, [], lazy=False)
        Report.read_group([], measure, [rows], lazy=False)
        Report.read_group([], measure, ["bucket"], lazy=False)
        return Report.read_group([], measure, [rows, "bucket"], lazy=False)

    def list_grouped():
        # as the web client asks it (relational_model.js, _webReadGroup): every
        # column of the list with an aggregator, ordered by the group, 80 groups
        # (and web_read_group's count of the other groups)
        return Report.web_read_group(
            [],
            [
                "days_overdue:sum",
                *(f"{name}:sum" for name in BUCKET_FIELDS.values()),
                "amount_residual:sum",
            ],
            ["partner_id"],
            limit=80,
            orderby="partner_id ASC",
            lazy=True,
        )

    def list_page():
        return Report.web_search_read(
            [],
            {
                "partner_id": {"fields": {"display_name": {}}},
                "move_id": {"fields": {"display_name": {}}},
                "date_maturity": {},
                "days_overdue": {},
                "amount_residual": {},
                "amount_not_due": {},
                "amount_period_1": {},
                "amount_credit": {},
            },
            limit=80,
            # as the web client asks it: the list's order (oldest due first),
            # the count up to 10,000 ("1-80 / 10000+")
            order="date_maturity ASC, id ASC",
            count_limit=10001,
        )

    Dashboard = env["dso.collection.dashboard"].with_user(user)
    dashboard_spec = {
        "company_id": {"fields": {"display_name": {}}},
        "currency_id": {"fields": {}},
        "date": {},
        **{
            name: {}
            for name in (
                "dso",
                "countback_dso",
                "period_days",
                "receivables",
                "credit_sales",
                "kept_rate",
                "promise_count",
                "kept_count",
                "broken_count",
                *BUCKET_FIELDS.values(),
                "amount_overdue",
                "dso_trend",
            )
        },
        "top_customer_ids": {
            "fields": {
                "display_name": {},
                "dso_currency_id": {"fields": {}},
                "dso_amount_overdue": {},
                "dso_amount_open": {},
            }
        },
    }

    def dashboard():
        # the menu's server action, then the form's read of the record
        action = Dashboard.action_open_dashboard()
        return Dashboard.browse(action["res_id"]).web_read(dashboard_spec)

    def customer_form():
        customer.invalidate_recordset()
        return customer.dso_dso, customer.dso_amount_period_1

    Customers = env["dso.ageing.customer"].with_user(user)
    Totals = env["dso.ageing.total"]
    customer_amounts = [*BUCKET_FIELDS.values(), "amount_overdue", "amount_residual"]

    def customers_list():
        # as the web client opens the list: the view's order, 80 rows, the
        # fields of the list (and the count, the page being full)
        return Customers.web_search_read(
            [],
            {
                "company_id": {"fields": {"display_name": {}}},
                "partner_id": {"fields": {"display_name": {}}},
                "user_id": {"fields": {"display_name": {}}},
                "currency_id": {"fields": {}},
                **{name: {} for name in customer_amounts},
            },
            order="amount_overdue desc, amount_residual desc, id",
            limit=80,
        )

    def customers_pivot():
        # the pivot as it opens: the total, then the salespeople's rows, the
        # view's measures
        measures = [f"{name}:sum" for name in customer_amounts]
        Customers.read_group([], measures, [], lazy=False)
        return Customers.read_group([], measures, ["user_id"], lazy=False)

    company = env.ref("base.main_company")

    def dashboard_ageing():
        # the dashboard's buckets and top 10, without the DSO engine's part
        domain = [("company_id", "=", company.id)]
        Customers._read_group(domain, [], [f"{name}:sum" for name in BUCKET_FIELDS.values()])
        return Customers._read_group(
            [*domain, ("partner_id", "!=", False), ("amount_overdue", "!=", 0)],
            ["partner_id"],
            ["amount_overdue:sum"],
            order="amount_overdue:sum desc",
            limit=10,
        )

    def once(function):
        t0 = time.perf_counter()
        result = function()
        env.invalidate_all()
        return (time.perf_counter() - t0) * 1000, result

    timings = {}
    results = {}
    runs = args.runs
    load_before = os.getloadavg()
    # the first run of the day's scheduled action (the build wrote the items
    # by SQL: nothing is stored yet)
    timings["refresh of the stored totals, in full (once)"], _count = once(
        lambda: Totals._refresh(full=True)
    )
    # committed, then vacuumed as autovacuum does after the day's refresh
    # (its dead rows, the day before's, are over autovacuum's threshold): the
    # reads below would otherwise measure the dead rows of this run's refreshes
    env.cr.commit()
    with odoo.sql_db.db_connect(args.db).cursor() as autocommit_cr:
        autocommit_cr._cnx.autocommit = True
        autocommit_cr.execute("VACUUM ANALYZE dso_ageing_total")
    for label, function in (
        ("ageing by customer: list as the menu opens it (80 rows)", customers_list),
        ("ageing by customer: pivot salesperson x bucket", customers_pivot),
        ("dashboard's ageing and top 10 from the stored totals", dashboard_ageing),
        ("ageing pivot: customer x bucket (4 read_group)", lambda: pivot("partner_id")),
        ("ageing pivot: salesperson x bucket (4 read_group)", lambda: pivot("user_id")),
        ("open items grouped by customer (80 groups, the former opening)", list_grouped),
        ("open items: first page of 80 (the Open items menu)", list_page),
        ("company DSO 90 days (standard + countback)", lambda: Engine._figures(today, 90)),
        ("DSO 90 days per salesperson", lambda: Engine._figures(today, 90, "salesperson")),
        (
            "DSO 90 days per customer (all customers)",
            lambda: Engine._figures(today, 90, "customer"),
        ),
        ("customer form: DSO and ageing of one customer", customer_form),
        ("collection dashboard (menu and form)", dashboard),
    ):
        timings[label], results[label] = _median_ms(env, function, runs)
    # 1,000 customers changed since the last refresh: read live by the list,
    # then refreshed by the scheduled action
    env.cr.execute(
        "SELECT id FROM res_partner WHERE name LIKE 'Bench customer %%' ORDER BY id LIMIT 1000"
    )
    env["dso.ageing.change"]._log_partners([row[0] for row in env.cr.fetchall()])
    label = "ageing by customer: list, 1,000 customers changed (live)"
    timings[label], results[label] = _median_ms(env, customers_list, runs)
    timings["refresh after 1,000 changed customers (once)"], refreshed = once(Totals._refresh)
    # midnight: today's totals are yesterday's, tomorrow's (computed ahead by
    # every refresh) today's: the first opening of the new day reads them
    env.cr.execute("DELETE FROM dso_ageing_total WHERE date = CURRENT_DATE")
    env.cr.execute("UPDATE dso_ageing_total SET date = date - 1")
    label = "ageing by customer: list, a new day's first opening (totals stored ahead)"
    timings[label], results[label] = _median_ms(env, customers_list, runs)
    # the scheduled action stopped for more than a day: nothing stored for
    # today, every customer read live from the items
    env.cr.execute("UPDATE dso_ageing_total SET date = date - 2")
    label = "ageing by customer: list, no totals stored for today (every customer live)"
    timings[label], results[label] = _median_ms(env, customers_list, runs)
    timings["refresh in full after a stop of the scheduled action (once)"], _count = once(
        Totals._refresh
    )
    Snapshot = env["dso.dso.snapshot"].with_user(manager)
    t0 = time.perf_counter()
    snapshots = Snapshot._take(today.replace(day=1))
    timings["monthly snapshot, every scope with ageing (once)"] = (
        time.perf_counter() - t0
    ) * 1000
    # the figures agree: the ageing's total with the receivables' balance
    env.cr.execute(
        "SELECT SUM(amount_residual) FROM account_move_line WHERE account_id = %s",
        (
            env["account.account"]
            .search([("account_type", "=", "asset_receivable")], limit=1)
            .id,
        ),
    )
    ledger = env.cr.fetchone()[0]
    ageing_total = Report.read_group([], measure, [], lazy=False)[0]["amount_residual"]
    customers_total = Customers.read_group([], measure, [], lazy=False)[0]["amount_residual"]
    list_rows = results["ageing by customer: list as the menu opens it (80 rows)"]["records"]
    env.cr.execute(
        "SELECT max(amount_overdue) FROM dso_ageing_total WHERE date = CURRENT_DATE"
    )
    largest_overdue = env.cr.fetchone()[0]
    company_figures = results["company DSO 90 days (standard + countback)"]
    (values,) = company_figures.values()
    env.cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE 'Bench customer %%'")
    return {
        "runs": runs,
        "load": [round(load, 2) for load in (*load_before, *os.getloadavg())],
        "customers": env.cr.fetchone()[0],
        "timings": timings,
        "checks": {
            "ageing total = receivable residuals": f"{ageing_total:.2f} = {float(ledger):.2f}",
            "ageing by customer total = receivable residuals": (
                f"{customers_total:.2f} = {float(ledger):.2f}"
            ),
            "list's first row = largest stored overdue": (
                f"{list_rows[0]['amount_overdue']:.2f} = {largest_overdue:.2f}"
            ),
            "customers refreshed after 1,000 logged": refreshed,
            "company DSO (90 d)": f"{values['dso']:.1f}",
            "company countback DSO": f"{values['countback_dso']}",
            "snapshot rows": len(snapshots),
            "pivot customer x bucket groups": len(
                results["ageing pivot: customer x bucket (4 read_group)"]
            ),
        },
    }


if __name__ == "__main__":
    sys.exit(main())
