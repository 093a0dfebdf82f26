"""Benchmark of the quick search and of the customer list's contact search.

Builds a database of 100,000 contacts and one of 1,000,000 (ten contacts per
customer, built with batched SQL ``INSERT ... SELECT generate_series`` with
the stored search columns computed as the addon computes them, checked on a
sample), then times on each, in the same run, as a Billing user (record
rules applied):

- the systray quick search (``res.partner.dso_quick_search``) and the
  customer list's "Customer contact" search (``dso_contact_search``, the
  first page of 80 customers in the list's order) for a phone typed in three
  formats, a person's full name, a part of a name and an email;
- Odoo's own ``name_search`` and its exact ``phone_mobile_search`` on the
  same database;
- the E.164 normalisation of ``dso_contacts/tools/phone.py`` beside core's
  ``phone_validation.phone_format(..., force_format='E164')``.

Prints the median of the runs of each search (ms), the 1M/100k ratio and the
targets (quick search < 20 ms at 100k and < 40 ms at 1M, list search < 50 ms
at 100k).

    python3 bench/bench_search.py [--sizes 100000,1000000] [--runs 7] [--keep]
        [--addons-path PATH] [--template-db DB]

Needs PostgreSQL (createdb/dropdb) and Odoo 18.0 importable (or ODOO_SRC).
Databases are named dso_srch_bench_*; they are dropped at the end unless --keep.
"""

import argparse
import os
import statistics
import sys
import time

from benchlib import (
    default_addons_path,
    install,
    log,
    measure_sizes,
    run_worker,
    save_results,
    start_worker,
)

DB_PREFIX = "dso_srch_bench_"
CONTACTS_PER_CUSTOMER = 10
QUICK_TARGETS = {100000: 20.0, 1000000: 40.0}
LIST_TARGETS = {100000: 50.0}

FIRST_NAMES = (
    "Marie Jean Pierre Michel Anne Philippe Nathalie Claire Hugo Louis Emma Chloé Léa Manon "
    "Camille Sophie Julien Nicolas Thomas Antoine Lucas Sarah Laura Julie Pauline Céline Paul "
    "Isabelle Sylvie Martine Catherine Alain Bernard Eric Olivier Laurent David Vincent Éric "
    "Hélène Agnès Jérôme Stéphane Frédéric Sébastien Mathilde Inès Zoé Théo Maxime Lotte Jan "
    "Bram Luc Elise Noémie Arthur Gabriel Jules Adèle"
).split()
# last names: three syllables out of 64, 262,144 of them
SYLLABLES = (
    "ber mar du pon le roux fon tai ne gau tier lam vin cent mo reau chau vel gi rard "
    "bou let per rin qui zel dra vo bran tis cor nal lou phe gno sau mel dri kas vor jol bla "
    "cou tru nie quen sor glan pri hou zan bec mou lyr dac fis gue ska wil ost hem yar tob ux"
).split()


# ----------------------------------------------------------------------
# driver
# ----------------------------------------------------------------------


def worker(args, mode, db, *extra):
    """Run this script's ``worker_<mode>`` in a child process on ``db``."""
    return start_worker(__file__, args, mode, db, "--runs", str(args.runs), *extra)


def install_base(args, db):
    install(args, db, template_db=args.template_db, extra=["--no-http"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--template-db", default=os.environ.get("BENCH_TEMPLATE_DB", ""))
    parser.add_argument("--worker", default=None)
    parser.add_argument("--db", default=None)
    parser.add_argument("--contacts", type=int, default=0)
    args = parser.parse_args()
    args.addons_path = args.addons_path or default_addons_path()
    if args.worker:
        return run_worker(args, globals())

    sizes = [int(size) for size in args.sizes.split(",")]
    base = DB_PREFIX + "base"
    t0 = time.perf_counter()
    install_base(args, base)
    log(f"dso_contacts installed on {base} in {time.perf_counter() - t0:.0f} s")
    results = measure_sizes(
        args,
        worker,
        DB_PREFIX,
        sizes,
        "--contacts",
        lambda db, built: (
            f"{db}: {built['partners']:,} partners built in {built['seconds']:.0f} s"
            f" (rows {built['insert_seconds']:.0f} s,"
            f" indexes {built['index_seconds']:.0f} s),"
            f" {built['checked']} checked against the addon's compute"
        ),
        print_size,
    )
    print_summary(sizes, results)
    save_results("bench_search", results)
    return 0


def print_size(size, result):
    log(f"\n{size:,} contacts ({result['partners']:,} partners)")
    terms = [row["term"] for row in result["searches"]]
    log(f"medians of {result['runs']} runs, ms; terms: {terms}")
    log(f"{'search':<44} {'quick':>8} {'list':>8} {'found':>6} {'queries':>8}")
    for row in result["searches"]:
        log(
            f"{row['label']:<44} {row['quick_ms']:8.2f} {row['list_ms']:8.2f}"
            f" {row['found']:>6} {row['queries']:>8}"
        )
    for label, value in result["core"].items():
        log(f"{label:<44} {value:8.2f}")
    for label, value in result["phone_format_us"].items():
        log(f"{label:<44} {value:8.1f} us")


def print_summary(sizes, results):
    log("\nTargets")
    for size in sizes:
        searches = results[size]["searches"]
        quick = max(row["quick_ms"] for row in searches)
        verdict = ""
        if size in QUICK_TARGETS:
            verdict = "ok" if quick < QUICK_TARGETS[size] else "MISSED"
            verdict = f"(target < {QUICK_TARGETS[size]:.0f}: {verdict})"
        log(f"  {size:>9,}: slowest quick search {quick:.2f} ms {verdict}")
        if size in LIST_TARGETS:
            slowest = max(row["list_ms"] for row in searches)
            ok = "ok" if slowest < LIST_TARGETS[size] else "MISSED"
            log(f"  {'':>9}  slowest list search {slowest:.2f} ms (target < 50: {ok})")
    if len(sizes) == 2:
        small, big = (results[size] for size in sizes)
        log(f"\n{sizes[1]:,}/{sizes[0]:,} ratio (time)")
        for row_small, row_big in zip(small["searches"], big["searches"], strict=True):
            quick = row_big["quick_ms"] / row_small["quick_ms"]
            list_ratio = row_big["list_ms"] / row_small["list_ms"]
            log(f"  {row_small['label']:<44} quick {quick:5.2f}  list {list_ratio:5.2f}")
        for label in small["core"]:
            log(f"  {label:<44} {big['core'][label] / small['core'][label]:5.2f}")


# ----------------------------------------------------------------------
# workers (run inside Odoo)
# ----------------------------------------------------------------------


def worker_build(env, args, odoo):
    """Customers and contacts with batched INSERT ... SELECT generate_series:
    names from FIRST_NAMES and SYLLABLES, a unique email, French (or, one
    customer in ten, Belgian) numbers typed in the national format, their
    E.164 forms in dso_phone_search (phone then mobile, as the compute joins
    them) and core's phone_sanitized; the first contact of each customer is
    its contact for collection. The ids are drawn beforehand so that every
    row is inserted with its final values: an UPDATE after the INSERT would
    leave HOT chains, and PostgreSQL would then hide the indexes created
    afterwards (indcheckxmin) from any transaction older than them. The
    indexes of res_partner are dropped during the inserts and created again
    afterwards (a restore does the same), the foreign key of the contact for
    collection too (customers and contacts point at each other)."""
    cr = env.cr
    t0 = time.perf_counter()
    company = env.ref("base.main_company")
    company.country_id = env.ref("base.fr")
    env["res.partner"].flush_model()
    fr, be = env.ref("base.fr").id, env.ref("base.be").id
    customers = args.contacts // CONTACTS_PER_CUSTOMER
    cr.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'res_partner' "
        "AND indexname != 'res_partner_pkey'"
    )
    indexes = cr.fetchall()
    cr.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'res_partner'::regclass AND contype = 'f' "
        "AND conname LIKE '%%collection_contact_id%%'"
    )
    foreign_keys = cr.fetchall()
    for name, _definition in foreign_keys:
        cr.execute(f'ALTER TABLE res_partner DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cr.execute(f'DROP INDEX "{name}"')
    params = {
        "firsts": FIRST_NAMES,
        "syllables": SYLLABLES,
        "company": company.id,
        "fr": fr,
        "be": be,
        "customers": customers,
        "per": CONTACTS_PER_CUSTOMER,
    }
    cr.execute(
        "CREATE TEMP TABLE bench_customer AS SELECT g AS idx, "
        "nextval('res_partner_id_seq') AS id FROM generate_series(0, %(customers)s - 1) AS g",
        params,
    )
    cr.execute(
        "CREATE TEMP TABLE bench_contact AS SELECT g, nextval('res_partner_id_seq') AS id "
        "FROM generate_series(0, %(customers)s * %(per)s - 1) AS g",
        params,
    )
    cr.execute("CREATE UNIQUE INDEX ON bench_customer (idx)")
    cr.execute("CREATE UNIQUE INDEX ON bench_contact (g)")
    cr.execute("ANALYZE bench_customer")
    cr.execute("ANALYZE bench_contact")

    # last name of a partner number g: three syllables
    def last_name(g):
        return (
            f"initcap((%(syllables)s::text[])[1 + ({g} * 7) %% 64] "
            f"|| (%(syllables)s::text[])[1 + ({g} / 64 * 5) %% 64] "
            f"|| (%(syllables)s::text[])[1 + ({g} / 4096 * 11) %% 64])"
        )

    customer_name = f"'Customer ' || {last_name('c.idx')} || ' ' || c.idx"
    be_customer = "c.idx %% 10 = 0"
    customer_phone = "lpad((c.idx %% 10000000)::text, 7, '0')"
    customer_phone_fr = "lpad((c.idx %% 100000000)::text, 8, '0')"
    cr.execute(
        f"""
        INSERT INTO res_partner (id, commercial_partner_id, collection_contact_id, name,
            complete_name, ref, is_company, type, active, company_id, country_id, city,
            phone, customer_rank, partner_share, dso_phone_search, phone_sanitized,
            autopost_bills, lang, create_date, write_date, create_uid, write_uid)
        SELECT c.id, c.id, first_contact.id, {customer_name}, {customer_name},
            'B' || lpad(c.idx::text, 7, '0'), true, 'contact', true, %(company)s,
            CASE WHEN {be_customer} THEN %(be)s ELSE %(fr)s END, 'City ' || c.idx %% 500,
            CASE WHEN {be_customer} THEN '02 ' || {customer_phone}
                 ELSE '04 ' || {customer_phone_fr} END,
            1, true,
            CASE WHEN {be_customer} THEN '+322' || {customer_phone}
                 ELSE '+334' || {customer_phone_fr} END,
            CASE WHEN {be_customer} THEN '+322' || {customer_phone}
                 ELSE '+334' || {customer_phone_fr} END,
            'ask', 'fr_FR', now(), now(), 1, 1
          FROM bench_customer c
          JOIN bench_contact first_contact ON first_contact.g = c.idx * %(per)s
        """,
        params,
    )
    # contact g of customer g / per; mobile 06 + 8 digits (France) or
    # 0470 + 6 digits (Belgium), a landline on one contact in two
    mobile_digits = "lpad((p.g %% 100000000)::text, 8, '0')"
    digit = "substr(" + mobile_digits + ", {}, 2)"
    be_digits = "lpad((p.g %% 1000000)::text, 6, '0')"
    cr.execute(
        f"""
        INSERT INTO res_partner (id, name, complete_name, parent_id, commercial_partner_id,
            is_company, type, active, company_id, country_id, city, email, mobile, phone,
            dso_phone_search, phone_sanitized, is_collection_contact, partner_share,
            autopost_bills, lang, create_date, write_date, create_uid, write_uid)
        SELECT p.id, p.full_name, customer.name || ', ' || p.full_name, customer.id,
            customer.id, false, 'contact', true, %(company)s, customer.country_id,
            customer.city,
            lower(p.unaccent_name) || '.' || p.g || '@customer' || (p.g / %(per)s)
                || '.example.com',
            p.mobile, p.phone, concat_ws(' ', p.phone_e164, p.mobile_e164), p.mobile_e164,
            p.g %% %(per)s = 0, true, 'ask', 'fr_FR', now(), now(), 1, 1
          FROM (
            SELECT g, id, full_name, translate(replace(full_name, ' ', '.'),
                       'àâäéèêëïîôöùûüçÉ', 'aaaeeeeiioouuucE') AS unaccent_name,
                   CASE WHEN be THEN '0470 ' || substr({be_digits}, 1, 2) || ' '
                        || substr({be_digits}, 3, 2) || ' ' || substr({be_digits}, 5, 2)
                   ELSE '06 ' || {digit.format(1)} || ' ' || {digit.format(3)} || ' '
                        || {digit.format(5)} || ' ' || {digit.format(7)} END AS mobile,
                   CASE WHEN be THEN '+32470' || {be_digits}
                        ELSE '+336' || {mobile_digits} END AS mobile_e164,
                   CASE WHEN p.g %% 2 = 1 AND NOT be THEN '01.' || {digit.format(1)}
                        || '.' || {digit.format(3)} || '.' || {digit.format(5)}
                        || '.' || {digit.format(7)}
                   END AS phone,
                   CASE WHEN p.g %% 2 = 1 AND NOT be THEN '+331' || {mobile_digits}
                   END AS phone_e164
              FROM (
                SELECT k.g, k.id,
                       (%(firsts)s::text[])[1 + (k.g * 13) %% {len(FIRST_NAMES)}] || ' '
                          || {last_name("k.g")} AS full_name,
                       (k.g / %(per)s) %% 10 = 0 AS be
                  FROM bench_contact k
              ) AS p
          ) AS p
          JOIN bench_customer c ON c.idx = p.g / %(per)s
          JOIN res_partner customer ON customer.id = c.id
        """,
        params,
    )
    insert_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    for name, definition in foreign_keys:
        cr.execute(f'ALTER TABLE res_partner ADD CONSTRAINT "{name}" {definition}')
    cr.commit()
    # CONCURRENTLY, outside a transaction: a plain CREATE INDEX that meets rows
    # updated while a transaction of another database was open (the install
    # updates partners) hides the index from every transaction older than it
    # (indcheckxmin), and a long transaction elsewhere on the server would keep
    # the searches off their indexes; CONCURRENTLY waits for this database only.
    with odoo.sql_db.db_connect(args.db).cursor() as autocommit_cr:
        autocommit_cr._cnx.autocommit = True
        for _name, definition in indexes:
            autocommit_cr.execute(definition.replace(" INDEX ", " INDEX CONCURRENTLY ", 1))
        autocommit_cr.execute("ANALYZE res_partner")
    index_seconds = time.perf_counter() - t1
    checked = _check_sample(env)
    cr.execute(
        "SELECT count(*) FROM pg_index "
        "WHERE indrelid = 'res_partner'::regclass AND indcheckxmin"
    )
    assert not cr.fetchone()[0], "indexes hidden from older transactions (indcheckxmin)"
    cr.execute("SELECT count(*) FROM res_partner")
    return {
        "partners": cr.fetchone()[0],
        "seconds": time.perf_counter() - t0,
        "insert_seconds": insert_seconds,
        "index_seconds": index_seconds,
        "checked": checked,
    }


def _check_sample(env, size=300):
    """The stored search columns are what the addon's compute writes."""
    from odoo.addons.dso_contacts.tools.phone import to_e164

    env.invalidate_all()
    env.cr.execute(
        "SELECT id FROM res_partner WHERE ref LIKE 'B%%' OR parent_id IS NOT NULL "
        "ORDER BY random() LIMIT %s",
        [size],
    )
    partners = env["res.partner"].browse(row[0] for row in env.cr.fetchall())
    for partner in partners:
        code = partner._dso_phone_country().code
        expected = " ".join(
            n for n in (to_e164(partner.phone, code), to_e164(partner.mobile, code)) if n
        )
        assert partner.dso_phone_search == expected, (partner.id, partner.dso_phone_search)
        assert partner.commercial_partner_id == (partner.parent_id or partner)
        if not partner.parent_id:
            assert partner.collection_contact_id.is_collection_contact
            assert partner.collection_contact_id.parent_id == partner
    return len(partners)


def _median_ms(env, function, runs):
    """Median time of ``function`` in ms (the ORM's record cache emptied
    before each run, as at the start of a request), its result, and the SQL
    queries of one run."""
    function()  # warm-up: plans, the registry's caches
    times = []
    for _ in range(runs):
        env.invalidate_all()
        queries = env.cr.sql_log_count
        t0 = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - t0) * 1000)
        queries = env.cr.sql_log_count - queries
    return statistics.median(times), result, queries


def worker_measure(env, args, odoo):
    from odoo.tests import new_test_user

    from odoo.addons.dso_contacts.tools.phone import to_e164
    from odoo.addons.phone_validation.tools.phone_validation import phone_format

    user = new_test_user(
        env,
        login="dso_bench_billing",
        groups="base.group_user,base.group_partner_manager,account.group_account_invoice",
    )
    env.cr.execute(
        "SELECT name, email, mobile FROM res_partner WHERE parent_id IS NOT NULL "
        "AND phone IS NOT NULL ORDER BY id LIMIT 1 "
        "OFFSET (SELECT count(*) / 3 FROM res_partner)"
    )
    name, email, mobile = env.cr.fetchone()
    digits = mobile.replace(" ", "")
    last_name = name.split()[-1]
    part = last_name[2:7].lower()
    searches = [
        ("phone typed national, spaced (06 12 34 56 78)", mobile),
        ("phone typed international (+33612345678)", "+33" + digits[1:]),
        ("phone typed 0033 6 12 34 56 78", "0033 " + mobile[1:]),
        ("full name", name),
        ("part of a name", part),
        ("first two letters of a name", name[:2]),
        ("email", email),
    ]
    Partner = env["res.partner"].with_user(user)
    rows = []
    for label, term in searches:
        quick_ms, found, quick_queries = _median_ms(
            env, lambda term=term: Partner.dso_quick_search(term), args.runs
        )
        domain = [("dso_contact_search", "ilike", term), ("customer_rank", ">", 0)]
        list_ms, _page, _queries = _median_ms(
            env,
            lambda domain=domain: Partner.search_fetch(
                domain, ["complete_name", "email", "phone"], limit=80
            ),
            args.runs,
        )
        rows.append(
            {
                "label": label,
                "term": term,
                "quick_ms": quick_ms,
                "list_ms": list_ms,
                "found": len(found),
                "queries": quick_queries,
            }
        )
    core = {
        "Odoo name_search, full name": _median_ms(
            env, lambda: Partner.name_search(name, limit=8), args.runs
        )[0],
        "Odoo name_search, part of a name": _median_ms(
            env, lambda: Partner.name_search(part, limit=8), args.runs
        )[0],
        "Odoo phone_mobile_search = (exact, index)": _median_ms(
            env, lambda: Partner.search([("phone_mobile_search", "=", digits)]), args.runs
        )[0],
    }
    numbers = [("06 12 34 56 78", "FR"), ("+33 1 23 45 67 89", "FR"), ("0470 12 34 56", "BE")]

    def core_e164(number, code):
        return phone_format(number, code, None, force_format="E164", raise_exception=False)

    phone_format_us = {}
    for label, function in (
        ("to_e164 (tools/phone.py)", to_e164),
        ("core phone_format E164", core_e164),
    ):
        t0 = time.perf_counter()
        for _ in range(300):
            for number, code in numbers:
                function(number, code)
        phone_format_us[label] = (time.perf_counter() - t0) / 900 * 1e6
    env.cr.execute("SELECT count(*) FROM res_partner")
    return {
        "partners": env.cr.fetchone()[0],
        "runs": args.runs,
        "searches": rows,
        "core": core,
        "phone_format_us": phone_format_us,
    }


if __name__ == "__main__":
    sys.exit(main())
