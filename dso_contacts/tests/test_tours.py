from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCollectionContactTour(HttpCase):
    def test_accountant_sets_contact_for_collection_tour(self):
        new_test_user(
            self.env,
            login="dso_tour_accountant",
            groups="base.group_user,base.group_partner_manager,account.group_account_invoice",
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Customer SA", "is_company": True, "customer_rank": 1}
        )
        self.start_tour(
            "/odoo/action-account.res_partner_action_customer",
            "dso_contacts_collection_contact",
            login="dso_tour_accountant",
        )
        sophie = customer.child_ids.filtered(lambda c: c.name == "Sophie Tour")
        self.assertEqual(customer.collection_contact_id, sophie)
        self.assertEqual(sophie.contact_role_id.code, "financial_director")
