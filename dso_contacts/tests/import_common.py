# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import csv
import io

from odoo.tests import Form, TransactionCase, new_test_user
from odoo.tools import file_open

SAMPLES = "dso_contacts/tests/samples/"


class DsoImportCommon(TransactionCase):
    """Customers C001 (France), C002 (Belgium) and C003 (no country), a
    Billing user (the lowest accounting rights) and a plain internal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.fr")
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.billing_user = new_test_user(
            cls.env,
            login="dso_import_billing",
            groups="base.group_user,base.group_partner_manager,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.internal_user = new_test_user(
            cls.env,
            login="dso_import_internal",
            groups="base.group_user,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.partner_model = cls.env["res.partner"]
        cls.customer_fr = cls.partner_model.create(
            {
                "name": "Dupont Industries",
                "is_company": True,
                "ref": "C001",
                "country_id": cls.env.ref("base.fr").id,
                "street": "12 rue de la Paix",
                "city": "Paris",
                "customer_rank": 1,
            }
        )
        cls.customer_be = cls.partner_model.create(
            {
                "name": "Peeters NV",
                "is_company": True,
                "ref": "C002",
                "country_id": cls.env.ref("base.be").id,
                "customer_rank": 1,
            }
        )
        cls.customer_none = cls.partner_model.create(
            {"name": "Yamada KK", "is_company": True, "ref": "C003", "customer_rank": 1}
        )
        cls.role_accountant = cls.env.ref("dso_contacts.contact_role_accountant")
        cls.role_purchaser = cls.env.ref("dso_contacts.contact_role_purchaser")

    @staticmethod
    def _sample(name):
        with file_open(SAMPLES + name, "rb") as file:
            return file.read()

    def _wizard(self, name=None, data=None, import_type="contacts", user=None, **vals):
        """A wizard created headless, as from a shell or RPC."""
        data = self._sample(name) if data is None else data
        return (
            self.env["dso.contact.import"]
            .with_user(user or self.billing_user)
            .create(
                {
                    "import_file": base64.b64encode(data),
                    "import_filename": name or "file.csv",
                    "import_type": import_type,
                    **vals,
                }
            )
        )

    def _form_wizard(self, name, import_type="contacts", user=None, data=None):
        """A wizard filled through its form and read (Continue), as the user does."""
        # the file's name comes with the file, as the upload button gives it
        # (the name field itself is invisible)
        form = Form(
            self.env["dso.contact.import"]
            .with_user(user or self.billing_user)
            .with_context(default_import_filename=name)
        )
        form.import_type = import_type
        form.import_file = base64.b64encode(self._sample(name) if data is None else data)
        self.assertEqual(form.state, "upload")
        wizard = form.save()
        wizard.action_load()
        self.assertEqual(wizard.state, "mapping")
        return wizard

    @staticmethod
    def _csv(rows, delimiter=","):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter).writerows(rows)
        return buffer.getvalue().encode()

    @staticmethod
    def _report_rows(wizard):
        text = base64.b64decode(wizard.report_file).decode("utf-8-sig")
        delimiter = (
            ";"
            if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",")
            else ","
        )
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))

    def _contacts(self, customer):
        return customer.with_context(active_test=False).child_ids
