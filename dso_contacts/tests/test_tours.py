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
            {
                "name": "Tour Customer SA",
                "is_company": True,
                "customer_rank": 1,
                "ref": "TOUR-C1",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        self.start_tour(
            "/odoo/action-account.res_partner_action_customer",
            "dso_contacts_collection_contact",
            login="dso_tour_accountant",
        )
        sophie = customer.child_ids.filtered(lambda c: c.name == "Sophie Tour")
        self.assertEqual(customer.collection_contact_id, sophie)
        self.assertEqual(sophie.contact_role_id.code, "financial_director")
        # added from the customers menu, she is no customer of her own
        self.assertEqual(sophie.customer_rank, 0)
        self.assertEqual(sophie.mobile, "+33612345678")


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
        jean = self.env["res.partner"].create(
            {"name": "Jean Moreau", "parent_id": customer.id, "is_collection_contact": True}
        )
        # the tour asserts what the dialog says after Test and after Import:
        # the counts, the rejected row's reason, the replaced contact for
        # collection, in sight at once
        self.start_tour(
            "/odoo/action-account.res_partner_action_customer",
            "dso_contacts_import",
            login="dso_tour_importer",
        )
        self.assertEqual(
            sorted(customer.child_ids.mapped("name")),
            ["Jean Moreau", "Marie Dupont", "Paul Martin"],
            "the row with a bad email address is rejected",
        )
        marie = customer.child_ids.filtered(lambda c: c.name == "Marie Dupont")
        self.assertEqual(customer.collection_contact_id, marie)
        self.assertFalse(jean.is_collection_contact)
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
            invoice_date=fields.Date.today() - timedelta(days=10),
            amounts=[300.0],
        )
        # 10 days late: the first reminder (5 days), by email only
        invoice.invoice_date_due = fields.Date.today() - timedelta(days=10)
        invoice.action_post()
        self.start_tour(
            f"/odoo/action-account.res_partner_action_customer/{customer.id}",
            "dso_contacts_manual_reminder",
            login="dso_tour_reminder",
        )
        reminder = self.env["dso.reminder"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.move_ids, invoice)
        self.assertEqual(reminder.level_id.days, 5)
        self.assertIn(payer, reminder.recipient_ids)
        self.assertEqual((reminder.email_status, reminder.state), ("outgoing", "sent"))
        self.assertTrue(
            self.env["mail.mail"].search([("recipient_ids", "in", payer.ids)]),
            "the reminder email is queued for the contact for collection",
        )

    def test_accountant_is_told_what_holds_the_reminder_tour(self):
        company = self.company_data["company"]
        user = new_test_user(
            self.env,
            login="dso_tour_held",
            groups="base.group_user,base.group_partner_manager,account.group_account_invoice",
            company_id=company.id,
            company_ids=[company.id],
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Held SA", "is_company": True, "company_id": company.id}
        )
        self.env["res.partner"].create(
            {
                "name": "Tour Held Payer",
                "parent_id": customer.id,
                "email": "payer@tour-held.example.com",
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
        self.env["dso.invoice.dispute"].with_user(user).create(
            {
                "move_id": invoice.id,
                "reason_id": self.env.ref("dso_contacts.dispute_reason_not_received").id,
            }
        )
        self.start_tour(
            f"/odoo/action-account.res_partner_action_customer/{customer.id}",
            "dso_contacts_manual_reminder_held",
            login="dso_tour_held",
        )
        self.assertFalse(self.env["dso.reminder"].search([("partner_id", "=", customer.id)]))


@tagged("post_install", "-at_install")
class TestCustomerPageTour(AccountTestInvoicingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.collector = new_test_user(
            cls.env,
            login="dso_tour_collector",
            name="Tour Collector",
            email="collector@tour.example.com",
            groups="base.group_user,base.group_partner_manager,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.company.dso_reminder_user_id = cls.collector
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Page SA", "is_company": True, "company_id": cls.company.id}
        )
        cls.payer = cls.env["res.partner"].create(
            {
                "name": "Tour Page Payer",
                "parent_id": cls.customer.id,
                "email": "payer@tour-page.example.com",
                "is_collection_contact": True,
            }
        )
        today = fields.Date.today()
        cls.invoices = cls.env["account.move"]
        for days, amount in ((40, 300.0), (35, 120.0)):
            cls.invoices |= cls.init_invoice(
                "out_invoice",
                partner=cls.customer,
                invoice_date=today - timedelta(days=days),
                amounts=[amount],
                post=True,
            )
        cls.invoices.invoice_date_due = today - timedelta(days=5)
        cls.invoices[1].invoice_date_due = today - timedelta(days=2)

    def test_customer_promises_and_disputes_from_the_page_tour(self):
        url = self.customer._dso_portal_url(self.company)
        self.start_tour(
            url.removeprefix(self.customer.get_base_url()), "dso_contacts_customer_page"
        )
        first, second = self.invoices.sorted("invoice_date_due")
        promise = first.dso_promise_ids
        self.assertEqual(len(promise), 1)
        self.assertEqual((promise.source, promise.state), ("page", "open"))
        self.assertEqual(promise.contact_id, self.payer)
        self.assertEqual(len(first.dso_dispute_ids), 1, "disputed after the promise")
        dispute = second.dso_dispute_ids
        self.assertEqual(len(dispute), 1)
        self.assertEqual(
            dispute.reason_id, self.env.ref("dso_contacts.dispute_reason_not_received")
        )
        self.assertEqual(dispute.attachment_ids.mapped("name"), ["delivery_note.txt"])
        self.assertTrue(
            second.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            ).blocked
        )

    def test_collector_records_phone_promise_tour(self):
        first, second = self.invoices.sorted("invoice_date_due")
        # partly paid: what is due is not the invoice's untaxed amount
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=first.ids
        ).create({"amount": 100.0})._create_payments()
        self.assertEqual(
            (first.amount_untaxed, first.amount_residual, second.amount_residual),
            (300.0, 200.0, 120.0),
        )
        self.start_tour(
            f"/odoo/action-account.res_partner_action_customer/{self.customer.id}",
            "dso_contacts_promise_backoffice",
            login="dso_tour_collector",
        )
        promise = self.env["dso.payment.promise"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(promise), 1)
        self.assertEqual((promise.source, promise.user_id), ("phone", self.collector))
        self.assertEqual(promise.contact_id, self.payer)
        self.assertEqual((promise.move_ids, promise.amount), (first, 200.0))


@tagged("post_install", "-at_install")
class TestBillingWalkTour(AccountTestInvoicingHttpCommon):
    """A Billing user walks issue 19's screens in a row: the customer's form,
    the contacts import, a manual reminder and the customer's page."""

    def test_billing_user_walks_form_import_send_and_page_tour(self):
        company = self.company_data["company"]
        company_b = self.setup_other_company(name="Walk Company B")["company"]
        # Contact Creation comes with every new internal user (base.default_user):
        # without it nobody adds a contact
        collector = new_test_user(
            self.env,
            login="dso_walk_billing",
            name="Walk Collector",
            email="collector@walk.example.com",
            groups="base.group_user,base.group_partner_manager,account.group_account_invoice",
            company_id=company.id,
            company_ids=[company.id],
        )
        company.dso_reminder_user_id = collector
        Partner = self.env["res.partner"]
        customer = Partner.create(
            {
                "name": "Walk Customer SA",
                "is_company": True,
                "customer_rank": 1,
                "ref": "WALK01",
                "country_id": self.env.ref("base.fr").id,
                "company_id": company.id,
            }
        )
        # no email: the banner says no reminder can reach him
        jean = Partner.create(
            {"name": "Jean Walk", "parent_id": customer.id, "is_collection_contact": True}
        )
        # the other company's customer of the same name and code: never shown,
        # never matched by the import
        other = Partner.create(
            {
                "name": "Walk Customer SA",
                "is_company": True,
                "customer_rank": 1,
                "ref": "WALK01",
                "country_id": self.env.ref("base.fr").id,
                "company_id": company_b.id,
            }
        )
        invoice = self.init_invoice(
            "out_invoice",
            partner=customer,
            invoice_date=fields.Date.today() - timedelta(days=10),
            amounts=[300.0],
        )
        # 10 days late: the first reminder (5 days), by email only
        invoice.invoice_date_due = fields.Date.today() - timedelta(days=10)
        invoice.action_post()
        # the customer's page exists (a link handed out before): the preview
        # shows its link, which the tour follows
        customer._dso_portal_url(company)

        self.start_tour(
            "/odoo/action-account.res_partner_action_customer",
            "dso_contacts_billing_walk",
            login="dso_walk_billing",
        )

        sophie, marie, paul = (
            customer.child_ids.filtered(lambda c, name=name: c.name == name)
            for name in ("Sophie Walk", "Marie Walk", "Paul Walk")
        )
        self.assertTrue(sophie and marie and paul)
        self.assertEqual((sophie | marie | paul | jean).mapped("customer_rank"), [0] * 4)
        self.assertEqual(customer.collection_contact_id, marie)
        self.assertFalse(other.child_ids, "the other company's customer is untouched")
        reminder = self.env["dso.reminder"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(reminder), 1)
        self.assertEqual((reminder.move_ids, reminder.level_id.days), (invoice, 5))
        self.assertEqual(reminder.recipient_ids, marie)
        self.assertEqual((reminder.email_status, reminder.state), ("outgoing", "sent"))
