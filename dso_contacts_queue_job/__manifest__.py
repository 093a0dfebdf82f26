# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Contacts for Collection - Job Queue",
    "summary": "Large contact imports and reminder runs spread over the Odoo "
    "workers with queue_job",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "dso_contacts developers",
    "website": "https://github.com/dso-contacts/dso_contacts",
    "license": "LGPL-3",
    "depends": ["dso_contacts", "queue_job"],
    "data": [
        "security/ir.model.access.csv",
        "data/queue_job_data.xml",
    ],
    "installable": True,
    "auto_install": True,
}
