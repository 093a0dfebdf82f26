# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Contacts for Collection",
    "summary": "Customer contacts, contact for collection, contact imports "
    "and automatic payment reminders by email and SMS",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "dso_contacts developers",
    "website": "https://github.com/dso-contacts/dso_contacts",
    "license": "LGPL-3",
    "depends": ["account", "sms"],
    "external_dependencies": {"python": ["phonenumbers", "openpyxl", "xlrd"]},
    "data": [
        "security/dso_contacts_groups.xml",
        "security/ir.model.access.csv",
        "security/dso_contact_import_security.xml",
        "data/dso_contact_role_data.xml",
        "views/dso_contact_role_views.xml",
        "views/res_partner_views.xml",
        "data/dso_contact_import_cron_data.xml",
        "views/dso_import_mapping_views.xml",
        "views/dso_contact_import_job_views.xml",
        "wizards/dso_contact_import_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "dso_contacts/static/src/**/*",
        ],
        "web.assets_tests": [
            "dso_contacts/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": False,
}
