from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from .common import company_user


@tagged("post_install", "-at_install")
class TestTours(AccountTestInvoicingHttpCommon):
    """A Billing user's screens in the browser: the contact for collection
    set on the form, a contacts file imported, a manual reminder, the
    customer's page, a promise taken by phone, and all of it in a row. Each
    tour makes its own customer; they share the company and its collector."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        # Contact Creation comes with every new internal user (base.default_user):
        # without it nobody adds a contact
        cls.collector = company_user(
            cls.env,
            cls.company,
            "dso_tour_collector",
            "base.group_user,base.group_partner_manager,account.group_account_invoice",
            name="Tour Collector",
            email="collector@tour.example.com",
        )
        cls.company.dso_reminder_user_id = cls.collector

    @classmethod
    def _customer(cls, name, payer=None, email=False, company=None, **vals):
        """A customer of ``company`` (the tours'), and its contact for
        collection ``payer`` when given."""
        customer = cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "company_id": (company or cls.company).id,
                **vals,
            }
        )
        if not payer:
            return customer, cls.env["res.partner"]
        contact = cls.env["res.partner"].create(
            {
                "name": payer,
                "parent_id": customer.id,
                "email": email,
                "is_collection_contact": True,
            }
        )
        return customer, contact

    @classmethod
    def _late_invoice(cls, customer, days_late, amount=300.0, dated=None):
        """A posted invoice of ``amount``, dated ``dated`` days ago (its due
        date unless given), ``days_late`` days overdue."""
        today = fields.Date.today()
        invoice = cls.init_invoice(
            "out_invoice",
            partner=customer,
            invoice_date=today - timedelta(days=dated or days_late),
            amounts=[amount],
        )
        invoice.invoice_date_due = today - timedelta(days=days_late)
        invoice.action_post()
        return invoice

    def _start(self, customer=None, tour=None, login="dso_tour_collector"):
        """``tour`` started on the customers (the form of ``customer``)."""
        url = "/odoo/action-account.res_partner_action_customer"
        self.start_tour(f"{url}/{customer.id}" if customer else url, tour, login=login)

    # ------------------------------------------------------------------
    # Contacts
    # ------------------------------------------------------------------

    def test_accountant_sets_contact_for_collection_tour(self):
        customer, _nobody = self._customer(
            "Tour Customer SA",
            customer_rank=1,
            ref="TOUR-C1",
            country_id=self.env.ref("base.fr").id,
        )
        self._start(tour="dso_contacts_collection_contact")
        sophie = customer.child_ids.filtered(lambda c: c.name == "Sophie Tour")
        self.assertEqual(customer.collection_contact_id, sophie)
        self.assertEqual(sophie.contact_role_id.code, "financial_director")
        # added from the customers menu, she is no customer of her own
        self.assertEqual(sophie.customer_rank, 0)
        self.assertEqual(sophie.mobile, "+33612345678")

    def test_accountant_imports_contacts_file_tour(self):
        customer, jean = self._customer(
            "Tour Import SARL",
            "Jean Moreau",
            ref="TOUR01",
            country_id=self.env.ref("base.fr").id,
        )
        # the tour asserts what the dialog says after Test and after Import:
        # the counts, the rejected row's reason, the replaced contact for
        # collection, in sight at once
        self._start(tour="dso_contacts_import")
        self.assertEqual(
            sorted(customer.child_ids.mapped("name")),
            ["Jean Moreau", "Marie Dupont", "Paul Martin"],
            "the row with a bad email address is rejected",
        )
        marie = customer.child_ids.filtered(lambda c: c.name == "Marie Dupont")
        self.assertEqual(customer.collection_contact_id, marie)
        self.assertFalse(jean.is_collection_contact)
        self.assertEqual(marie.mobile, "+33612345678")

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------

    def test_accountant_sends_manual_reminder_with_preview_tour(self):
        customer, payer = self._customer(
            "Tour Reminder SA", "Tour Payer", "payer@tour-reminder.example.com"
        )
        # 10 days late: the first reminder (5 days), by email only
        invoice = self._late_invoice(customer, 10)
        self._start(customer, "dso_contacts_manual_reminder")
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
        customer, _payer = self._customer(
            "Tour Held SA", "Tour Held Payer", "payer@tour-held.example.com"
        )
        invoice = self._late_invoice(customer, 20)
        self.env["dso.invoice.dispute"].with_user(self.collector).create(
            {
                "move_id": invoice.id,
                "reason_id": self.env.ref("dso_contacts.dispute_reason_not_received").id,
            }
        )
        self._start(customer, "dso_contacts_manual_reminder_held")
        self.assertFalse(self.env["dso.reminder"].search([("partner_id", "=", customer.id)]))

    # ------------------------------------------------------------------
    # The customer's page, promises
    # ------------------------------------------------------------------

    def _page_customer(self):
        """Tour Page SA, its payer, and two invoices due 5 and 2 days ago."""
        customer, payer = self._customer(
            "Tour Page SA", "Tour Page Payer", "payer@tour-page.example.com"
        )
        first = self._late_invoice(customer, 5, 300.0, dated=40)
        second = self._late_invoice(customer, 2, 120.0, dated=35)
        return customer, payer, first, second

    def test_customer_promises_and_disputes_from_the_page_tour(self):
        customer, payer, first, second = self._page_customer()
        url = customer._dso_portal_url(self.company)
        self.start_tour(
            url.removeprefix(customer.get_base_url()), "dso_contacts_customer_page"
        )
        promise = first.dso_promise_ids
        self.assertEqual(len(promise), 1)
        self.assertEqual((promise.source, promise.state), ("page", "open"))
        self.assertEqual(promise.contact_id, payer)
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
        customer, payer, first, second = self._page_customer()
        # partly paid: what is due is not the invoice's untaxed amount
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=first.ids
        ).create({"amount": 100.0})._create_payments()
        self.assertEqual(
            (first.amount_untaxed, first.amount_residual, second.amount_residual),
            (300.0, 200.0, 120.0),
        )
        self._start(customer, "dso_contacts_promise_backoffice")
        promise = self.env["dso.payment.promise"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(promise), 1)
        self.assertEqual((promise.source, promise.user_id), ("phone", self.collector))
        self.assertEqual(promise.contact_id, payer)
        self.assertEqual((promise.move_ids, promise.amount), (first, 200.0))

    # ------------------------------------------------------------------
    # All of it in a row
    # ------------------------------------------------------------------

    def test_billing_user_walks_form_import_send_and_page_tour(self):
        """Issue 19's screens in a row: the customer's form, the contacts
        import, a manual reminder and the customer's page."""
        company_b = self.setup_other_company(name="Walk Company B")["company"]
        walk = {"customer_rank": 1, "ref": "WALK01", "country_id": self.env.ref("base.fr").id}
        # no email: the banner says no reminder can reach him
        customer, jean = self._customer("Walk Customer SA", "Jean Walk", **walk)
        # the other company's customer of the same name and code: never shown,
        # never matched by the import
        other, _nobody = self._customer("Walk Customer SA", company=company_b, **walk)
        # 10 days late: the first reminder (5 days), by email only
        invoice = self._late_invoice(customer, 10)
        # the customer's page exists (a link handed out before): the preview
        # shows its link, which the tour follows
        customer._dso_portal_url(self.company)

        self._start(tour="dso_contacts_billing_walk")

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
