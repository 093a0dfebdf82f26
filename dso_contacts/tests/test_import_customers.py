# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .import_common import DsoImportCommon


@tagged("post_install", "-at_install")
class TestImportCustomers(DsoImportCommon):
    def test_customers_import_creates_and_updates_customers(self):
        wizard = self._form_wizard("customers_en.csv", import_type="customers")
        self.assertEqual(
            wizard.line_ids.mapped("customer_field"),
            ["ref", "name", "street", "zip", "city", "country", "vat", "phone", "email",
             "contact_name"],
        )  # fmt: skip
        wizard.action_import()
        self.assertEqual(
            (wizard.created_count, wizard.updated_count, wizard.error_count), (1, 1, 2)
        )
        self.assertRecordValues(
            self.customer_fr,
            [
                {
                    "zip": "75002",
                    "vat": "FR12345678901",
                    "phone": "+33123456700",
                    "email": "ap@dupont.example.com",
                    "name": "Dupont Industries",
                }
            ],
        )
        new = self.partner_model.search([("ref", "=", "C100")])
        self.assertRecordValues(
            new,
            [
                {
                    "name": "Nouveau Client",
                    "is_company": True,
                    "customer_rank": 1,
                    "country_id": self.env.ref("base.fr").id,
                    "city": "Lyon",
                    "phone": "+33412345678",
                    "company_id": self.company.id,
                }
            ],
        )
        reasons = {row[0]: row[-1] for row in self._report_rows(wizard)[1:]}
        self.assertIn("customer name is missing", reasons["C101"])
        self.assertIn("not a valid email", reasons["C102"])
        self.assertFalse(self.partner_model.search([("ref", "in", ["C101", "C102"])]))

    def test_customers_import_sets_the_single_company_role_contact(self):
        by_hand = self.partner_model.create(
            {
                "name": "Hand Made",
                "parent_id": self.customer_fr.id,
                "email": "hand@x.example.com",
            }
        )
        self._wizard("customers_en.csv", import_type="customers").action_import()
        role = self._contacts(self.customer_fr).filtered("is_company_role")
        self.assertRecordValues(
            role,
            [
                {
                    "name": "Accounts payable",
                    "email": "ap@dupont.example.com",
                    "phone": "+33123456700",
                    "type": "contact",
                    "active": True,
                    "city": "Paris",
                }
            ],
        )
        new_role = self.partner_model.search([("ref", "=", "C100")]).child_ids
        self.assertEqual(new_role.name, "Nouveau Client", "no contact name: the customer's")
        self.assertTrue(new_role.is_company_role)
        # the next customers import replaces it; hand-made contacts are untouched
        wizard = self._wizard("customers_fr.xlsx", import_type="customers")
        wizard.action_import()
        self.assertEqual((wizard.updated_count, wizard.error_count), (1, 0))
        roles = self._contacts(self.customer_fr).filtered(
            lambda c: c.is_company_role and c.active
        )
        self.assertEqual(len(roles), 1)
        self.assertEqual(roles.name, "Service clients")
        self.assertEqual(roles.email, "ar@dupont.example.com")
        self.assertEqual(self.customer_fr.name, "Dupont Industries SA")
        self.assertEqual(by_hand.name, "Hand Made")
        self.assertTrue(by_hand.active)
        self.assertFalse(by_hand.is_company_role)

    def test_customers_import_without_contact_data_removes_company_role_contact(self):
        self._wizard("customers_en.csv", import_type="customers").action_import()
        role = self._contacts(self.customer_fr).filtered("is_company_role")
        data = self._csv([["Customer code", "Customer name"], ["C001", "Dupont Industries"]])
        self._wizard(data=data, import_type="customers").action_import()
        self.assertFalse(role.active)

    def test_customers_import_twice_changes_nothing(self):
        self._wizard("customers_en.csv", import_type="customers").action_import()
        count = self.partner_model.with_context(active_test=False).search_count([])
        again = self._wizard("customers_en.csv", import_type="customers")
        again.action_import()
        self.assertEqual(
            (again.created_count, again.updated_count, again.skipped_count), (0, 0, 2)
        )
        self.assertEqual(
            self.partner_model.with_context(active_test=False).search_count([]), count
        )

    def test_customers_dry_run_writes_nothing(self):
        count = self.partner_model.with_context(active_test=False).search_count([])
        wizard = self._wizard("customers_en.csv", import_type="customers")
        wizard.action_test()
        self.assertEqual(
            (wizard.created_count, wizard.updated_count, wizard.error_count), (1, 1, 2)
        )
        self.assertEqual(
            self.partner_model.with_context(active_test=False).search_count([]), count
        )
        self.assertFalse(self.customer_fr.vat)

    def test_customers_duplicate_codes_in_file_are_rejected(self):
        data = self._csv(
            [["Customer code", "Customer name"], ["C500", "First"], ["C500", "Second"]]
        )
        wizard = self._wizard(data=data, import_type="customers")
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (1, 1))
        self.assertEqual(self.partner_model.search([("ref", "=", "C500")]).name, "First")

    def test_company_role_contacts_stay_closed_to_hand_edits(self):
        self._wizard("customers_en.csv", import_type="customers").action_import()
        role = self._contacts(self.customer_fr).filtered("is_company_role")
        with self.assertRaises(AccessError):
            role.with_user(self.billing_user).write({"name": "Changed by hand"})
        with self.assertRaises(AccessError):
            self._wizard("customers_en.csv", import_type="customers", user=self.internal_user)
