"""What the benchmark scripts share: where Odoo is, running a command, and
running a worker function of a script inside Odoo on a database."""

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def odoo_src():
    if os.environ.get("ODOO_SRC"):
        return os.environ["ODOO_SRC"]
    import odoo

    return os.path.dirname(os.path.dirname(odoo.__file__))


def default_addons_path():
    src = odoo_src()
    return ",".join([os.path.join(src, "addons"), os.path.join(src, "odoo", "addons"), REPO])


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


def time_method(model_class, method, totals, label, flush=True):
    """Wrap ``model_class.method`` (a registry class: ``type(env[model])``)
    so that each call adds its time to ``totals[label]``; with ``flush``, the
    flush of what it wrote is timed with it (the same work, brought
    forward; not inside a compute, which must not flush)."""
    original = getattr(model_class, method)
    totals.setdefault(label, 0.0)

    def timed(self, *args, **kwargs):
        started = time.perf_counter()
        result = original(self, *args, **kwargs)
        if flush:
            self.env.flush_all()
        totals[label] += time.perf_counter() - started
        return result

    setattr(model_class, method, timed)


def odoo_env(args):
    sys.path.insert(0, odoo_src())
    import odoo
    from odoo.tools import config

    config.parse_config(
        ["-d", args.db, "--addons-path", args.addons_path, "--log-level", "warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    cr = registry.cursor()
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), odoo


def install(args, db, module="dso_contacts", template_db=None, extra=()):
    """``db`` made afresh (a copy of ``template_db`` when given) with ``module``
    installed, without demo data."""
    run(["dropdb", "--if-exists", db])
    run(["createdb", "-T", template_db, db] if template_db else ["createdb", db])
    cmd = [sys.executable, os.path.join(odoo_src(), "odoo-bin"), "-d", db]
    cmd += ["--addons-path", args.addons_path, "-i", module, "--without-demo=all"]
    run([*cmd, "--stop-after-init", "--log-level=warn", *extra], stdout=subprocess.DEVNULL)


def start_worker(script, args, mode, db, *extra):
    """Run ``worker_<mode>`` of ``script`` in a child process on ``db`` (see
    :func:`run_worker`) and return its JSON result; its error if it fails."""
    cmd = [sys.executable, script, "--worker", mode, "--db", db]
    cmd += ["--addons-path", args.addons_path, *extra]
    out = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"worker {mode} on {db} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_worker(args, workers):
    """Run ``workers[f"worker_{args.worker}"]`` inside Odoo on ``args.db``,
    commit, and print its result as the last line of JSON."""
    env, odoo = odoo_env(args)
    try:
        result = workers[f"worker_{args.worker}"](env, args, odoo)
        env.cr.commit()
    finally:
        env.cr.close()
    print(json.dumps(result))


def log(text):
    print(text, flush=True)


def measure_sizes(args, worker, prefix, sizes, size_option, describe, print_size):
    """For each size: a copy of the installed ``<prefix>base``, the data of
    that size built by the script's ``build`` worker (``size_option`` given
    the size), told by ``describe(db, built)``, then measured by its
    ``measure`` worker and printed by ``print_size``. Every database, the
    base included, is dropped at the end unless ``args.keep``. Returns the
    measures by size, each with what was built."""
    base = prefix + "base"
    results = {}
    databases = [base]
    try:
        for size in sizes:
            db = f"{prefix}{size}"
            databases.append(db)
            run(["dropdb", "--if-exists", db])
            run(["createdb", "-T", base, db])
            built = worker(args, "build", db, size_option, str(size))
            log(describe(db, built))
            results[size] = worker(args, "measure", db)
            results[size]["build"] = built
            print_size(size, results[size])
    finally:
        if not args.keep:
            for db in databases:
                run(["dropdb", "--if-exists", db])
    return results


def save_results(name, results):
    """``results`` written to bench/out/<name>.json."""
    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    with open(os.path.join(HERE, "out", f"{name}.json"), "w") as out:
        json.dump(results, out, indent=1)


# ----------------------------------------------------------------------
# inside Odoo (a worker's env)
# ----------------------------------------------------------------------


def setup_reminder_company(env):
    """The main company with a chart of accounts, in Belgium, its automatic
    reminders on every day, all day (UTC): the company's reminder settings of
    the addon's tests (``ReminderCommon``)."""
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
    return company


def invoice_vals(customer, due, amount, journal=None):
    """The values of a customer invoice of one untaxed line of ``amount``,
    due on ``due``, dated 30 days before."""
    from datetime import timedelta

    from odoo import Command

    vals = {
        "move_type": "out_invoice",
        "partner_id": customer.id,
        "invoice_date": due - timedelta(days=30),
        "invoice_date_due": due,
        "invoice_line_ids": [
            Command.create(
                {"name": "Consulting", "quantity": 1, "price_unit": amount, "tax_ids": []}
            )
        ],
    }
    if journal:
        vals["journal_id"] = journal.id
    return vals
