"""Benchmark of dso_contacts_queue_job: imports and reminder runs spread over
Odoo's workers by queue_job.

Builds one database with dso_contacts_queue_job (and queue_job) installed,
``--customers`` customers to import contacts for and ``--reminder-customers``
customers with overdue invoices (one contact for collection each, email and SMS
levels reached), then on a fresh copy (``createdb -T``) for each run:

1. ``inline``: dso_contacts' own path, without the job queue: the background
   import run by its scheduled job's method until done, and the reminders'
   scheduled action, in one process;
2. ``N workers`` for each N of ``--workers``: Odoo started with
   ``--workers=N --load=web,queue_job`` and ``[queue_job] channels = root:N``
   (cron threads off), the import queued (its split, then a job per chunk) and
   the reminder run queued (a job per batch of customers), timed from the
   commit that queues them to the end of the last job, as the database shows it;
3. ``killed``: the largest worker count again, every child of the server (the
   HTTP workers running jobs and the job runner) killed with SIGKILL once a
   chunk (then a reminder batch) is running and another is done; queue_job's
   runner requeues the dead jobs and the runs end. Counts the contacts twice
   under a customer and the reminders twice for an invoice and level (0 and 0).

Prints the rows and customers per second, the speed-up over one worker and
over the inline run, and checks that every run made the same contacts and
reminders.

    python3 bench/bench_queue_job.py [--contacts 200000] [--customers 20000]
        [--reminder-customers 10000] [--workers 1,2,4] [--chunk-rows 5000]
        [--reminder-batch 200] [--skip-inline] [--skip-kill] [--keep]
        [--addons-path PATH]

Needs PostgreSQL (createdb/dropdb), Odoo 18.0 importable (or ODOO_SRC) and
queue_job on the addons path (``make setup``: .oca/odoo/addons, the default
here). Databases are named qj_bench_*; they are dropped at the end unless --keep.
"""

import argparse
import base64
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import psutil
import psycopg2
from bench_import import make_files
from bench_reminders import worker_build as build_reminder_customers
from bench_reminders import worker_setup
from benchlib import (
    REPO,
    default_addons_path,
    install,
    odoo_src,
    run,
    run_worker,
    start_worker,
)

DB_PREFIX = "qj_bench_"
# odoo-bin, without the bus's gevent worker: where gevent cannot start (on this
# project's machine pkg_resources does not find zope.interface), the prefork
# server starts it again and again, which eats the CPU the workers are measured on
LAUNCH = """
import os, sys
os.environ["TZ"] = "UTC"
import odoo
from odoo.service import server
if os.environ.get("BENCH_NO_GEVENT"):
    server.PreforkServer.long_polling_spawn = lambda self: None
sys.argv = ["odoo-bin", *sys.argv[1:]]
odoo.cli.main()
"""


# ----------------------------------------------------------------------
# driver
# ----------------------------------------------------------------------


def worker(args, mode, db, *extra):
    """Run this script's ``worker_<mode>`` in a child process on ``db``."""
    return start_worker(__file__, args, mode, db, *extra)


def install_base(args, db):
    install(args, db, "dso_contacts_queue_job", extra=["--http-port", str(args.http_port)])


def start_server(args, db, workers, logfile):
    """Odoo with ``workers`` HTTP workers and queue_job's runner, on ``db``."""
    conf = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
    conf.write(
        "[options]\n"
        f"addons_path = {args.addons_path}\n"
        f"db_name = {db}\n"
        f"dbfilter = ^{db}$\n"
        f"http_port = {args.http_port}\n"
        "http_interface = 127.0.0.1\n"
        f"workers = {workers}\n"
        "server_wide_modules = web,queue_job\n"
        # the scheduled actions stay off: the runs are queued by hand
        "max_cron_threads = 0\n"
        "limit_time_real = 3600\n"
        "limit_time_cpu = 3600\n"
        "limit_memory_soft = 4294967296\n"
        "limit_memory_hard = 8589934592\n"
        "log_level = warn\n"
        "[queue_job]\n"
        f"channels = root:{workers}\n"
    )
    conf.close()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "-c", conf.name],
        stdout=logfile,
        stderr=subprocess.STDOUT,
        env={
            **os.environ,
            "PYTHONPATH": odoo_src(),
            **({"BENCH_NO_GEVENT": "1"} if not args.with_gevent else {}),
        },
    )
    url = f"http://127.0.0.1:{args.http_port}/web/health"
    for _attempt in range(120):
        try:
            with urllib.request.urlopen(url, timeout=5):
                return process, conf.name
        except OSError:
            time.sleep(1)
    process.kill()
    raise RuntimeError("Odoo did not start: see " + logfile.name)


def stop_server(process, conf):
    process.terminate()
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    os.unlink(conf)


def wait_for(db, query, done, timeout):
    """Poll ``query`` on ``db`` until ``done(row)``; the row."""
    connection = psycopg2.connect(dbname=db)
    connection.autocommit = True
    started = time.monotonic()
    try:
        while True:
            with connection.cursor() as cr:
                cr.execute(query)
                row = cr.fetchone()
            if done(row):
                return row
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"timeout on {db}: {row}")
            time.sleep(0.5)
    finally:
        connection.close()


def job_stats(db, method):
    connection = psycopg2.connect(dbname=db)
    try:
        with connection.cursor() as cr:
            cr.execute(
                # queue_job counts a job's runs in its "retry" column
                # and the worker that ran it last in "worker_pid"
                "SELECT state, count(*), sum(retry), count(DISTINCT worker_pid) "
                "FROM queue_job WHERE method_name = %s GROUP BY state",
                (method,),
            )
            return {state: {"jobs": count, "runs": int(runs or 0), "workers": pids}
                    for state, count, runs, pids in cr.fetchall()}  # fmt: skip
    finally:
        connection.close()


def kill_workers(db, process, method):
    """SIGKILL every child of the Odoo server (its HTTP workers running jobs,
    and the job runner) once a job of ``method`` is running and another is
    done; the server starts new ones. Returns the number killed."""
    wait_for(
        db,
        "SELECT count(*) FILTER (WHERE state = 'started'), "
        "count(*) FILTER (WHERE state = 'done') FROM queue_job "
        f"WHERE method_name = '{method}'",
        lambda row: row[0] >= 1 and row[1] >= 1,
        600,
    )
    children = psutil.Process(process.pid).children(recursive=True)
    for child in children:
        child.send_signal(signal.SIGKILL)
    return len(children)


def duplicates(db):
    """Contacts twice under a customer, reminders twice for an invoice and level."""
    connection = psycopg2.connect(dbname=db)
    try:
        with connection.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM (SELECT 1 FROM res_partner WHERE parent_id IS NOT NULL "
                "GROUP BY parent_id, lower(name), lower(coalesce(email, '')) "
                "HAVING count(*) > 1) AS twice"
            )
            contacts = cr.fetchone()[0]
            cr.execute(
                "SELECT count(*) FROM (SELECT 1 FROM dso_reminder "
                "WHERE trigger_move_id IS NOT NULL GROUP BY trigger_move_id, level_id "
                "HAVING count(*) > 1) AS twice"
            )
            return {"contacts_twice": contacts, "reminders_twice": cr.fetchone()[0]}
    finally:
        connection.close()


def queued_run(args, db, workers, path, kill=False):
    """The import and the reminder run through queue_job with ``workers``;
    with ``kill``, the workers are killed in the middle of each."""
    name = f"odoo_{workers}w{'_kill' if kill else ''}.log"
    log = open(os.path.join(args.out, name), "w")
    process, conf = start_server(args, db, workers, log)
    results = {}
    try:
        if not args.skip_import:
            queued = worker(args, "queue_import", db, "--file", path)
            killed = kill_workers(db, process, "_queue_run") if kill else 0
            row = wait_for(
                db,
                f"SELECT state, done_count, row_count, created_count, skipped_count, "
                f"error_count FROM dso_contact_import_job WHERE id = {queued['job']}",
                lambda row: row[0] in ("done", "failed"),
                args.timeout,
            )
            seconds = time.time() - queued["queued_at"]
            results["import"] = {
                "seconds": seconds,
                "state": row[0],
                "rows": row[2],
                "created": row[3],
                "skipped": row[4],
                "rejected": row[5],
                **({"killed": killed} if kill else {}),
                "jobs": {
                    "split": job_stats(db, "_queue_split"),
                    "chunks": job_stats(db, "_queue_run"),
                    "checks": job_stats(db, "_queue_check"),
                },
            }
        if not args.skip_reminders:
            queued = worker(args, "queue_reminders", db)
            killed = kill_workers(db, process, "_queue_process_batch") if kill else 0
            wait_for(
                db,
                "SELECT count(*) FILTER (WHERE state NOT IN ('done', 'failed')) "
                "FROM queue_job WHERE method_name = '_queue_process_batch'",
                lambda row: row[0] == 0,
                args.timeout,
            )
            seconds = time.time() - queued["queued_at"]
            results["reminders"] = {
                "seconds": seconds,
                **worker(args, "reminder_counts", db),
                **({"killed": killed} if kill else {}),
                "jobs": job_stats(db, "_queue_process_batch"),
            }
    finally:
        stop_server(process, conf)
        log.close()
    results["duplicates"] = duplicates(db)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=200000)
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--reminder-customers", type=int, default=10000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--chunk-rows", type=int, default=5000)
    parser.add_argument("--reminder-batch", type=int, default=200)
    parser.add_argument("--skip-inline", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-reminders", action="store_true")
    parser.add_argument("--skip-kill", action="store_true")
    parser.add_argument(
        "--reuse-base", action="store_true", help="the base database of an earlier --keep run"
    )
    parser.add_argument(
        "--with-gevent", action="store_true", help="start the bus's gevent worker too"
    )
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--http-port", type=int, default=8371)
    parser.add_argument("--timeout", type=int, default=7200)
    parser.add_argument("--out", default=os.path.join(REPO, "bench", "out"))
    # worker mode (inside Odoo)
    parser.add_argument("--worker", default=None)
    parser.add_argument("--db", default=None)
    parser.add_argument("--file", default=None)
    args = parser.parse_args()
    args.addons_path = args.addons_path or ",".join(
        [default_addons_path(), os.path.join(REPO, ".oca", "odoo", "addons")]
    )
    if args.worker:
        return run_worker(args, globals())

    os.makedirs(args.out, exist_ok=True)
    worker_counts = [int(count) for count in args.workers.split(",")]
    base = DB_PREFIX + "base"
    dbs = [base]
    started = time.monotonic()
    if args.reuse_base:
        built = "reused"
    else:
        print(f"installing dso_contacts_queue_job on {base} ...", flush=True)
        install_base(args, base)
        built = worker(
            args,
            "build",
            base,
            "--customers",
            str(args.customers),
            "--reminder-customers",
            str(args.reminder_customers),
            "--chunk-rows",
            str(args.chunk_rows),
            "--reminder-batch",
            str(args.reminder_batch),
        )
    path = make_files(args.contacts, args.customers)
    print(f"built in {time.monotonic() - started:.0f}s: {built}", flush=True)

    runs = {}
    if not args.skip_inline:
        db = DB_PREFIX + "inline"
        dbs.append(db)
        run(["dropdb", "--if-exists", db])
        run(["createdb", "-T", base, db])
        runs["inline"] = {}
        if not args.skip_import:
            runs["inline"]["import"] = worker(args, "inline_import", db, "--file", path)
        if not args.skip_reminders:
            runs["inline"]["reminders"] = worker(args, "inline_reminders", db)
        print(f"inline: {runs['inline']}", flush=True)
    for count in worker_counts:
        db = f"{DB_PREFIX}{count}w"
        dbs.append(db)
        run(["dropdb", "--if-exists", db])
        run(["createdb", "-T", base, db])
        runs[f"{count} workers"] = queued_run(args, db, count, path)
        print(f"{count} workers: {runs[f'{count} workers']}", flush=True)

    if not args.skip_kill:
        # the workers killed in the middle of the import and of the reminder run
        count = max(worker_counts)
        db = f"{DB_PREFIX}{count}w_kill"
        dbs.append(db)
        run(["dropdb", "--if-exists", db])
        run(["createdb", "-T", base, db])
        kill = queued_run(args, db, count, path, kill=True)
        print(f"{count} workers, killed in the middle: {kill}", flush=True)

    report(args, runs, worker_counts)
    if not args.skip_kill:
        print(
            f"\n{count} workers killed (SIGKILL) in the middle of each run, then left to end:"
        )
        for kind in ("import", "reminders"):
            if kind in kill:
                checked = {k: v for k, v in kill[kind].items() if k not in ("seconds",)}
                print(f"  {kind}: {checked}")
        print(f"  duplicates: {kill['duplicates']}")
    if not args.keep:
        for db in dbs:
            run(["dropdb", "--if-exists", db])


def report(args, runs, worker_counts):
    print()
    print(
        f"{args.contacts} contacts of {args.customers} customers "
        f"(chunks of {args.chunk_rows} rows); reminders of {args.reminder_customers} "
        f"customers (batches of {args.reminder_batch}); {os.cpu_count()} CPUs"
    )
    first = f"{worker_counts[0]} workers"
    for kind, unit, count_key in (
        ("import", "rows/s", "rows"),
        ("reminders", "customers/s", "reminders"),
    ):
        if not all(kind in result for result in runs.values()):
            continue
        print(f"\n{kind:<12}{'seconds':>10}{unit:>14}{'vs ' + first:>16}{'vs inline':>12}"
              f"  check")  # fmt: skip
        base_rate = runs[first][kind][count_key] / runs[first][kind]["seconds"]
        inline = runs.get("inline", {}).get(kind)
        inline_rate = inline[count_key] / inline["seconds"] if inline else None
        for name, result in runs.items():
            res = result[kind]
            rate = res[count_key] / res["seconds"]
            check = {k: v for k, v in res.items() if k not in ("seconds", "jobs")}
            versus_inline = f"{rate / inline_rate:.2f}x" if inline_rate else "-"
            print(
                f"{name:<12}{res['seconds']:>10.1f}{rate:>14.1f}{rate / base_rate:>15.2f}x"
                f"{versus_inline:>12}  {check}"
            )
            if res.get("jobs"):
                print(f"{'':<12}  jobs: {res['jobs']}")
            if result.get("duplicates"):
                print(f"{'':<12}  {result['duplicates']}")


# ----------------------------------------------------------------------
# workers (run inside Odoo)
# ----------------------------------------------------------------------


def worker_build(env, args, odoo):
    """The company's reminder settings and chart, the customers to import
    contacts for (C00000...), the customers with overdue invoices, and the
    chunk and batch sizes."""
    worker_setup(env, args, odoo)
    env["res.partner"].create(
        [
            {
                "name": f"Customer {i:05d}",
                "ref": f"C{i:05d}",
                "is_company": True,
                "customer_rank": 1,
                "country_id": env.ref("base.fr").id,
            }
            for i in range(args.customers)
        ]
    )
    params = env["ir.config_parameter"]
    params.set_param("dso_contacts.import_background_rows", "1")
    params.set_param("dso_contacts.import_max_size_mb", "500")
    params.set_param("dso_contacts_queue_job.import_chunk_rows", str(args.chunk_rows))
    params.set_param("dso_contacts.reminder_batch_size", str(args.reminder_batch))
    env.cr.commit()
    import_customers = args.customers
    args.customers = args.reminder_customers
    built = build_reminder_customers(env, args, odoo)
    return {"import_customers": import_customers, **built}


def _new_import_job(env, path):
    """The background import of the contacts file, as the wizard hands it
    over (the mapping guessed from the header), started by the administrator."""
    with open(path, "rb") as file:
        data = file.read()
    admin = env.ref("base.user_admin")
    env = env(user=admin.id, context={"lang": "en_US", "tz": "UTC"})
    wizard = env["dso.contact.import"].create(
        {
            "import_file": base64.b64encode(data),
            "import_filename": os.path.basename(path),
            "import_type": "contacts",
        }
    )
    wizard.action_import()
    return wizard.job_id


def worker_inline_import(env, args, odoo):
    """dso_contacts' background import without queue_job: its own method,
    called until the file is done as its scheduled action would be."""
    from odoo.addons.dso_contacts.models import dso_contact_import_job

    job = _new_import_job(env, args.file)
    env.cr.commit()
    dso_contact_import_job.CRON_TIME_BUDGET = 10**6
    started = time.monotonic()
    while job.state not in ("done", "failed"):
        job.sudo()._process(time.monotonic())
        env.cr.commit()
    return {
        "seconds": time.monotonic() - started,
        "state": job.state,
        "rows": job.row_count,
        "created": job.created_count,
        "skipped": job.skipped_count,
        "rejected": job.error_count,
    }


def worker_queue_import(env, args, odoo):
    job = _new_import_job(env, args.file)
    # the scheduled action's call, as the wizard triggers it: queues the split
    env["dso.contact.import.job"]._cron_process_jobs()
    env.cr.commit()
    return {"job": job.id, "queued_at": time.time()}


def worker_inline_reminders(env, args, odoo):
    """dso_contacts' reminder run without queue_job: its scheduled action's
    own method, batch after batch."""
    from odoo.addons.dso_contacts.models.dso_reminder_engine import DsoReminderEngine

    engine = env["dso.reminder.engine"]
    started = time.monotonic()
    DsoReminderEngine._cron_send_reminders(engine, time_budget=10**6)
    env.cr.commit()
    return {"seconds": time.monotonic() - started, **worker_reminder_counts(env, args, odoo)}


def worker_queue_reminders(env, args, odoo):
    env["dso.reminder.engine"]._cron_send_reminders()
    env.cr.commit()
    return {"queued_at": time.time()}


def worker_reminder_counts(env, args, odoo):
    reminders = env["dso.reminder"].search([("is_draft", "=", False)])
    return {
        "reminders": len(reminders),
        "customers": len(reminders.partner_id),
        "mail.mail": env["mail.mail"].search_count([("model", "=", "dso.reminder")]),
        "sms.sms": env["sms.sms"].search_count([]),
    }


if __name__ == "__main__":
    main()
