"""Re-take the README's screenshots from the demo database, in Chromium.

    python3 bench/screenshots.py [--db dso_contacts_shots] [--port 8099] [--keep] [--reuse]

Installs the addon with its demo data on a fresh database, starts Odoo on it,
and drives Debian's Chromium with playwright-core (npm, installed into
bench/.node on first use; no browser download) through bench/screenshots.mjs:
each screen of the README's "Screenshots" section is written to
dso_contacts/static/description/. The database is dropped after (--keep);
--reuse takes the pictures on a database kept before, without installing again.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request

from benchlib import HERE, REPO, default_addons_path, odoo_src, run

NODE_DIR = os.path.join(HERE, ".node")
OUT = os.path.join(REPO, "dso_contacts", "static", "description")


def psql(db, sql):
    return subprocess.run(
        ["psql", "-d", db, "-Atc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def xmlid(db, name):
    return int(
        psql(
            db,
            "SELECT res_id FROM ir_model_data"
            f" WHERE module = 'dso_contacts' AND name = '{name}'",
        )
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="dso_contacts_shots")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="a database kept before")
    args = parser.parse_args()
    if not os.path.exists(os.path.join(NODE_DIR, "node_modules", "playwright-core")):
        os.makedirs(NODE_DIR, exist_ok=True)
        run(["npm", "install", "--prefix", NODE_DIR, "--no-save", "playwright-core@1"])
    odoo_bin = [sys.executable, os.path.join(odoo_src(), "odoo-bin")]
    base = ["--addons-path", default_addons_path(), "-d", args.db, f"--db-filter=^{args.db}$"]
    if not args.reuse:
        run(["dropdb", "--if-exists", args.db])
        run([*odoo_bin, *base, "-i", "dso_contacts", "--stop-after-init", "--log-level=warn"])
    brightwater = xmlid(args.db, "demo_customer_brightwater")
    lumiere = xmlid(args.db, "demo_customer_lumiere")
    access = psql(
        args.db,
        f"SELECT id, access_token FROM dso_customer_access WHERE partner_id = {lumiere}",
    ).split("|")
    ids = {
        "lumiere": lumiere,
        "brightwater": brightwater,
        "key_plan": xmlid(args.db, "demo_plan_key_accounts"),
        # the final notice, escalated to the financial director
        "escalated_reminder": int(
            psql(
                args.db,
                "SELECT r.id FROM dso_reminder r JOIN dso_reminder_recipient x"
                f" ON x.reminder_id = r.id WHERE r.partner_id = {brightwater}"
                " ORDER BY r.id DESC LIMIT 1",
            )
        ),
        "dispute": xmlid(args.db, "demo_dispute_nordwind"),
        "bounced_reminder": int(
            psql(
                args.db,
                "SELECT id FROM dso_reminder WHERE email_bounced AND partner_id = "
                f"{xmlid(args.db, 'demo_customer_harbour')} ORDER BY id LIMIT 1",
            )
        ),
        "import_file": os.path.join(
            REPO, "dso_contacts", "tests", "samples", "contacts_fr_cp1252_semicolon.csv"
        ),
        "page_url": f"/my/dso/{access[0]}?access_token={access[1]}",
    }
    ids_file = os.path.join(NODE_DIR, "ids.json")
    with open(ids_file, "w", encoding="utf-8") as handle:
        json.dump(ids, handle)
    server = subprocess.Popen(
        [*odoo_bin, *base, f"--http-port={args.port}", "--http-interface=127.0.0.1",
         "--log-level=warn", "--max-cron-threads=0"]
    )  # fmt: skip
    url = f"http://127.0.0.1:{args.port}"
    try:
        for _attempt in range(120):
            try:
                urllib.request.urlopen(f"{url}/web/login", timeout=5)
                break
            except OSError:
                time.sleep(1)
        env = dict(os.environ, NODE_PATH=os.path.join(NODE_DIR, "node_modules"))
        run(["node", os.path.join(HERE, "screenshots.mjs"), url, OUT, ids_file], env=env)
    finally:
        server.terminate()
        server.wait()
        if not (args.keep or args.reuse):
            run(["dropdb", "--if-exists", args.db])


if __name__ == "__main__":
    main()
