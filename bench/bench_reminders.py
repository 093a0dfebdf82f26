"""Benchmark of the automatic payment reminders of dso_contacts.

Builds databases of customers with overdue invoices (1,000, 2,000 and 10,000
customers, one contact for collection each with an email and a mobile, one or
two overdue invoices each, all at a level that sends an email and an SMS),
then, in the same run:

1. runs the scheduled action (``dso_contacts.ir_cron_send_reminders``,
   ``method_direct_trigger()``) once on a fresh copy of each: history, emails queued
   (mail.mail), SMS queued (sms.sms), notes on the customers and invoices,
   batches committed as in production;
2. runs the naive loop on a fresh copy (``createdb -T``) of the 1,000 set: per
   customer, its overdue invoices searched, its history record created, the
   level's email template posted with ``message_post_with_source`` and the
   SMS posted with ``_message_sms`` (both queued, as the cron does);
3. runs the scheduled action on another copy of the 1,000 set with each of
   its steps timed apart (its flush included), and sets each against the
   budget of the 10x target (the naive loop's time divided by 10);
4. runs the same job by dso_contacts and by OCA's ``account_credit_control`` 18.0
   (``bench/oca.py``: its pinned wheel downloaded into bench/.cache/, on the
   addons path of the OCA database only): a database with ``account`` only
   and customers each with one invoice 16 to 40 days overdue, copied twice;
   dso_contacts installed on one copy (its levels set to email only), OCA's
   module on the other (a policy with one email level, 10 days net, listing
   the invoices: its default template without the PDF summary unless
   --oca-pdf). Each then queues one email per customer listing its overdue
   invoice, timed end to end: dso_contacts' scheduled action; OCA's run as
   its form does it (a run for today, generate_credit_lines,
   set_to_ready_lines, run_channel_action: communications, their emails
   posted and queued). Checks that each side queued one email per customer
   and that each email names the invoice. With ``--rounds N`` each side runs
   N times, alternated, each on a fresh copy of its database, and the medians
   are compared; ``--job-without-notes`` adds a diagnostic side: dso_contacts
   with the note on each customer's chatter left out (in that worker only),
   to show what the note costs;
5. runs the scheduled action of this checkout against the engines issue 18
   compares it with (``ENGINES``: the first engine measured, and the one the
   issue was filed against), their code taken from this repository's history
   (``git archive`` into bench/.cache/engines/), each on its own copy of the
   smallest set built by its own code, alternated ``ENGINE_ROUNDS`` times:
   the CPU time of the Odoo process, on the same machine in the same run.

Prints customers per second, seconds per 1,000 customers, SQL queries per
customer, the 10k/1k time ratio (linear is about 10), the speed-up over the
naive loop, where the scheduled action's time goes, the ratio to OCA's run
("dso is N x faster") with the load of the machine beside each run, and a
PASS / FAIL line for each target of issue 18 (no slower than the first
engine, the CPU of each engine on the same set in the same run; at least 10x
faster than OCA at every size, the 7.6x the issue measured shown beside it;
linear growth);
a FAIL does not change the exit code.

    python3 bench/bench_reminders.py [--sizes 1000,2000,10000] [--keep]
        [--addons-path PATH] [--template-db dso_tmpl] [--http-port 8289]
        [--db-prefix dso_rem_bench_] [--skip email-sms,naive,parts,templates,oca,engines]
        [--oca-pdf] [--rounds 3] [--job-without-notes]

Needs PostgreSQL (createdb/dropdb), Odoo 18.0 importable (or ODOO_SRC) and,
for the OCA part, pip and PyPI (once: the wheel is kept in bench/.cache/).
Databases are named after --db-prefix (dso_rem_bench_*); they are dropped at
the end unless --keep.
"""

import argparse
import copy
import os
import statistics
import subprocess
import sys
import time

import oca
from benchlib import (
    default_addons_path,
    install,
    invoice_vals,
    odoo_src,
    run,
    run_worker,
    setup_reminder_company,
    start_worker,
    time_method,
)

DB_PREFIX = "dso_rem_bench_"
PARTS_OF_RUN = ("email-sms", "naive", "parts", "templates", "oca", "engines")
# the engines issue 18 compares the run with, from this repository's history:
# {name: (commit, speed-up over it this checkout must reach, or None: shown)}.
# The first engine measured (3.6 s per 1,000 customers on its day's machine):
# "back to full speed" is its speed. The engine the issue was filed against
# (7.6 s on its day) is shown beside it
ENGINES = {
    "first engine": ("62c2757", 1.0),
    "engine issue 18 was filed against": ("657c98d", None),
}
ENGINE_ROUNDS = 3
# the same job as OCA: issue 18's target, at least 10x at every size; the 7.6x
# the issue measured on 2,000 customers with the engine it was filed against is
# printed beside it (the floor: no slower than that engine was against OCA)
TARGET_OVER_OCA = 10.0
ISSUE_OVER_OCA = 7.6
# "growing linearly": the time per customer at the largest size at most this
# much above the smallest's
LINEAR_SLACK = 1.2


# ----------------------------------------------------------------------
# driver
# ----------------------------------------------------------------------


def worker(args, mode, db, *extra):
    """Run this script's ``worker_<mode>`` in a child process on ``db``."""
    return start_worker(__file__, args, mode, db, *extra)


def install_base(args, db):
    install(args, db, template_db=args.template_db, extra=["--http-port", str(args.http_port)])
    return worker(args, "setup", db)


def install_on(args, db, module):
    """``module`` installed on the existing database ``db`` (its data kept)."""
    cmd = [sys.executable, os.path.join(odoo_src(), "odoo-bin"), "-d", db]
    cmd += ["--addons-path", args.addons_path, "-i", module, "--without-demo=all"]
    cmd += ["--http-port", str(args.http_port), "--stop-after-init", "--log-level=warn"]
    run(cmd, stdout=subprocess.DEVNULL)


def copy_db(source, db, dbs):
    """``db``, a fresh copy of ``source`` vacuumed and analyzed first, as autovacuum
    keeps a database in use: the scheduled action on a copy of a database just
    built took 5.4-5.5 s, 4.9 s once it was analyzed (bench/README.md, eighth
    session)."""
    dbs.append(db)
    run(["vacuumdb", "--quiet", "--analyze", source])
    run(["dropdb", "--if-exists", db])
    run(["createdb", "-T", source, db])


def run_on_copy(args, mode, source, dbs, *extra):
    """``worker_<mode>`` run on a fresh copy of ``source`` (dropped after), with
    the machine's load read before it."""
    db = f"{source}_run"
    copy_db(source, db, dbs)
    before = load()
    res = worker(args, mode, db, *extra)
    res["load"] = before
    run(["dropdb", "--if-exists", db])
    return res


def load():
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,2000,10000")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--template-db", default=os.environ.get("BENCH_TEMPLATE_DB", ""))
    parser.add_argument("--http-port", type=int, default=8289)
    parser.add_argument("--db-prefix", default=DB_PREFIX)
    parser.add_argument(
        "--skip",
        default="",
        help=f"parts of the run to leave out, comma-separated: {','.join(PARTS_OF_RUN)}",
    )
    parser.add_argument(
        "--oca-pdf",
        action="store_true",
        help="OCA's emails with its default template's PDF summary attached "
        "(one wkhtmltopdf run per customer)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="runs of each side of the same job as OCA, alternated, each on a fresh "
        "copy: the median is reported",
    )
    parser.add_argument(
        "--job-without-notes",
        action="store_true",
        help="diagnostic: the same job by dso_contacts once more with the note on each "
        "customer's chatter left out, to show what it costs",
    )
    parser.add_argument(
        "--without-customer-notes", action="store_true", help=argparse.SUPPRESS
    )
    parser.add_argument("--worker", default=None)
    parser.add_argument("--db", default=None)
    parser.add_argument("--customers", type=int, default=0)
    parser.add_argument(
        "--plans",
        type=int,
        default=1,
        help="reminder plans the customers are spread over (the default plan, "
        "then plans set on the customer and plans matching a tag, in turn)",
    )
    args = parser.parse_args()
    args.addons_path = args.addons_path or default_addons_path()
    if args.worker:
        return run_worker(args, globals())

    sys.stdout.reconfigure(line_buffering=True)  # each result as soon as known
    sizes = [int(size) for size in args.sizes.split(",")]
    skip = {part for part in args.skip.split(",") if part}
    if skip - set(PARTS_OF_RUN):
        parser.error(f"--skip takes {','.join(PARTS_OF_RUN)}")
    dbs = []
    try:
        results = {}
        if "email-sms" not in skip:
            results = bench_email_sms(args, sizes, skip, dbs)
            report_email_sms(args, sizes, skip, results)
        if "engines" not in skip:
            print(flush=True)
            results["engines"] = bench_engines(args, sizes[0], dbs)
            report_engines(sizes[0], results["engines"])
        job = {}
        if "oca" not in skip:
            print(flush=True)
            job = bench_same_job(args, sizes, dbs)
            report_same_job(sizes, job)
        report_targets(sizes, results.get("runs", {}), job, results.get("engines"))
    finally:
        if not args.keep:
            for db in dbs:
                run(["dropdb", "--if-exists", db])


def bench_email_sms(args, sizes, skip, dbs):
    """The scheduled action on the email + SMS sets (and the naive loop, its
    steps and the two ways of queuing its emails on the smallest)."""
    prefix = args.db_prefix
    base = prefix + "base"
    dbs.append(base)
    print(f"installing dso_contacts on {base} ...", flush=True)
    install_base(args, base)
    runs = {}
    out = {"runs": runs}
    small = sizes[0]
    for size in sizes:
        db = f"{prefix}{size}"
        copy_db(base, db, dbs)
        built = worker(args, "build", db, "--customers", str(size), "--plans", str(args.plans))
        print(
            f"built {size} customers, {built['invoices']} invoices in {built['seconds']:.0f}s",
            flush=True,
        )
        if size == small and "naive" not in skip:
            copy_db(db, f"{prefix}{size}_naive", dbs)
            runs[("naive", size)] = worker(args, "naive", f"{prefix}{size}_naive")
            runs[("naive", size)]["load"] = load()
            print(f"naive {size}: {runs[('naive', size)]['seconds']:.1f}s", flush=True)
        if size == small and "parts" not in skip:
            copy_db(db, f"{prefix}{size}_parts", dbs)
            out["parts"] = worker(args, "parts", f"{prefix}{size}_parts")
        # on a copy, as every other run: the database the data was just built in
        # runs slower than a copy of it (bench/README.md, eighth session)
        cron_db = f"{db}_cron"
        copy_db(db, cron_db, dbs)
        before = load()
        runs[("cron", size)] = worker(args, "cron", cron_db)
        runs[("cron", size)]["load"] = before
        res = runs[("cron", size)]
        print(
            f"cron {size}: {res['seconds']:.1f}s (CPU {res.get('cpu', 0):.1f}s), "
            f"{res['queries'] / size:.1f} queries/customer ({res['load']})",
            flush=True,
        )
        if size == small and "templates" not in skip:
            out["templates"] = worker(args, "templates", cron_db)
    return out


def engine_code(commit):
    """The addons folder of ``commit``'s dso_contacts (``git archive`` of this
    repository's history into bench/.cache/engines/<commit>/, once)."""
    target = os.path.join(
        os.path.dirname(os.path.abspath(__file__)), ".cache", "engines", commit
    )
    if not os.path.isdir(os.path.join(target, "dso_contacts")):
        os.makedirs(target, exist_ok=True)
        repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        archive = subprocess.run(
            ["git", "-C", repo, "archive", commit, "dso_contacts"],
            check=True,
            capture_output=True,
        ).stdout
        run(["tar", "-x", "-C", target], input=archive)
    return target


def bench_engines(args, size, dbs):
    """The scheduled action of this checkout and of each of ``ENGINES``, each
    engine installed from its own code on its own database and its ``size``
    set built there (the same customers, invoices and levels: this script's
    ``setup`` and ``build`` workers), then run on fresh copies, alternated
    ``ENGINE_ROUNDS`` times. {name: [cron results]}."""
    prefix = args.db_prefix
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sides = {"this checkout": args}
    for name, (commit, _speedup) in ENGINES.items():
        side_args = copy.copy(args)
        side_args.addons_path = ",".join(
            engine_code(commit) if os.path.abspath(path) == repo else path
            for path in args.addons_path.split(",")
        )
        sides[name] = side_args
    sets = {}
    for index, (name, side_args) in enumerate(sides.items()):
        db = f"{prefix}engine{index}_{size}"
        dbs.append(db)
        install(side_args, db, extra=["--http-port", str(args.http_port)])
        worker(side_args, "setup", db)
        worker(side_args, "build", db, "--customers", str(size))
        sets[name] = db
        print(
            f"built {size} customers for the {name} ({side_args.addons_path.split(',')[-1]})"
        )
    runs = {name: [] for name in sides}
    for round_ in range(1, ENGINE_ROUNDS + 1):
        for name, side_args in sides.items():
            res = run_on_copy(side_args, "cron", sets[name], dbs)
            runs[name].append(res)
            print(
                f"round {round_}, {name}: {res['seconds']:.1f}s (CPU {res['cpu']:.2f}s), "
                f"{res['queries']} queries, {res['check']} ({res['load']})",
                flush=True,
            )
    return runs


def _median_cpu(results):
    return statistics.median(res["cpu"] for res in results)


def report_engines(size, engines):
    print(
        f"\nthe scheduled action on {size} customers (email + SMS), each engine on its own "
        f"copy, alternated {ENGINE_ROUNDS} times: median CPU of the Odoo process"
    )
    now = _median_cpu(engines["this checkout"])
    for name, results in engines.items():
        cpu = _median_cpu(results)
        print(
            f"  {name:<40}{cpu:>8.2f} s CPU  (runs: "
            + ", ".join(f"{res['cpu']:.2f}" for res in results)
            + (
                f"; this checkout is {cpu / now:.2f}x as fast)"
                if results is not engines["this checkout"]
                else ")"
            )
        )


def report_email_sms(args, sizes, skip, results):
    runs = results["runs"]
    print("\nthe scheduled action, email + SMS levels (one or two invoices a customer):")
    print(
        f"{'run':<22}{'customers':>10}{'seconds':>10}{'CPU s':>8}{'s/1000':>9}{'cust/s':>10}"
        f"{'queries/cust':>14}  load (1, 5, 15 min)"
    )
    for (kind, size), res in sorted(runs.items(), key=lambda item: item[0][::-1]):
        rate = res["customers"] / res["seconds"]
        queries = res["queries"] / res["customers"]
        per_1000 = res["seconds"] * 1000 / res["customers"]
        print(
            f"{kind + ' ' + str(size):<22}{res['customers']:>10}{res['seconds']:>10.1f}"
            f"{res.get('cpu', 0):>8.1f}{per_1000:>9.2f}{rate:>10.1f}{queries:>14.1f}"
            f"  {res['load']}"
        )
        print(f"{'':<22}  {res['check']}")
    small, large = sizes[0], sizes[-1]
    if len(sizes) > 1:
        ratio = runs[("cron", large)]["seconds"] / runs[("cron", small)]["seconds"]
        print(f"\ncron time ratio {large}/{small}: {ratio:.1f} (linear: {large / small:.0f})")
    if ("naive", small) in runs:
        naive = runs[("naive", small)]
        cron = runs[("cron", small)]
        speedup = (cron["customers"] / cron["seconds"]) / (
            naive["customers"] / naive["seconds"]
        )
        print(f"cron rate / naive rate on {small} customers: {speedup:.1f}x (target >= 10x)")
    if "parts" in results:
        parts = results["parts"]
        budget = runs[("naive", small)]["seconds"] / 10 if ("naive", small) in runs else 0
        print(
            f"\nwhere the scheduled action's {parts['seconds']:.2f}s go on {small} customers "
            "(each step timed with its flush"
            + (f"; the 10x budget is {budget:.2f}s):" if budget else "):")
        )
        for step, seconds in parts["steps"].items():
            share = f"  {seconds / budget:>5.0%} of the budget" if budget else ""
            print(f"  {step:<44}{seconds:>7.2f}s{share}")
    if "templates" in results:
        templates = results["templates"]
        print(
            f"\nrendering and queuing the {templates['reminders']} emails of the {small} "
            f"set: _generate_template + one mail.mail create "
            f"{templates['generate_template']:.2f}s, "
            f"mail.template.send_mail_batch {templates['send_mail_batch']:.2f}s"
        )


def bench_same_job(args, sizes, dbs):
    """The same job by dso_contacts and by OCA's account_credit_control, on
    copies of one database (``account`` only) of customers each with one
    overdue invoice: each module installed on its own copy, then one email
    per customer listing its overdue invoice queued, timed end to end."""
    oca_args = copy.copy(args)
    oca_args.addons_path = f"{args.addons_path},{oca.oca_addons_dir()}"
    prefix = args.db_prefix
    base = prefix + "job_base"
    dbs.append(base)
    print(f"installing account on {base} ...", flush=True)
    install(args, base, module="account", extra=["--http-port", str(args.http_port)])
    worker(args, "job_setup", base)
    job = {}
    for size in sizes:
        data = f"{prefix}job_{size}"
        copy_db(base, data, dbs)
        built = worker(args, "job_build", data, "--customers", str(size))
        print(
            f"built {size} customers, one overdue invoice each, in {built['seconds']:.0f}s",
            flush=True,
        )
        dso_db, oca_db = f"{prefix}job_{size}_dso", f"{prefix}job_{size}_oca"
        copy_db(data, dso_db, dbs)
        copy_db(data, oca_db, dbs)
        install_on(args, dso_db, "dso_contacts")
        worker(args, "job_dso_setup", dso_db)
        install_on(oca_args, oca_db, oca.OCA_MODULE)
        worker(oca_args, "oca_setup", oca_db, *(["--oca-pdf"] if args.oca_pdf else []))
        # (side, its worker's arguments, worker, database, extra worker options)
        sides = [
            ("dso", args, "job_dso", dso_db, ()),
            ("oca", oca_args, "job_oca", oca_db, ()),
        ]
        if args.job_without_notes:
            # diagnostic: what the note on each customer's chatter costs
            sides.insert(
                1, ("dso_nonote", args, "job_dso", dso_db, ("--without-customer-notes",))
            )
        runs = {side: [] for side, *_rest in sides}
        for number in range(1, args.rounds + 1):
            # alternated, each run on a fresh copy of its side's database
            for side, side_args, mode, db, extra in sides:
                res = run_on_copy(side_args, mode, db, dbs, *extra)
                runs[side].append(res)
                print(
                    f"{side} {size}, round {number}/{args.rounds}: {res['seconds']:.1f}s "
                    f"(CPU {res['cpu']:.1f}s), {res['queries'] / size:.1f} queries/customer, "
                    f"{res['check']} ({res['load']})",
                    flush=True,
                )
        for side, results in runs.items():
            job[(side, size)] = _median_run(results)
        ratio = job[("oca", size)]["seconds"] / job[("dso", size)]["seconds"]
        print(f"dso is {ratio:.1f}x faster than OCA on {size} customers", flush=True)
    return job


def _median_run(results):
    """The run of median time among ``results`` (one side's rounds), with every
    round's seconds and CPU seconds beside it."""
    ordered = sorted(results, key=lambda res: res["seconds"])
    median = dict(ordered[(len(ordered) - 1) // 2])
    median["seconds_all"] = [res["seconds"] for res in results]
    median["cpu_all"] = [res["cpu"] for res in results]
    median["cpu"] = statistics.median(median["cpu_all"])
    return median


def report_same_job(sizes, job):
    print(
        f"\nthe same job as OCA's {oca.OCA_MODULE} {oca.oca_version()}: customers each with "
        "one overdue invoice,\none email per customer listing it, queued (dso_contacts' "
        "levels set to email only):"
    )
    print(
        f"{'run':<16}{'customers':>10}{'seconds':>10}{'CPU s':>8}{'s/1000':>9}"
        f"{'queries/cust':>14}{'queued':>8}{'no inv. no.':>12}  load before (1, 5, 15 min)"
    )
    for size in sizes:
        sides = [side for side in ("dso", "dso_nonote", "oca") if (side, size) in job]
        for side in sides:
            res = job[(side, size)]
            print(
                f"{side + ' ' + str(size):<16}{res['customers']:>10}{res['seconds']:>10.1f}"
                f"{res['cpu']:>8.1f}{res['seconds'] * 1000 / size:>9.2f}"
                f"{res['queries'] / size:>14.1f}"
                f"{res['check']['queued']:>8}{res['check']['without_invoice_number']:>12}"
                f"  {res['load']}"
            )
            if len(res["seconds_all"]) > 1:
                print(
                    f"{'':<16}rounds: "
                    + ", ".join(
                        f"{seconds:.1f}s (CPU {cpu:.1f}s)"
                        for seconds, cpu in zip(
                            res["seconds_all"], res["cpu_all"], strict=True
                        )
                    )
                )
        for side in sides[:-1]:
            ratio = job[("oca", size)]["seconds"] / job[(side, size)]["seconds"]
            cpu_ratio = job[("oca", size)]["cpu"] / job[(side, size)]["cpu"]
            print(
                f"{'':<16}{side} is {ratio:.1f}x faster than OCA on {size} customers "
                f"({cpu_ratio:.1f}x less CPU of the Odoo process; medians)"
            )


def _rounds_text(res):
    rounds = len(res["seconds_all"])
    return f", medians of {rounds} alternated runs" if rounds > 1 else ""


def _verdict(ok):
    return "PASS" if ok else "FAIL"


def report_targets(sizes, runs, job, engines=None):
    """PASS / FAIL of each target of issue 18 (printed, never the exit code)."""
    print("\ntargets:")
    small, large = sizes[0], sizes[-1]
    if engines:
        now = _median_cpu(engines["this checkout"])
        for name, (commit, speedup) in ENGINES.items():
            ratio = _median_cpu(engines[name]) / now
            verdict = "INFO" if speedup is None else _verdict(ratio >= speedup)
            target = "" if speedup is None else f"; target >= {speedup:.1f}x"
            print(
                f"{verdict} email + SMS, {small} customers: {ratio:.2f}x the speed of the "
                f"{name} ({commit}, CPU{target})"
            )
    for size in sizes:
        if ("dso", size) in job:
            ratio = job[("oca", size)]["seconds"] / job[("dso", size)]["seconds"]
            print(
                f"{_verdict(ratio >= TARGET_OVER_OCA)} same job as OCA, {size} customers: "
                f"dso is {ratio:.1f}x faster"
                f"{_rounds_text(job[('dso', size)])} (target >= {TARGET_OVER_OCA:.0f}x; "
                f"{'above' if ratio >= ISSUE_OVER_OCA else 'BELOW'} the {ISSUE_OVER_OCA}x "
                "the issue measured with the engine it was filed against)"
            )
            for side in ("dso", "oca"):
                check = job[(side, size)]["check"]
                ok = check["queued"] == size and not check["without_invoice_number"]
                print(
                    f"{_verdict(ok)} {side} {size}: {check['queued']} emails queued for "
                    f"{size} customers, {check['without_invoice_number']} without the "
                    "invoice number"
                )
    if len(sizes) > 1:
        for label, results, key in (
            ("email + SMS", runs, "cron"),
            ("same job as OCA", job, "dso"),
        ):
            if (key, small) in results and (key, large) in results:
                growth = results[(key, large)]["seconds"] / results[(key, small)]["seconds"]
                linear = large / small
                print(
                    f"{_verdict(growth <= linear * LINEAR_SLACK)} {label} grows linearly: "
                    f"{large}/{small} time ratio {growth:.1f} (linear {linear:.1f}, at most "
                    f"{linear * LINEAR_SLACK:.1f})"
                )


# ----------------------------------------------------------------------
# workers (run inside Odoo)
# ----------------------------------------------------------------------


def worker_setup(env, args, odoo):
    """A chart of accounts and the company's reminder settings."""
    return {"company": setup_reminder_company(env).id}


def payer_vals(i, customer, **extra):
    """The contact of customer number ``i``: an email and a mobile each."""
    return {
        "name": f"Payer {i:05d}",
        "parent_id": customer.id,
        "type": "contact",
        "email": f"payer{i:05d}@example.com",
        "mobile": f"0470 {i:06d}",
        **extra,
    }


def worker_build(env, args, odoo):
    """``args.customers`` customers, each with a contact for collection and one
    or two overdue invoices (16 to 40 days late: email and SMS levels)."""
    from datetime import timedelta

    from odoo import fields

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
                payer_vals(i, customer, is_collection_contact=True)
                for i, customer in zip(range(start, stop), customers, strict=True)
            ]
        )
        vals_list = []
        for i, customer in zip(range(start, stop), customers, strict=True):
            for late in (16 + i % 25,) if i % 3 else (16 + i % 25, 3):
                due = today - timedelta(days=late)
                vals_list.append(invoice_vals(customer, due, 100.0 + i % 400, journal))
        moves = env["account.move"].create(vals_list)
        moves.action_post()
        invoices += len(moves)
        env.cr.commit()
        env.invalidate_all()
    if args.plans > 1:
        spread_over_plans(env, company, args.plans)
    return {"invoices": invoices, "seconds": time.monotonic() - started}


def spread_over_plans(env, company, count):
    """The customers spread over ``count`` plans of the same ladder as the
    default (one in ``count`` stays on it); the others alternate between a
    plan set on the customer and a plan matching a tag."""
    from odoo import Command

    default = company._dso_reminder_default_plan()
    customers = env["res.partner"].search(
        [("company_id", "=", company.id), ("name", "=like", "Customer %")], order="id"
    )
    for number in range(1, count):
        tag = env["res.partner.category"].create({"name": f"Bench plan {number}"})
        plan = env["dso.reminder.plan"].create(
            {
                "name": f"Bench plan {number}",
                "company_id": company.id,
                "sequence": number,
                "partner_category_ids": [Command.set(tag.ids)] if number % 2 == 0 else [],
            }
        )
        env["dso.reminder.level"].create(
            [
                {
                    "name": level.name,
                    "plan_id": plan.id,
                    "days": level.days,
                    "channel": level.channel,
                    "mail_template_id": level.mail_template_id.id,
                    "sms_template_id": level.sms_template_id.id,
                }
                for level in default.level_ids
            ]
        )
        mine = customers.filtered(lambda c, n=number: c.id % count == n)
        if number % 2:
            mine.write({"dso_reminder_plan_id": plan.id})
        else:
            mine.write({"category_id": [Command.link(tag.id)]})
    env.cr.commit()


def _measure(env, function):
    """Seconds, SQL queries and CPU seconds of this process (PostgreSQL's own
    time apart: the steadier measure on a loaded machine) of ``function``."""
    cr = env.cr
    queries = cr.sql_log_count
    started, cpu = time.monotonic(), time.process_time()
    function()
    env.cr.commit()
    return (
        time.monotonic() - started,
        cr.sql_log_count - queries,
        time.process_time() - cpu,
    )


def _counts(env):
    return {
        "reminders": env["dso.reminder"].search_count([]),
        "mail.mail": env["mail.mail"].search_count([("model", "=", "dso.reminder")]),
        "sms.sms": env["sms.sms"].search_count([]),
    }


def worker_cron(env, args, odoo):
    cron = env.ref("dso_contacts.ir_cron_send_reminders")
    seconds, queries, cpu = _measure(env, cron.method_direct_trigger)
    counts = _counts(env)
    return {
        "customers": counts["reminders"],
        "seconds": seconds,
        "cpu": cpu,
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
    seconds, _queries, _cpu = _measure(env, cron.method_direct_trigger)
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

    seconds, queries, _cpu = _measure(env, loop)
    counts = _counts(env)
    counts["mail.mail"] = env["mail.mail"].search_count([])
    return {
        "customers": counts["reminders"],
        "seconds": seconds,
        "queries": queries,
        "check": counts,
    }


# the same job as OCA's credit control: a database with ``account`` only,
# customers each with one overdue invoice, then each module on its own copy


def worker_job_setup(env, args, odoo):
    """A chart of accounts and the company's address, email and time zone
    (``account`` only: the same for both modules)."""
    company = env.ref("base.main_company")
    if not env["account.account"].search_count([("company_ids", "in", company.ids)], limit=1):
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    company.write(
        {"country_id": env.ref("base.be").id, "email": "billing@company.example.com"}
    )
    company.partner_id.tz = "UTC"
    return {"company": company.id}


def worker_job_build(env, args, odoo):
    """``args.customers`` customers (an email each, as OCA needs one on the
    invoiced partner to choose the email channel), each with a contact with an
    email and a mobile and one posted invoice 16 to 40 days overdue."""
    from datetime import timedelta

    from odoo import fields

    started = time.monotonic()
    company = env.ref("base.main_company")
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
    today = fields.Date.context_today(env["res.partner"])
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    be = env.ref("base.be").id
    for start in range(0, args.customers, 500):
        numbers = range(start, min(start + 500, args.customers))
        customers = env["res.partner"].create(
            [
                {
                    "name": f"Customer {i:05d}",
                    "is_company": True,
                    "country_id": be,
                    "company_id": company.id,
                    "email": f"accounts{i:05d}@customer.example.com",
                }
                for i in numbers
            ]
        )
        env["res.partner"].create(
            [payer_vals(i, customer) for i, customer in zip(numbers, customers, strict=True)]
        )
        moves = env["account.move"].create(
            [
                invoice_vals(
                    customer, today - timedelta(days=16 + i % 25), 100.0 + i % 400, journal
                )
                for i, customer in zip(numbers, customers, strict=True)
            ]
        )
        moves.action_post()
        env.cr.commit()
        env.invalidate_all()
    return {"seconds": time.monotonic() - started}


def worker_job_dso_setup(env, args, odoo):
    """dso_contacts' settings as for the email + SMS sets, every level set to
    email only, each customer's contact made its contact for collection."""
    worker_setup(env, args, odoo)
    env["dso.reminder.level"].search([]).write({"channel": "email"})
    payers = env["res.partner"].search(
        [("name", "=like", "Payer %"), ("parent_id", "!=", False)]
    )
    payers.write({"is_collection_contact": True})
    return {"contacts": len(payers)}


def worker_job_dso(env, args, odoo):
    """dso_contacts' scheduled action, timed until its emails are queued (with
    ``--without-customer-notes``, a diagnostic: the note on each customer's
    chatter left out, in this process only)."""
    if args.without_customer_notes:
        dispatch = type(env["dso.reminder.dispatch"])
        dispatch._log_chatter = lambda self, reminders: None
    cron = env.ref("dso_contacts.ir_cron_send_reminders")
    seconds, queries, cpu = _measure(env, cron.method_direct_trigger)
    return {
        "customers": env["dso.reminder"].search_count([]),
        "seconds": seconds,
        "cpu": cpu,
        "queries": queries,
        "check": oca.check_mails(env, "dso"),
    }


def worker_oca_setup(env, args, odoo):
    return {"policy": oca.setup_policy(env, pdf=args.oca_pdf).id}


def worker_job_oca(env, args, odoo):
    """OCA's run for today (see ``oca.run_credit_control``), timed until its
    emails are queued."""
    from odoo import fields

    policy = env.ref("base.main_company").credit_policy_id
    today = fields.Date.context_today(env["res.partner"])
    seconds, queries, cpu = _measure(env, lambda: oca.run_credit_control(env, policy, today))
    return {
        "customers": env["credit.control.communication"].search_count([]),
        "seconds": seconds,
        "cpu": cpu,
        "queries": queries,
        "check": oca.check_mails(env, "oca"),
    }


if __name__ == "__main__":
    main()
