# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The customers import's reminder plan column, with files the real tools
wrote: sheets typed in LibreOffice Calc (samples/make_tool_samples.py) and
Odoo's own export of customers (samples/make_odoo_export.py)."""

from odoo import Command
from odoo.tests import tagged

from .import_common import DsoImportCommon


@tagged("post_install", "-at_install")
class TestImportPlanColumn(DsoImportCommon):
    """Company A's plans Standard (its default), Key accounts and Clients
    privilégiés; company B's plans Key accounts (the same name) and Export
    Übersee. Peeters NV (C002) already follows Key accounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Plan = cls.env["dso.reminder.plan"]
        cls.standard = cls.company._dso_reminder_default_plan()
        cls.key = Plan.create({"name": "Key accounts", "company_id": cls.company.id})
        cls.privileged = Plan.create(
            {"name": "Clients privilégiés", "company_id": cls.company.id}
        )
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.plans_b = Plan.create(
            [
                {"name": "Key accounts", "company_id": cls.company_b.id},
                {"name": "Export Übersee", "company_id": cls.company_b.id},
            ]
        )
        cls.customer_be.dso_reminder_plan_id = cls.key
        # the Billing user may also work in company B: company A is the
        # current one, and company B's plans stay out of its imports
        cls.billing_user.company_ids = [Command.link(cls.company_b.id)]

    def _partners(self, refs):
        return self.partner_model.search([("ref", "in", refs)])

    def _check_plans_sheet(self, name):
        wizard = self._form_wizard(name, import_type="customers")
        self.assertEqual(
            wizard.line_ids.mapped("customer_field"), ["ref", "name", "reminder_plan"], name
        )
        self.assertFalse(wizard.missing_fields)
        counts = ("created_count", "updated_count", "skipped_count", "error_count")
        wizard.action_test()
        self.assertTrue(wizard.is_dry_run)
        tested = [wizard[count] for count in counts]
        self.assertEqual(tested, [3, 1, 1, 2], name)
        self.assertFalse(self.customer_fr.dso_reminder_plan_id, "the test wrote nothing")
        self.assertFalse(self._partners(["C100", "C101", "C104"]))
        wizard.action_import()
        self.assertEqual([wizard[count] for count in counts], tested, name)
        company = self.company.display_name
        self.assertEqual(
            wizard.result_summary["rejections"],
            [
                [5, f"The reminder plan Gold is not a plan of {company}."],
                [6, f"The reminder plan Export Übersee is not a plan of {company}."],
            ],
            name,
        )
        report = self._report_rows(wizard)
        self.assertEqual([row[0] for row in report[1:]], ["C102", "C103"])
        self.assertIn("Export Übersee is not a plan of", report[2][-1])
        # "KEY ACCOUNTS  ": company A's plan, not company B's of the same name
        self.assertEqual(self.customer_fr.dso_reminder_plan_id, self.key)
        new = {p.ref: p for p in self._partners(["C100", "C101", "C102", "C103", "C104"])}
        self.assertEqual(sorted(new), ["C100", "C101", "C104"])
        # in another case, with or without its accents
        self.assertEqual(new["C100"].dso_reminder_plan_id, self.privileged)
        self.assertEqual(new["C101"].dso_reminder_plan_id, self.privileged)
        # an empty cell sets no plan: the default is followed, a plan set stays
        self.assertFalse(new["C104"].dso_reminder_plan_id)
        self.assertEqual(new["C104"].dso_reminder_plan_followed_id, self.standard)
        self.assertEqual(self.customer_be.dso_reminder_plan_id, self.key)
        # no customer follows a plan of company B, in either company
        for company in self.company | self.company_b:
            self.assertFalse(
                self.partner_model.with_company(company).search(
                    [("dso_reminder_plan_id", "in", self.plans_b.ids)]
                ),
                company.name,
            )

    def test_plan_column_of_a_sheet_in_english_xlsx(self):
        self._check_plans_sheet("lo_plans_en.xlsx")

    def test_plan_column_of_a_sheet_in_french_xls(self):
        self._check_plans_sheet("lo_plans_fr.xls")

    def test_plan_column_of_a_sheet_in_french_windows_csv(self):
        self._check_plans_sheet("lo_plans_fr_cp1252.csv")

    def test_plan_column_of_a_sheet_in_german_ods(self):
        self._check_plans_sheet("lo_plans_de.ods")

    def test_plan_column_of_a_sheet_in_spanish_xlsx(self):
        self._check_plans_sheet("lo_plans_es.xlsx")

    def test_odoo_export_of_customers_imports_back_with_their_plans(self):
        wizard = self._form_wizard("odoo_export_customers.xlsx", import_type="customers")
        self.assertEqual(
            wizard.line_ids.mapped("customer_field"),
            ["name", "ref", "email", "country", "reminder_plan"],
        )
        wizard.action_test()
        self.assertEqual((wizard.created_count, wizard.error_count), (4, 0))
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (4, 0))
        customers = {p.ref: p for p in self._partners(["E001", "E002", "E003", "E004"])}
        self.assertEqual(customers["E001"].dso_reminder_plan_id, self.key)
        self.assertEqual(customers["E002"].dso_reminder_plan_id, self.privileged)
        self.assertEqual(customers["E002"].name, "Bêta SARL")
        self.assertFalse(customers["E003"].dso_reminder_plan_id)
        self.assertEqual(customers["E004"].dso_reminder_plan_id, self.standard)
        self.assertEqual(customers["E004"].country_id, self.env.ref("base.fr"))
        # the same customers exported "import-compatible" (field names as
        # headers): recognised, and nothing to change
        again = self._form_wizard("odoo_export_customers_compat.csv", import_type="customers")
        self.assertEqual(
            again.line_ids.mapped("customer_field"),
            ["name", "ref", "email", "country", "reminder_plan"],
        )
        again.action_import()
        self.assertEqual(
            (again.created_count, again.updated_count, again.skipped_count, again.error_count),
            (0, 0, 4, 0),
        )

    def test_plan_name_two_plans_share_is_refused_not_guessed(self):
        self.env["dso.reminder.plan"].create(
            {"name": "KEY-ACCOUNTS", "company_id": self.company.id}
        )
        wizard = self._form_wizard("lo_plans_en.xlsx", import_type="customers")
        wizard.action_import()
        self.assertEqual((wizard.updated_count, wizard.error_count), (0, 3))
        self.assertEqual(
            wizard.result_summary["rejections"][0],
            [
                2,
                f"Several reminder plans of {self.company.display_name} are named "
                "KEY ACCOUNTS: give each plan a name of its own.",
            ],
        )
        self.assertFalse(self.customer_fr.dso_reminder_plan_id)
