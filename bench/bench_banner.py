"""What the customers' reminder-problem banner costs on many customers: a page
of the customers list (without and with the optional "Reminder problem"
column), the "Reminder problem" filter, one customer's form.

    python3 bench/bench_banner.py --db dso_banner_bench --build --invoiced 4500
    python3 bench/bench_banner.py --db dso_banner_bench     # measure again

``--build`` needs a database where dso_contacts is installed without demo;
it adds a chart of accounts and ``--customers`` customers (20,000), each
with a contact for collection, ``--invoiced`` of them with one or two
overdue invoices (bench_reminders.py's data, about 15 invoices a second
here); one customer in ten has a contact whose mobile is a landline and no
email, so that the banner has something to say.
"""

import argparse
import time

from bench_reminders import payer_vals, worker_build, worker_setup
from benchlib import default_addons_path, odoo_env

LIST_SPEC = {
    "complete_name": {},
    "ref": {},
    "email": {},
    "phone": {},
    "collection_contact_id": {"fields": {"display_name": {}}},
}


def measure(env, label, function, runs=3):
    """The best of ``runs`` runs of ``function``, cold cache each time."""
    best = None
    for _run in range(runs):
        env.invalidate_all()
        env.registry.clear_cache()
        queries = env.cr.sql_log_count
        started = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - started
        if best is None or seconds < best[0]:
            best = (seconds, env.cr.sql_log_count - queries, result)
    print(f"{label:<55} {best[0]:8.3f} s {best[1]:7d} queries  -> {best[2]}")
    return best


def build(env, args, odoo):
    """``args.invoiced`` customers with overdue invoices (bench_reminders.py's),
    then customers without invoices up to ``args.customers``."""
    customers = env["res.partner"].search_count([("name", "=like", "Customer %")])
    if not customers:
        worker_setup(env, args, odoo)
        env.cr.commit()
        print("build:", worker_build(env, argparse.Namespace(customers=args.invoiced), odoo))
        customers = args.invoiced
    company = env.ref("base.main_company")
    be = env.ref("base.be").id
    for start in range(customers, args.customers, 1000):
        stop = min(start + 1000, args.customers)
        new = env["res.partner"].create(
            [
                {
                    "name": f"Customer {i:05d}",
                    "is_company": True,
                    "customer_rank": 1,
                    "country_id": be,
                    "company_id": company.id,
                }
                for i in range(start, stop)
            ]
        )
        env["res.partner"].create(
            [
                payer_vals(i, customer, is_collection_contact=True)
                for i, customer in zip(range(start, stop), new, strict=True)
            ]
        )
        env.cr.commit()
    # one customer in ten: the contact for collection has no email and a
    # landline as mobile (the banner's texts)
    contacts = env["res.partner"].search(
        [("is_collection_contact", "=", True), ("name", "=like", "Payer %0")]
    )
    contacts.write({"email": False, "mobile": "+3223456789"})
    env.cr.commit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", default=default_addons_path())
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument(
        "--invoiced", type=int, default=4500, help="customers with overdue invoices"
    )
    parser.add_argument("--build", action="store_true")
    args = parser.parse_args()
    env, odoo = odoo_env(args)
    try:
        if args.build:
            build(env, args, odoo)
        user = env["res.users"].search([("login", "=", "bench_banner")])
        if not user:
            user = env["res.users"].create(
                {
                    "name": "Bench Billing",
                    "login": "bench_banner",
                    "groups_id": [
                        odoo.Command.set(
                            [
                                env.ref("account.group_account_invoice").id,
                                env.ref("base.group_partner_manager").id,
                            ]
                        )
                    ],
                }
            )
            env.cr.commit()
        # as the customers menu reads: a Billing user, its filter "Customers"
        partners = (
            env["res.partner"].with_user(user).with_context(res_partner_search_mode="customer")
        )
        customers = [("customer_rank", ">", 0)]
        problem = [("dso_reminder_problem", "!=", False)]
        print(
            "customers:",
            partners.search_count(customers),
            "with an open invoice:",
            env["account.move"].search_count(
                [("move_type", "=", "out_invoice"), ("payment_state", "=", "not_paid")]
            ),
        )
        measure(
            env,
            "list page (80), banner column hidden",
            lambda: len(partners.web_search_read(customers, LIST_SPEC, limit=80)["records"]),
        )
        measure(
            env,
            "list page (80), banner column shown",
            lambda: len(
                partners.web_search_read(
                    customers, {**LIST_SPEC, "dso_reminder_problem": {}}, limit=80
                )["records"]
            ),
        )
        measure(
            env,
            "filter 'Reminder problem': count",
            lambda: partners.search_count(customers + problem),
        )
        measure(
            env,
            "filter 'Reminder problem': list page (80)",
            lambda: len(
                partners.web_search_read(customers + problem, LIST_SPEC, limit=80)["records"]
            ),
        )
        customer = partners.search([*customers, ("is_company", "=", True)], limit=1)
        measure(
            env,
            "one customer's form: the banner",
            lambda: bool(customer.web_read({"dso_reminder_problem": {}})[0]),
        )
    finally:
        env.cr.rollback()
        env.cr.close()


if __name__ == "__main__":
    main()
