"""How ``odoo_export_customers.xlsx`` and ``odoo_export_customers_compat.csv``
were made (run by hand against a running Odoo with dso_contacts installed;
the files are committed, the tests need no server):

    python3 make_odoo_export.py http://127.0.0.1:8069 DATABASE admin admin

Odoo's own export writes them: the customers are exported by the web
client's export controllers (``/web/export/xlsx``, ``/web/export/csv``),
logged in as the user, with the column labels the export dialog gives (the
field strings) or, "import-compatible", the field names.
"""

import json
import re
import sys
import xmlrpc.client

import requests

CUSTOMERS = [
    ("E001", "Alpha Trading", "Key accounts"),
    ("E002", "Bêta SARL", "Clients privilégiés"),
    ("E003", "Gamma GmbH", None),
    ("E004", "Delta Ltd", "Standard"),
]
FIELDS = ["name", "ref", "email", "country_id", "dso_reminder_plan_id"]


def main(url, db, login, password):
    uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(
        db, login, password, {}
    )
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kwargs):
        return models.execute_kw(db, uid, password, model, method, list(args), kwargs)

    plans = {}
    for name in {plan for _ref, _name, plan in CUSTOMERS if plan}:
        found = call("dso.reminder.plan", "search", [("name", "=", name)])
        plans[name] = (
            found[0] if found else call("dso.reminder.plan", "create", {"name": name})
        )
    ids = []
    for ref, name, plan in CUSTOMERS:
        vals = {
            "name": name,
            "ref": ref,
            "is_company": True,
            "customer_rank": 1,
            "email": f"ap@{ref.lower()}.example.com",
            "country_id": call("res.country", "search", [("code", "=", "FR")])[0],
            "dso_reminder_plan_id": plans.get(plan, False),
        }
        found = call("res.partner", "search", [("ref", "=", ref)])
        if found:
            call("res.partner", "write", found, vals)
            ids += found
        else:
            ids.append(call("res.partner", "create", vals))
    labels = call("res.partner", "fields_get", FIELDS, attributes=["string"])

    session = requests.Session()
    page = session.get(f"{url}/web/login", params={"db": db}).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(
        f"{url}/web/login",
        data={"login": login, "password": password, "csrf_token": token, "db": db},
    ).raise_for_status()
    page = session.get(f"{url}/odoo").text
    token = re.search(r'csrf_token: "([^"]+)"', page).group(1)
    for kind, import_compat, target in [
        ("xlsx", False, "odoo_export_customers.xlsx"),
        ("csv", True, "odoo_export_customers_compat.csv"),
    ]:
        data = {
            "model": "res.partner",
            "fields": [{"name": f, "label": labels[f]["string"]} for f in FIELDS],
            "ids": ids,
            "domain": [],
            "groupby": [],
            "context": {"lang": "en_US"},
            "import_compat": import_compat,
        }
        response = session.post(
            f"{url}/web/export/{kind}", data={"data": json.dumps(data), "csrf_token": token}
        )
        response.raise_for_status()
        with open(target, "wb") as file:
            file.write(response.content)


if __name__ == "__main__":
    main(*sys.argv[1:5])
