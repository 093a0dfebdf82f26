# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import company_user
from .common_reminder import NOW, TODAY, ReminderCommon


@tagged("post_install", "-at_install")
class TestReminderSecurity(ReminderCommon):
    """The manual send is a door of the reminder engine: whatever a client
    writes on the wizard, it reads and sends nothing of a company the user
    does not work in, and sends only what it prepares itself."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._setup_company_b(
            email="billing@b.example.com", dso_reminder_auto=True
        )
        # a customer shared between the companies, owing to both
        cls.shared, cls.shared_contact = cls._create_customer("Shared", "0456 55 44 33")
        cls.shared.company_id = False
        cls.invoice_a = cls._create_invoice(cls.shared, TODAY - timedelta(days=6), 111.0)
        cls.invoice_b = cls._create_invoice(
            cls.shared, TODAY - timedelta(days=6), 999.0, company=cls.company_b
        )
        cls.user_b = company_user(cls.env, cls.company_b, "dso_billing_b")
        cls.user_ab = new_test_user(
            cls.env,
            login="dso_billing_ab",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.company_b).ids)],
        )
        cls.internal = new_test_user(cls.env, login="dso_internal", groups="base.group_user")

    def _wizard(self, user, **vals):
        return (
            self.env["dso.reminder.send"]
            .with_user(user)
            .create({"partner_ids": [Command.set(self.shared.ids)], **vals})
        )

    def _queued_for(self, partner):
        return self.env["mail.mail"].search(
            [("model", "=", "dso.reminder"), ("recipient_ids", "in", partner.ids)]
        )

    @freeze_time(NOW)
    def test_billing_user_of_a_forcing_company_b_is_refused(self):
        with self.assertRaises(AccessError), self.mock_mail_gateway():
            self._wizard(self.accountant, company_id=self.company_b.id)
        wizard = self._wizard(self.accountant)
        with self.assertRaises(AccessError):
            wizard.write({"company_id": self.company_b.id})
        self.assertFalse(
            self.env["dso.reminder"].search([("partner_id", "=", self.shared.id)])
        )

    @freeze_time(NOW)
    def test_manual_send_shows_and_sends_only_the_users_company(self):
        wizard = self._wizard(self.accountant)
        self.assertEqual(wizard.company_id, self.company)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            wizard.action_preview()
            self.assertEqual(wizard.reminder_ids.move_ids, self.invoice_a)
            self.assertNotIn("999.00", wizard.body_html)
            wizard.action_send()
        reminder = self._reminders(self.shared)
        self.assertEqual(reminder.company_id, self.company)
        self.assertEqual(reminder.move_ids, self.invoice_a)
        self.assertEqual(reminder.amount_due, 111.0)

    @freeze_time(NOW)
    def test_forged_draft_ids_are_never_sent(self):
        # a draft prepared in company B by its own user
        wizard_b = self._wizard(self.user_b)
        wizard_b.action_preview()
        draft_b = wizard_b.reminder_ids
        self.assertEqual(draft_b.company_id, self.company_b)
        # company A's user writes that draft into a wizard of its own: refused
        wizard = self._wizard(self.accountant)
        with self.assertRaisesRegex(UserError, "company"):
            wizard.write({"reminder_ids": [Command.set(draft_b.ids)]})
        with self.mock_mail_gateway(), self.mockSMSGateway():
            wizard.action_send()
        self.assertTrue(draft_b.exists())
        self.assertTrue(draft_b.is_draft, "company B's draft is neither sent nor removed")
        sent = self._reminders(self.shared)
        self.assertEqual(sent.company_id, self.company)
        self.assertEqual(sent.move_ids, self.invoice_a)
        self.assertEqual(len(self._queued_for(self.shared_contact)), 1)
        self.assertNotIn("999.00", self._queued_for(self.shared_contact).body_html)

    @freeze_time(NOW)
    def test_user_of_b_sends_company_b_invoices_only(self):
        wizard = self._wizard(self.user_b)
        self.assertEqual(wizard.company_id, self.company_b)
        self.assertEqual(wizard.level_id.company_id, self.company_b)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            wizard.action_send()
        reminder = self._reminders(self.shared)
        self.assertEqual(reminder.move_ids, self.invoice_b)
        self.assertEqual(reminder.company_id, self.company_b)

    @freeze_time(NOW)
    def test_user_of_both_companies_sends_in_the_current_company(self):
        in_b = (
            self.env["dso.reminder.send"].with_user(self.user_ab).with_company(self.company_b)
        )
        wizard = in_b.create({"partner_ids": [Command.set(self.shared.ids)]})
        self.assertEqual(wizard.company_id, self.company_b)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            wizard.action_send()
        self.assertEqual(self._reminders(self.shared).move_ids, self.invoice_b)

    def test_plain_internal_user_gets_access_error(self):
        with self.assertRaises(AccessError):
            self._wizard(self.internal)
        with self.assertRaises(AccessError):
            Form(self.env["dso.reminder.send"].with_user(self.internal))

    def test_recipients_must_be_contacts_of_the_customer(self):
        stranger = self.env["res.partner"].create(
            {"name": "Stranger", "email": "stranger@example.com"}
        )
        wizard = self._wizard(self.accountant)
        wizard.recipient_ids = stranger
        with self.assertRaisesRegex(Exception, "must be contacts of"):
            wizard.action_preview()

    def test_email_link_shown_to_those_who_may_open_it(self):
        def form_fields(user):
            arch = (
                self.env["dso.reminder"]
                .with_user(user)
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )
            return {node.get("name") for node in etree.fromstring(arch).iter("field")}

        self.assertNotIn("mail_id", form_fields(self.accountant))
        self.assertIn("email_status", form_fields(self.accountant))
        self.assertIn("mail_id", form_fields(self.env.ref("base.user_admin")))

    @freeze_time(NOW)
    def test_delivery_state_comes_from_the_email_queue(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=6))
        with self.mock_mail_gateway():
            self._run_cron()
            reminder = self._reminders(self.customer)
            self.assertEqual(reminder.email_status, "outgoing")
            reminder.mail_id.send()
        self.assertEqual(reminder.mail_state, "sent")
        reminder.invalidate_recordset()
        self.assertEqual(reminder.with_user(self.accountant).email_status, "sent")
