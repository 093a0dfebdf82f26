from odoo.tests import HttpCase, new_test_user, tagged

from .common import DsoContactsCommon


@tagged("post_install", "-at_install")
class TestQuickSearch(DsoContactsCommon):
    def test_quick_search_returns_customer_with_matching_contact(self):
        results = (
            self.env["res.partner"].with_user(self.billing_user).dso_quick_search("0612345678")
        )
        self.assertEqual([r["id"] for r in results], [self.customer.id])
        (result,) = results
        self.assertEqual(result["ref"], "C1001")
        self.assertEqual(
            [(c["name"], c["role"], c["detail"]) for c in result["contacts"]],
            [("Hugo Bernard", "Purchaser", "06 12 34 56 78")],
        )

    def test_quick_search_by_email_and_by_customer_name(self):
        Partner = self.env["res.partner"].with_user(self.billing_user)
        by_email = Partner.dso_quick_search("claire.martin@lumiere")
        self.assertEqual(by_email[0]["contacts"][0]["name"], "Claire Martin")
        by_name = Partner.dso_quick_search("Lumière Distrib")
        self.assertEqual(by_name[0]["id"], self.customer.id)

    def test_quick_search_ignores_too_short_terms(self):
        self.assertEqual(self.env["res.partner"].dso_quick_search(" a "), [])

    def test_quick_search_respects_companies(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        user_b = new_test_user(
            self.env,
            login="dso_qs_user_b",
            groups="base.group_user,account.group_account_invoice",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        self.customer.company_id = self.company
        self.assertEqual(self.accountant.company_id, self.company)
        self.assertFalse(
            self.env["res.partner"].with_user(user_b).dso_quick_search("Claire Martin")
        )


@tagged("post_install", "-at_install")
class TestQuickSearchTour(HttpCase):
    def test_systray_quick_search_tour(self):
        self.env.company.country_id = self.env.ref("base.fr")
        customer = self.env["res.partner"].create(
            {
                "name": "Quick Search Customer",
                "is_company": True,
                "country_id": self.env.ref("base.fr").id,
            }
        )
        self.env["res.partner"].create(
            {
                "name": "Hugo Quick",
                "parent_id": customer.id,
                "mobile": "06 12 34 56 78",
                "contact_role_id": self.env.ref("dso_contacts.contact_role_purchaser").id,
            }
        )
        self.start_tour("/odoo", "dso_contacts_quick_search", login="admin")
