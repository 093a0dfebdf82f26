from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon


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


@tagged("post_install", "-at_install")
class TestContactImportTour(HttpCase):
    def test_accountant_imports_contacts_file_tour(self):
        new_test_user(
            self.env,
            login="dso_tour_importer",
            groups="base.group_user,base.group_partner_manager,account.group_account_invoice",
        )
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Import SARL",
                "is_company": True,
                "ref": "TOUR01",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        self.start_tour(
            "/odoo/action-account.res_partner_action_customer",
            "dso_contacts_import",
            login="dso_tour_importer",
        )
        self.assertEqual(
            sorted(customer.child_ids.mapped("name")), ["Marie Dupont", "Paul Martin"]
        )
        marie = customer.child_ids.filtered(lambda c: c.name == "Marie Dupont")
        self.assertEqual(customer.collection_contact_id, marie)
        self.assertEqual(marie.mobile, "+33612345678")


@tagged("post_install", "-at_install")
class TestManualReminderTour(AccountTestInvoicingHttpCommon):
    def test_accountant_sends_manual_reminder_with_preview_tour(self):
        company = self.company_data["company"]
        new_test_user(
            self.env,
            login="dso_tour_reminder",
            groups="base.group_user,base.group_partner_manager,account.group_account_invoice",
            company_id=company.id,
            company_ids=[company.id],
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Reminder SA", "is_company": True, "company_id": company.id}
        )
        payer = self.env["res.partner"].create(
            {
                "name": "Tour Payer",
                "parent_id": customer.id,
                "email": "payer@tour-reminder.example.com",
                "is_collection_contact": True,
            }
        )
        invoice = self.init_invoice(
            "out_invoice",
            partner=customer,
            invoice_date=fields.Date.today() - timedelta(days=20),
            amounts=[300.0],
            post=True,
        )
        self.start_tour(
            f"/odoo/action-account.res_partner_action_customer/{customer.id}",
            "dso_contacts_manual_reminder",
            login="dso_tour_reminder",
        )
        reminder = self.env["dso.reminder"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.move_ids, invoice)
        self.assertIn(payer, reminder.recipient_ids)
        self.assertTrue(
            self.env["mail.mail"].search([("recipient_ids", "in", payer.ids)]),
            "the reminder email is queued for the contact for collection",
        )
