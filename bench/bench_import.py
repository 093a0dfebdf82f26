"""Benchmark of the contacts import of dso_contacts.

Imports the same contacts file (20,000 contacts of 5,000 customers) five
ways, each on a fresh copy (``createdb -T``) of the same database, and
prints the time and the peak memory of the importing process:

1. the dso_contacts wizard (``dso.contact.import``: validation, phone
   normalisation, duplicate detection and Odoo's sync from the customer
   included), in the request;
2. the same through the background job (``dso.contact.import.job``, run
   by its scheduled action as the scheduler does), end to end;
3. Odoo's own import (``base_import.import.execute_import``), the customer
   given by its external id (``parent_id/id``): Odoo's fastest path;
4. Odoo's own import, the customer mapped by name, as a user maps it;
5. a bare ``res.partner.create(vals_list)`` of the same rows in batches of
   1,000 (customers looked up by code beforehand);
6. the wizard again, the time spent in ``res.partner.create()`` and its
   flush measured apart (``wizard_orm``): the part of the import that is
   Odoo's own ORM, which no import through the ORM can go under.

Then reads a 1,000,000-row CSV and a 200,000-row XLSX through the wizard's
reader (``dso_contacts/tools/file_reader.py``) in a child process each, and
prints the peak RSS.

    python3 bench/bench_import.py [--rows 20000] [--customers 5000] [--keep]
        [--methods wizard,background_job,...] [--skip-memory | --memory-only]

Needs PostgreSQL (createdb/dropdb) and Odoo 18.0 importable (or ODOO_SRC).
Databases are named dso_imp_bench_*; they are dropped at the end unless --keep.
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time

from benchlib import default_addons_path as addons_path
from benchlib import odoo_src, run

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
TEMPLATE_DB = os.environ.get("BENCH_TEMPLATE_DB", "")
BASE_DB = "dso_imp_bench_base"
METHODS = (
    "wizard",
    "background_job",
    "odoo_import_xmlid",
    "odoo_import_name",
    "bare_create",
    "wizard_orm",
)


def make_files(rows, customers):
    """The customers list and the contacts file, with realistic values."""
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(42)
    first = ["Marie", "Jean", "Anne", "Paul", "Claire", "Hugo", "Léa", "Louis", "Emma", "Noé"]
    last = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"]
    roles = ["accountant", "purchaser", "manager", "financial_director", "other"]
    path = os.path.join(OUT, f"contacts_{rows}.csv")
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(
            ["Customer code", "Customer", "Contact name", "Job position", "Role", "Email",
             "Phone", "Mobile", "Contact for collection", "Customer ID"]
        )  # fmt: skip
        for index in range(rows):
            customer = index % customers
            name = f"{rng.choice(first)} {rng.choice(last)} {index}"
            writer.writerow(
                [
                    f"C{customer:05d}",
                    f"Customer {customer:05d}",
                    name,
                    "Accounts payable",
                    rng.choice(roles),
                    f"contact{index}@customer{customer}.example.com",
                    f"01 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                    f"{rng.randint(10, 99)}",
                    f"06{rng.randint(10000000, 99999999)}",
                    "1" if index < customers else "",
                    f"bench.customer_{customer:05d}",
                ]
            )
    return path


SETUP_SCRIPT = """
import sys, odoo
from odoo.tools import config
config.parse_config(["-d", DB, "--addons-path", ADDONS])
registry = odoo.modules.registry.Registry(DB)
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    fr = env.ref("base.fr")
    env.company.country_id = fr
    customers = env["res.partner"].create([
        {"name": f"Customer {i:05d}", "ref": f"C{i:05d}", "is_company": True,
         "customer_rank": 1, "country_id": fr.id, "street": f"{i} rue du Commerce",
         "zip": "75001", "city": "Paris"}
        for i in range(CUSTOMERS)
    ])
    # the external ids that Odoo's fastest import path looks the parents up by
    env["ir.model.data"].create([
        {"module": "bench", "name": f"customer_{i:05d}", "model": "res.partner",
         "res_id": customer.id}
        for i, customer in enumerate(customers)
    ])
    env["ir.config_parameter"].set_param("dso_contacts.import_background_rows", "1000000")
    env["ir.config_parameter"].set_param("dso_contacts.import_max_size_mb", "200")
"""

IMPORT_SCRIPT = """
import base64, csv, json, time, odoo
from odoo.tools import config
config.parse_config(["-d", DB, "--addons-path", ADDONS])
registry = odoo.modules.registry.Registry(DB)
with open(PATH, "rb") as file:
    data = file.read()
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    admin = env.ref("base.user_admin")
    env = env(user=admin.id, context={"lang": "en_US", "tz": "UTC"})
    before = env["res.partner"].search_count([("parent_id", "!=", False)])
    cr.commit()
    started = time.perf_counter()
    orm = {}
    if METHOD == "wizard_orm":
        # the contacts' create() and the flush of what it computes, timed
        # apart
        from benchlib import time_method
        time_method(type(env["dso.contact.import.contacts"]), "_create_contacts", orm, "orm")
    if METHOD in ("wizard", "wizard_orm"):
        wizard = env["dso.contact.import"].create({
            "import_file": base64.b64encode(data), "import_filename": "contacts.csv",
            "import_type": "contacts"})
        wizard.action_import()
        info = {"created": wizard.created_count, "skipped": wizard.skipped_count,
                "rejected": wizard.error_count}
    elif METHOD == "background_job":
        # the wizard hands the file to the job; the scheduler runs the job's
        # action until it is done, each run committing its batches
        env["ir.config_parameter"].sudo().set_param(
            "dso_contacts.import_background_rows", "1")
        wizard = env["dso.contact.import"].create({
            "import_file": base64.b64encode(data), "import_filename": "contacts.csv",
            "import_type": "contacts"})
        wizard.action_import()
        job = wizard.job_id
        cr.commit()
        cron = env.ref("dso_contacts.ir_cron_dso_contact_import").sudo()
        runs = 0
        while job.state not in ("done", "failed") and runs < 1000:
            cron.method_direct_trigger()
            cr.commit()
            job.invalidate_recordset()
            runs += 1
        info = {"created": job.created_count, "skipped": job.skipped_count,
                "rejected": job.error_count, "state": job.state, "cron_runs": runs}
    elif METHOD.startswith("odoo_import"):
        importer = env["base_import.import"].create({
            "res_model": "res.partner", "file": data, "file_name": "contacts.csv",
            "file_type": "text/csv"})
        options = {"quoting": '"', "separator": ",", "encoding": "utf-8",
                   "has_headers": True, "date_format": "", "datetime_format": "",
                   "float_thousand_separator": ",", "float_decimal_separator": ".",
                   "fields": [], "import_skip_records": [], "import_set_empty_fields": [],
                   "name_create_enabled_fields": {}}
        by_xmlid = METHOD == "odoo_import_xmlid"
        fields = [False, False if by_xmlid else "parent_id", "name", "function", False,
                  "email", "phone", "mobile", False, "parent_id/id" if by_xmlid else False]
        columns = ["Customer code", "Customer", "Contact name", "Job position", "Role",
                   "Email", "Phone", "Mobile", "Contact for collection", "Customer ID"]
        result = importer.execute_import(fields, columns, options)
        errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
        info = {"created": len(result.get("ids") or []), "errors": len(errors),
                "first_error": errors[0]["message"] if errors else None}
    else:
        rows = list(csv.reader(data.decode().splitlines()))[1:]
        Partner = env["res.partner"]
        for start in range(0, len(rows), 1000):
            batch = rows[start:start + 1000]
            customers = {p.ref: p.id for p in Partner.search(
                [("ref", "in", list({r[0] for r in batch})), ("parent_id", "=", False)])}
            Partner.create([
                {"parent_id": customers[r[0]], "name": r[2], "function": r[3],
                 "email": r[5], "phone": r[6], "mobile": r[7], "type": "contact"}
                for r in batch])
        info = {"created": len(rows)}
    env.flush_all()
    cr.commit()
    elapsed = time.perf_counter() - started
    after = env["res.partner"].search_count([("parent_id", "!=", False)])
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) / 1024 for line in status
                    if line.startswith("VmHWM:"))
    info.update(seconds=elapsed, contacts_added=after - before, peak_rss_mb=peak)
    if orm:
        info["orm_seconds"] = orm["orm"]
    print("RESULT " + json.dumps(info))
"""

READ_SCRIPT = """
import json, sys, time
sys.path.insert(0, REPO)
import importlib.util
# the addon's tools as a package of their own (they import each other
# relatively), without the ORM (odoo.tools only: guess_mimetype, the email
# pattern)
spec = importlib.util.spec_from_file_location(
    "dso_tools", REPO + "/dso_contacts/tools/__init__.py",
    submodule_search_locations=[REPO + "/dso_contacts/tools"])
package = importlib.util.module_from_spec(spec)
sys.modules["dso_tools"] = package
spec.loader.exec_module(package)
import dso_tools.file_reader as reader_module
def memory(key):
    # VmHWM is the peak resident set of this process since its exec
    # (ru_maxrss would include the parent's memory before the exec)
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
start_rss = memory("VmHWM")
started = time.perf_counter()
with open(PATH, "rb") as file:
    data = file.read()
reader = reader_module.ImportFile(data, PATH)
count = 0
for _line, cells in reader.rows():
    count += 1
print("RESULT " + json.dumps({
    "rows": count, "seconds": time.perf_counter() - started,
    "file_mb": len(data) / 1024 / 1024,
    "start_rss_mb": start_rss,
    "peak_rss_mb": memory("VmHWM")}))
"""


def python_script(script, **names):
    header = "".join(f"{name} = {value!r}\n" for name, value in names.items())
    result = run(
        [sys.executable, "-c", header + script],
        capture_output=True,
        text=True,
        # benchlib beside Odoo, for the scripts that time Odoo's methods
        env={**os.environ, "PYTHONPATH": os.pathsep.join([odoo_src(), HERE])},
    )
    for line in result.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError(result.stdout[-2000:] + result.stderr[-4000:])


def prepare_base(customers):
    run(["dropdb", "--if-exists", BASE_DB])
    if TEMPLATE_DB:
        run(["createdb", "-T", TEMPLATE_DB, BASE_DB])
    odoo_bin = os.path.join(odoo_src(), "odoo-bin")
    run(
        [sys.executable, odoo_bin, "-d", BASE_DB, "--addons-path", addons_path(),
         "-i", "dso_contacts,base_import", "--without-demo=all", "--stop-after-init",
         "--http-port=8279", "--log-level=warn"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    python_script(SETUP_SCRIPT + "\nprint('RESULT {}')\n", DB=BASE_DB, ADDONS=addons_path(),
                  CUSTOMERS=customers)  # fmt: skip


def bench_imports(path, methods):
    results = {}
    for method in methods:
        db = f"dso_imp_bench_{method}"
        run(["dropdb", "--if-exists", db])
        run(["createdb", "-T", BASE_DB, db])
        result = python_script(
            IMPORT_SCRIPT, DB=db, ADDONS=addons_path(), PATH=path, METHOD=method
        )
        result["rate"] = result["contacts_added"] / result["seconds"]
        results[method] = result
        print(
            f"{method:18} {result['contacts_added']:7d} contacts in {result['seconds']:8.1f} s"
            f" = {result['rate']:8.1f} rows/s, peak RSS {result['peak_rss_mb']:6.0f} MB"
            f"   {result}",
            flush=True,
        )
    return results


def make_big_csv(rows):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, f"big_{rows}.csv")
    if not os.path.exists(path):
        with open(path, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file, delimiter=";")
            writer.writerow(["Customer code", "Contact name", "Email", "Phone", "Mobile"])
            for index in range(rows):
                writer.writerow(
                    [f"C{index % 5000:05d}", f"Contact number {index}",
                     f"contact{index}@example.com", "01 23 45 67 89", "06 12 34 56 78"]
                )  # fmt: skip
    return path


def make_big_xlsx(rows):
    import openpyxl

    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, f"big_{rows}.xlsx")
    if not os.path.exists(path):
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Contacts")
        sheet.append(["Customer code", "Contact name", "Email", "Phone", "Mobile"])
        for index in range(rows):
            sheet.append(
                [f"C{index % 5000:05d}", f"Contact number {index}",
                 f"contact{index}@example.com", 33123456789, 612345678]
            )  # fmt: skip
        workbook.save(path)
    return path


def bench_memory():
    results = {}
    for label, path in (
        ("csv_1000000", make_big_csv(1_000_000)),
        ("xlsx_200000", make_big_xlsx(200_000)),
    ):
        result = python_script(READ_SCRIPT, REPO=REPO, PATH=path)
        results[label] = result
        print(
            f"read {label:12} {result['rows']:8d} rows, file {result['file_mb']:6.1f} MB, "
            f"{result['seconds']:6.1f} s, peak RSS {result['peak_rss_mb']:6.1f} MB "
            f"(interpreter at start {result['start_rss_mb']:.1f} MB)",
            flush=True,
        )
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument(
        "--methods", default=",".join(METHODS), help="among " + ", ".join(METHODS)
    )
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--memory-only", action="store_true")
    args = parser.parse_args()
    if args.memory_only:
        bench_memory()
        return
    path = make_files(args.rows, args.customers)
    print(f"contacts file: {path} ({args.rows} rows, {args.customers} customers)", flush=True)
    started = time.perf_counter()
    prepare_base(args.customers)
    print(
        f"base database {BASE_DB} ready in {time.perf_counter() - started:.0f} s", flush=True
    )
    methods = [method for method in args.methods.split(",") if method in METHODS]
    try:
        results = bench_imports(path, methods)
    finally:
        if not args.keep:
            for db in [BASE_DB, *(f"dso_imp_bench_{m}" for m in METHODS)]:
                run(["dropdb", "--if-exists", db])
    rates = {method: result["rate"] for method, result in results.items()}
    for ours in ("wizard", "background_job"):
        for theirs, target in (
            ("odoo_import_xmlid", 5),
            ("odoo_import_name", 20),
            ("bare_create", 1),
        ):
            if ours in rates and theirs in rates:
                print(f"{ours} / {theirs} = {rates[ours] / rates[theirs]:6.1f}x"
                      f"   (target >= {target}x)")  # fmt: skip
    if "wizard_orm" in results:
        orm = results["wizard_orm"]
        share = orm["orm_seconds"] / orm["seconds"]
        print(f"wizard_orm: {orm['orm_seconds']:.1f} s of {orm['seconds']:.1f} s "
              f"({share:.0%}) in res.partner.create() and its flush")  # fmt: skip
        for theirs in ("odoo_import_xmlid", "odoo_import_name"):
            if theirs in results:
                ceiling = results[theirs]["seconds"] / orm["orm_seconds"]
                print(f"  ceiling through the ORM vs {theirs}: {ceiling:.1f}x "
                      f"(the import's own work taken to zero)")  # fmt: skip
    if not args.skip_memory:
        bench_memory()


if __name__ == "__main__":
    main()
