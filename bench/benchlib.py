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
