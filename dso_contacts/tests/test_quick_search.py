from unittest.mock import patch

from odoo.tests import BaseCase, HttpCase, tagged
from odoo.tools import SQL

from ..tools import partner_search
from .common import DsoContactsCommon, company_user


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

    def test_quick_search_two_characters_find_whole_and_starting_names(self):
        """A two-character name (common in Chinese) is found from the second
        character typed; two characters find the names and emails that start
        with them, not those that merely contain them."""
        Partner = self.env["res.partner"]
        wang = Partner.create({"name": "王伟", "parent_id": self.customer.id})
        li_na = Partner.create({"name": "Li Na", "parent_id": self.customer.id})
        Partner.create({"name": "Charlie Dubois", "parent_id": self.customer.id})
        Partner = Partner.with_user(self.billing_user)
        (result,) = Partner.dso_quick_search("王伟")
        self.assertEqual(result["id"], self.customer.id)
        self.assertEqual([c["id"] for c in result["contacts"]], [wang.id])
        results = {r["id"]: r for r in Partner.dso_quick_search("li")}
        self.assertEqual(
            [c["name"] for c in results[self.customer.id]["contacts"]], [li_na.name]
        )

    def test_quick_search_respects_companies(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        user_b = company_user(
            self.env,
            company_b,
            "dso_qs_user_b",
            "base.group_user,account.group_account_invoice",
        )
        self.customer.company_id = self.company
        self.assertEqual(self.accountant.company_id, self.company)
        self.assertFalse(
            self.env["res.partner"].with_user(user_b).dso_quick_search("Claire Martin")
        )

    def _customer_with_contact(self, customer_name, contact_name, company=None, **vals):
        customer = self.env["res.partner"].create(
            {
                "name": customer_name,
                "is_company": True,
                "country_id": self.env.ref("base.fr").id,
                "company_id": (company or self.company).id,
            }
        )
        contact = self._create_contact(contact_name, customer=customer, **vals)
        return customer, contact

    def _quick_search_ids(self, term, user=None):
        partners = self.env["res.partner"].with_user(user or self.billing_user)
        return [result["id"] for result in partners.dso_quick_search(term)]

    def test_quick_search_puts_exact_matches_before_partial_ones(self):
        prefix_customer, _contact = self._customer_with_contact(
            "Prefix SA", "Anne Rivière-Haute", is_collection_contact=True
        )
        exact_customer, _contact = self._customer_with_contact("Exact SA", "Anne Rivière")
        self.assertEqual(
            self._quick_search_ids("anne rivière"), [exact_customer.id, prefix_customer.id]
        )
        exact_email, _contact = self._customer_with_contact(
            "Mail SA", "Paul Mail", email="info@riviere.example.com"
        )
        partial_email, _contact = self._customer_with_contact(
            "Other Mail SA", "Jo Mail", email="sales.info@riviere.example.com"
        )
        self.assertEqual(
            self._quick_search_ids("info@riviere.example.com")[:1], [exact_email.id]
        )
        self.assertIn(partial_email.id, self._quick_search_ids("info@riviere"))

    def test_quick_search_puts_contacts_for_collection_first(self):
        other, _contact = self._customer_with_contact("Alpha SA", "Paul Vasseur-Noé")
        payer, _contact = self._customer_with_contact(
            "Beta SA", "Léa Vasseur-Noé", is_collection_contact=True
        )
        self.assertEqual(self._quick_search_ids("asseur-no"), [payer.id, other.id])
        # within a customer, the contact for collection comes first too
        self._create_contact("Marc Vasseur-Noé", customer=payer)
        (result,) = [
            r
            for r in self.env["res.partner"]
            .with_user(self.billing_user)
            .dso_quick_search("asseur-no")
            if r["id"] == payer.id
        ]
        self.assertEqual(result["contacts"][0]["name"], "Léa Vasseur-Noé")
        self.assertEqual(len(result["contacts"]), 2)

    def test_quick_search_user_of_company_b_sees_company_b_contacts_only(self):
        company_b = self.env["res.company"].create(
            {"name": "Company B", "country_id": self.env.ref("base.fr").id}
        )
        user_b = company_user(
            self.env,
            company_b,
            "dso_qs_user_b2",
            "base.group_user,account.group_account_invoice",
        )
        self.customer.company_id = self.company
        customer_b, _contact = self._customer_with_contact(
            "Lumière B",
            "Claire Martin",
            company=company_b,
            email="claire.martin@b.example.com",
            mobile="06 12 34 56 78",
        )
        for term in ("Claire Martin", "claire.martin@", "0612345678", "+33 6 12 34 56 78"):
            with self.subTest(term=term):
                self.assertEqual(self._quick_search_ids(term, user=user_b), [customer_b.id])
                self.assertIn(self.customer.id, self._quick_search_ids(term))
                self.assertNotIn(customer_b.id, self._quick_search_ids(term))

    def test_search_countries_are_kept_between_searches(self):
        Partner = self.env["res.partner"].with_user(self.billing_user)
        Partner.dso_quick_search("06 12 34 56 78")
        with patch.object(
            type(self.env.cr), "execute", autospec=True, side_effect=type(self.env.cr).execute
        ) as execute:
            Partner.dso_quick_search("01 23 45 67 89")
        grouped = [call for call in execute.call_args_list if "GROUP BY" in str(call.args[1])]
        self.assertFalse(grouped, "the countries of the customers are not grouped again")

    def test_search_countries_learn_a_new_customer_country(self):
        self.env["res.partner"].dso_quick_search("06 12 34 56 78")  # fills the cache
        customer, _contact = self._customer_with_contact(
            "Kunde GmbH", "Jonas Weber", mobile="0151 23456789"
        )
        customer.country_id = self.env.ref("base.de")
        self.assertEqual(_contact.dso_phone_search, "+4915123456789")
        self.assertEqual(self._quick_search_ids("0151 2345 6789"), [customer.id])


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


@tagged("post_install", "-at_install")
class TestPartnerSearchSql(BaseCase):
    """The SQL builders of the searches, without a database."""

    def test_list_search_tier_follows_the_operator_and_the_length(self):
        self.assertEqual(partner_search.list_search_tier("=", "ab"), "exact")
        self.assertEqual(partner_search.list_search_tier("=ilike", "abcdef"), "exact")
        self.assertEqual(partner_search.list_search_tier("ilike", "ab"), "prefix")
        self.assertEqual(partner_search.list_search_tier("ilike", "abc"), "contains")

    def test_email_is_looked_for_in_emails_only_and_by_its_local_part(self):
        columns = {"name": SQL.identifier("p", "name"), "email": SQL.identifier("p", "email")}
        email = "claire@lumiere.fr"
        (condition,) = partner_search.match_conditions(email, "contains", columns)
        self.assertEqual(
            condition.code,
            '"p"."email" ILIKE %s AND ("p"."email" || \'\') ILIKE %s',
        )
        self.assertEqual(condition.params, ["%claire%", "%claire@lumiere.fr%"])
        # a number: one more condition on the array of E.164 numbers
        conditions = partner_search.match_conditions(
            "0612345678",
            "exact",
            columns,
            phones=SQL.identifier("p", "dso_phone_search"),
            numbers=["+33612345678"],
        )
        self.assertEqual(len(conditions), 3)
        self.assertEqual(conditions[0].params, [["+33612345678"]])
        # a starting match escapes the wildcards typed
        (name, _email) = partner_search.match_conditions("50%_", "prefix", columns)
        self.assertEqual(name.params, ["50\\%\\_%"])

    def test_rows_ranked_collection_contacts_first_then_oldest(self):
        rows = [(9, False), (7, True), (3, False), (8, True)]
        self.assertEqual(
            partner_search.rank_rows(rows), [(7, True), (8, True), (3, False), (9, False)]
        )
