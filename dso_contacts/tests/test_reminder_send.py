# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import company_user
from .common_reminder import NOW, TODAY, ReminderCommon


@tagged("post_install", "-at_install")
class TestReminderSend(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.purchaser = cls.env["res.partner"].create(
            {
                "name": "Alpha Purchaser",
                "parent_id": cls.customer.id,
                "email": "purchaser@alpha.example.com",
            }
        )
        cls.invoice = cls._create_invoice(cls.customer, TODAY - timedelta(days=16), 420.0)

    def _wizard_form(self, customers, user=None):
        Wizard = self.env["dso.reminder.send"].with_user(user or self.accountant)
        return Form(Wizard.with_context(active_model="res.partner", active_ids=customers.ids))

    @freeze_time(NOW)
    def test_manual_send_from_the_customer(self):
        form = self._wizard_form(self.customer)
        self.assertEqual(form.level_id, self.level_second, "the level reached is proposed")
        self.assertEqual(form.channel, "both")
        self.assertEqual(
            form.recipient_ids[:], self.contact, "contact for collection selected"
        )
        self.assertIn(self.purchaser, form.proposed_recipient_ids[:])
        form.recipient_ids.add(self.purchaser)
        wizard = form.save()
        with self.mock_mail_gateway(), self.mockSMSGateway():
            wizard.action_preview()
            self.assertEqual(wizard.state, "preview")
            self.assertIn(self.invoice.name, wizard.body_html)
            self.assertIn("Alpha SA", wizard.body_html)
            self.assertIn(self.invoice.name, wizard.sms_body)
            self.assertFalse(self._new_mails, "nothing sent by the preview")
            self.assertFalse(self._reminders(), "a preview is not in the history")
            with Form(wizard) as preview:
                preview.subject = "About your invoice"
            wizard.action_send()

        reminder = self._reminders(self.customer)
        self.assertTrue(reminder.is_manual)
        self.assertEqual(reminder.level_id, self.level_second)
        self.assertEqual(reminder.move_ids, self.invoice)
        self.assertEqual(reminder.recipient_ids, self.contact | self.purchaser)
        self.assertMailMail(
            self.contact | self.purchaser,
            "outgoing",
            fields_values={"subject": "About your invoice"},
        )
        self.assertSMSOutgoing(self.contact, "+32456123456")
        self.assertIn(self.invoice.name, self.customer.message_ids[:1].body)
        self.assertEqual(self.customer.dso_reminder_count, 1)

    @freeze_time(NOW)
    def test_manual_send_keeps_an_image_pasted_in_the_text(self):
        """An image pasted in the edited text (inline, base64) becomes an
        attachment of the email's message, as Odoo's messages do."""
        wizard = self._wizard_form(self.customer).save()
        with self.mock_mail_gateway(), self.mockSMSGateway():
            wizard.action_preview()
            with Form(wizard) as preview:
                preview.body_html = (
                    '<p>Our bank details:</p><img src="data:image/png;base64,'
                    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                    '+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==" data-filename="bank.png">'
                )
            wizard.action_send()
        message = self._reminders(self.customer).mail_id.mail_message_id
        self.assertNotIn("base64", message.body)
        self.assertIn("/web/image/", message.body)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertIn(f"/web/image/{message.attachment_ids.id}", message.body)

    @freeze_time(NOW)
    def test_manual_send_to_several_customers_from_the_list(self):
        beta, beta_contact = self._create_customer("Beta", "0456 99 88 77")
        self._create_invoice(beta, TODAY - timedelta(days=6))
        form = self._wizard_form(self.customer | beta)
        self.assertFalse(form.recipient_ids[:])
        form.level_id = self.level_first
        wizard = form.save()
        with self.mock_mail_gateway(), self.mockSMSGateway():
            wizard.action_preview()
            self.assertEqual(len(wizard.reminder_ids), 2)
            self.assertEqual(wizard.reminder_ids.partner_id, self.customer | beta)
            self.assertTrue(wizard.reminder_ids.mapped("is_draft") == [True, True])
            wizard.action_send()
        self.assertEqual(self._reminders().partner_id, self.customer | beta)
        self.assertMailMail(self.contact, "outgoing")
        self.assertMailMail(beta_contact, "outgoing")
        self.assertFalse(self._new_sms, "the first level is email only")

    @freeze_time(NOW)
    def test_manual_send_then_cron_does_not_send_the_same_level_again(self):
        wizard = self._wizard_form(self.customer).save()
        with self.mock_mail_gateway(), self.mockSMSGateway():
            wizard.action_preview()
            wizard.action_send()
            self._run_cron()
        self.assertEqual(len(self._reminders(self.customer)), 1)
        self.assertEqual(len(self._mails_to(self.contact)), 1)

    @freeze_time(NOW)
    def test_manual_send_reports_missing_email(self):
        self.contact.email = False
        form = self._wizard_form(self.customer)
        form.channel = "email"
        wizard = form.save()
        with self.mock_mail_gateway(), self.mockSMSGateway():
            wizard.action_preview()
            self.assertIn("no valid email", wizard.reminder_ids.problem)
            wizard.action_send()
        self.assertFalse(self._new_mails)
        self.assertEqual(self._reminders(self.customer).state, "failed")
        self.assertIn("no valid email", self.customer.dso_reminder_problem)
        self.assertEqual(len(self.customer.activity_ids), 1)

    @freeze_time(NOW)
    def test_customer_without_due_invoice_is_refused(self):
        beta, _ = self._create_customer("Beta", "0456 99 88 77")
        wizard = self._wizard_form(beta).save()
        with self.assertRaises(UserError):
            wizard.action_preview()

    def test_user_without_accounting_rights_is_refused(self):
        salesman = company_user(
            self.env,
            self.company,
            "dso_salesman",
            "base.group_user,base.group_partner_manager",
        )
        with self.assertRaises(Exception) as refused:
            self._wizard_form(self.customer, user=salesman)
        self.assertIsInstance(refused.exception, (AccessError, UserError))
        reminder_model = self.env["dso.reminder"].with_user(salesman)
        with self.assertRaises(AccessError):
            reminder_model.search([])
        with self.assertRaises(AccessError):
            self.env["dso.reminder.level"].with_user(salesman).search([])

    def test_invoicing_user_cannot_configure_levels(self):
        with self.assertRaises(AccessError):
            self.level_first.with_user(self.accountant).write({"days": 7})
