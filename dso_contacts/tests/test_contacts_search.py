from odoo.tests import tagged

from .common import DsoContactsCommon, company_user


@tagged("post_install", "-at_install")
class TestContactSearch(DsoContactsCommon):
    def _search_customers(self, term, user=None):
        partners = self.env["res.partner"].with_user(user or self.billing_user)
        return partners.search([("dso_contact_search", "ilike", term)])

    def test_search_by_contact_name_finds_customer(self):
        self.assertIn(self.customer, self._search_customers("Claire Mart"))

    def test_search_by_two_characters_finds_names_that_start_with_them(self):
        found = self._search_customers("cl")
        self.assertIn(self.customer, found, "Claire Martin")
        self.assertIn(self.accountant, found)
        self.assertNotIn(self.customer, self._search_customers("ai"), "no 'contains' under 3")
        self.assertIn(self.customer, self._search_customers("air"), "from 3 on, it does")

    def test_search_by_contact_email_finds_customer(self):
        self.assertIn(self.customer, self._search_customers("hugo.bernard@lumiere"))

    def test_search_by_phone_in_every_common_format(self):
        # Claire's phone was typed "+33 1 23 45 67 89"
        for typed in (
            "+33 1 23 45 67 89",
            "01.23.45.67.89",
            "0123456789",
            "0033123456789",
            "01 23 45 67 89",
            "+33123456789",
        ):
            with self.subTest(typed=typed):
                found = self._search_customers(typed)
                self.assertIn(self.customer, found)
                self.assertIn(self.accountant, found)

    def test_search_by_mobile_stored_in_national_format(self):
        # Hugo's mobile was typed "06 12 34 56 78": read in the customer's country
        self.assertEqual(self.purchaser.dso_phone_search, "+33612345678")
        for typed in ("+33 6 12 34 56 78", "0033612345678", "06.12.34.56.78"):
            with self.subTest(typed=typed):
                self.assertIn(self.customer, self._search_customers(typed))

    def test_national_number_read_in_customers_country(self):
        # the user's company is Belgian, the customer French: "06 12 34 56 78"
        # is still read as a French number
        self.company.country_id = self.env.ref("base.be")
        self.assertIn(self.customer, self._search_customers("06 12 34 56 78"))

    def test_phone_of_contact_read_in_its_own_country(self):
        # a contact's address follows its customer's, unless it is an address of its own
        belgian = self._create_contact(
            "Lotte Peeters",
            type="other",
            phone="02 123 45 67",
            country_id=self.env.ref("base.be").id,
        )
        self.assertEqual(belgian.dso_phone_search, "+3221234567")
        self.assertIn(self.customer, self._search_customers("+32 2 123 45 67"))

    def test_search_by_other_number_finds_nothing(self):
        self.assertNotIn(self.customer, self._search_customers("+33 9 99 99 99 99"))

    def test_customer_list_search_view_filter_finds_customer(self):
        # the filter_domain of the search view's default field, as the list uses it
        domain = [
            "|",
            "|",
            ("complete_name", "ilike", "06 12 34 56 78"),
            ("ref", "ilike", "06 12 34 56 78"),
            ("dso_contact_search", "ilike", "06 12 34 56 78"),
        ]
        found = self.env["res.partner"].with_user(self.billing_user).search(domain)
        self.assertIn(self.customer, found)

    def test_search_respects_companies(self):
        company_b = self.env["res.company"].create(
            {"name": "Company B", "country_id": self.env.ref("base.fr").id}
        )
        user_b = company_user(
            self.env, company_b, "dso_user_b", "base.group_user,account.group_account_invoice"
        )
        customer_a = self.env["res.partner"].create(
            {"name": "Customer of A", "is_company": True, "company_id": self.company.id}
        )
        contact_a = self._create_contact(
            "Zoé Private", customer=customer_a, email="zoe@private.example.com"
        )
        self.assertEqual(contact_a.company_id, self.company)
        self.assertIn(customer_a, self._search_customers("Zoé Private"))
        self.assertFalse(self._search_customers("Zoé Private", user=user_b))
        self.assertFalse(self._search_customers("zoe@private", user=user_b))
        self.assertFalse(
            self.env["res.partner"].with_user(user_b).search([("name", "=", "Zoé Private")])
        )
