# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import company_user
from .common_portal import PortalCommon
from .common_reminder import NOW, TODAY

MAIL_LOGGER = "odoo.addons.mail.models.mail_mail"


@tagged("post_install", "-at_install")
class TestReminderHistory(PortalCommon):
    """One delivery status per channel, the one of Odoo's queues, and a
    reminder state that follows it; a reminder once sent is history (*Send
    again* sends a new one); when nothing can be sent, the manual send says
    what holds it, as the engine's due rules see it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = company_user(
            cls.env, cls.company, "dso_history_manager", "account.group_account_manager"
        )

    def _fail_emails(self, reminders):
        """Odoo's queue sends the emails of ``reminders`` and the server
        refuses them."""
        IrMailServer = type(self.env["ir.mail_server"])
        with (
            patch.object(IrMailServer, "send_email", side_effect=ConnectionError("refused")),
            mute_logger(MAIL_LOGGER),
        ):
            reminders.mail_id.send()

    @freeze_time(NOW)
    def test_failed_email_makes_the_reminder_not_sent(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=6))
        with self.mock_mail_gateway():
            self._run_cron()
            reminder = self._reminders(self.customer)
            self.assertEqual((reminder.email_status, reminder.state), ("outgoing", "sent"))
            self._fail_emails(reminder)
        self.assertEqual(reminder.mail_state, "exception")
        self.assertEqual(reminder.with_user(self.accountant).email_status, "exception")
        self.assertEqual(reminder.state, "failed", "its only channel failed")
        failed = self.env["dso.reminder"].search(
            [("partner_id", "=", self.customer.id), ("state", "=", "failed")]
        )
        self.assertEqual(failed, reminder, "the list's filters see it")

    @freeze_time(NOW)
    def test_failed_sms_makes_the_reminder_partly_sent(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=16))
        with self.mock_mail_gateway():
            self._run_cron()
        reminder = self._reminders(self.customer)
        self.assertEqual(
            (reminder.email_status, reminder.sms_status), ("outgoing", "outgoing")
        )
        with self.mockSMSGateway(sim_error="wrong_number_format"):
            reminder.sms_id.send()
        self.assertEqual(reminder.sms_status, "wrong_number", "a wrong number: not arrived")
        self.assertEqual(reminder.state, "partial")
        with self.mock_mail_gateway():
            self._fail_emails(reminder)
        self.assertEqual(
            reminder.state, "undelivered", "every channel failed, the SMS did not arrive"
        )

    @freeze_time(NOW)
    def test_delivered_sms_keeps_its_status_once_the_queue_deletes_it(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=16))
        with self.mock_mail_gateway(), self.mockSMSGateway(sms_allow_unlink=True):
            self._run_cron()
            reminder = self._reminders(self.customer)
            reminder.sms_id.send()
            self.assertEqual(reminder.sms_status, "pending")
            # the queue's garbage collection (sms.sms._gc_device)
            reminder.sms_id.sudo().unlink()
        self.env.invalidate_all()
        self.assertFalse(reminder.sms_id, "the queue deleted the SMS it sent")
        self.assertEqual((reminder.sms_status, reminder.state), ("pending", "sent"))

    def test_one_status_per_channel_on_the_screens(self):
        """The screens show the queues' status, named alike, and no second
        state of a channel."""
        views = (
            self.env["dso.reminder"]
            .with_user(self.accountant)
            .get_views([(False, "list"), (False, "form"), (False, "search")])
        )
        for view_type in ("list", "form", "search"):
            arch = etree.fromstring(views["views"][view_type]["arch"])
            names = {node.get("name") for node in arch.iter("field")}
            names |= {
                node.get("domain", "") + node.get("context", "")
                for node in arch.iter("filter")
            }
            text = " ".join(names)
            for stale in ("email_state", "sms_state", "mail_state", "sms_delivery"):
                self.assertNotIn(stale, text, f"{view_type}: {stale}")
        answered = etree.fromstring(views["views"]["list"]["arch"]).xpath(
            "//field[@name='is_answered']"
        )[0]
        self.assertNotEqual(
            answered.get("widget"), "boolean_icon", "no reply arrow on every row"
        )
        self.assertEqual(answered.get("invisible"), "not is_answered")
        self.assertEqual(
            [key for key, _label in self.env["dso.reminder"]._fields["state"].selection],
            ["draft", "failed", "partial", "sent", "undelivered"],
            "the status bar reads Partly sent > Sent, not Sent > Partly sent; "
            "Sent > Undelivered (sent, then returned)",
        )
        fields = self.env["dso.reminder"].fields_get(["email_status", "sms_status"])
        self.assertEqual(
            (fields["email_status"]["string"], fields["sms_status"]["string"]),
            ("Email status", "SMS status"),
        )

    # ------------------------------------------------------------------
    # A reminder once sent is history: *Send again* sends a new one
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_send_again_is_a_new_reminder_to_todays_contact(self):
        self.contact.write({"mobile": False, "phone": False})
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=16))
        self._run_cron_mocked()
        first = self._reminders(self.customer)
        self.assertEqual((first.state, first.sms_status), ("partial", "missing_number"))
        emma = self.env["res.partner"].create(
            {
                "name": "Emma Clarke",
                "parent_id": self.customer.id,
                "email": "emma@alpha.example.com",
                "mobile": "0456 11 22 33",
                "is_collection_contact": True,
            }
        )
        with self.mock_mail_gateway(), self.mockSMSGateway():
            action = first.with_user(self.accountant).action_resend()
            self._run_cron()
        second = self._reminders(self.customer) - first
        self.assertEqual(len(second), 1, "one new reminder, and the cron sends no other")
        self.assertEqual(action["res_id"], second.id)
        self.assertRecordValues(
            first,
            [{"contact_id": self.contact.id, "sms_status": "missing_number"}],
        )
        self.assertEqual(first.email_to, "payer@alpha.example.com")
        self.assertRecordValues(
            second,
            [
                {
                    "previous_id": first.id,
                    "contact_id": emma.id,
                    "level_id": first.level_id.id,
                    "channel": "sms",
                    "sms_number": "+32456112233",
                    "is_manual": True,
                    "state": "sent",
                }
            ],
        )
        self.assertEqual(first.resend_ids, second)
        self.assertEqual(second.move_ids, invoice)
        self.assertSMSOutgoing(emma, "+32456112233", content=invoice.name)
        self.assertEqual(
            self.env["dso.reminder.engine"]
            .with_company(self.company)
            ._already_sent(invoice)[invoice.id],
            self.level_second.days,
            "the level is not advanced by the resend",
        )

    @freeze_time(NOW)
    def test_send_again_when_nothing_is_due_says_why(self):
        self.contact.email = False
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=6))
        with self.mock_mail_gateway():
            self._run_cron()
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.state, "failed")
        self._pay(invoice)
        with self.assertRaisesRegex(UserError, "No unpaid invoice"):
            reminder.with_user(self.accountant).action_resend()

    @freeze_time(NOW)
    def test_sent_reminder_is_never_rewritten(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=6))
        with self.mock_mail_gateway():
            self._run_cron()
        reminder = self._reminders(self.customer)
        _other, stranger = self._create_customer("Beta")
        for vals in (
            {"contact_id": stranger.id},
            {"date": TODAY + timedelta(days=1)},
            {"level_id": self.level_final.id},
            {"email_to": "someone@else.example.com"},
        ):
            with self.assertRaisesRegex(UserError, "never rewritten"):
                reminder.with_user(self.manager).write(vals)
        self.assertEqual(reminder.contact_id, self.contact)
        reminder.with_user(self.manager).message_post(body="Called them")

    # ------------------------------------------------------------------
    # When nothing can be sent, the manual send says what holds it
    # ------------------------------------------------------------------

    def _wizard_form(self, customers):
        Wizard = self.env["dso.reminder.send"].with_user(self.accountant)
        return Form(Wizard.with_context(active_model="res.partner", active_ids=customers.ids))

    def _promise(self, invoices, date):
        action = self.customer.with_user(self.accountant).action_dso_record_promise()
        form = Form(
            self.env["dso.payment.promise"]
            .with_user(self.accountant)
            .with_context(**action["context"])
        )
        for invoice in invoices:
            form.move_ids.add(invoice)
        form.date = date
        return form.save()

    @freeze_time(NOW)
    def test_disputed_and_promised_invoice_is_named_at_opening(self):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=20))
        self._promise(invoice, TODAY + timedelta(days=4))
        self.env["dso.invoice.dispute"].with_user(self.accountant).create(
            {"move_id": invoice.id, "reason_id": self.reasons[0].id}
        )
        form = self._wizard_form(self.customer)
        self.assertFalse(form.can_send)
        self.assertIn(f"{invoice.name} is disputed.", form.hold_reason)
        self.assertIn(f"{invoice.name} is promised until 03/14/2025", form.hold_reason)
        wizard = form.save()
        with self.assertRaisesRegex(UserError, f"{invoice.name} is disputed"):
            wizard.action_preview()

    @freeze_time(NOW)
    def test_invoice_below_the_first_level_and_covered_by_credits(self):
        invoice = self._create_invoice(self.customer, TODAY + timedelta(days=10))
        form = self._wizard_form(self.customer)
        self.assertFalse(form.can_send)
        self.assertIn(
            f"{invoice.name} is due on 03/20/2025: below the delay of level", form.hold_reason
        )
        self._create_invoice(self.customer, TODAY - timedelta(days=20), 50.0)
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "invoice_date": TODAY - timedelta(days=20),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Refund", "quantity": 1, "price_unit": 60.0, "tax_ids": []}
                    )
                ],
            }
        )
        refund.action_post()
        reasons = (
            self.env["dso.reminder.engine"]
            .with_company(self.company)
            ._hold_reasons(self.customer, TODAY)
        )
        self.assertIn("open credits", " ".join(reasons[self.customer]))

    @freeze_time(NOW)
    def test_no_unpaid_invoice_and_minimum_amount(self):
        form = self._wizard_form(self.customer)
        self.assertEqual(form.hold_reason, "No unpaid invoice.")
        self._create_invoice(self.customer, TODAY - timedelta(days=20), 10.0)
        self.company.dso_reminder_min_amount = 50.0
        form = self._wizard_form(self.customer)
        self.assertTrue(form.can_send, "a manual send has no minimum amount")
        self.assertFalse(form.hold_reason)
        reasons = (
            self.env["dso.reminder.engine"]
            .with_company(self.company)
            ._hold_reasons(self.customer, TODAY, automatic=True)
        )
        self.assertIn("below the minimum amount", reasons[self.customer][0])

    @freeze_time(NOW)
    def test_preview_title_and_sent_notification(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=6))
        wizard = self._wizard_form(self.customer).save()
        with self.mock_mail_gateway():
            preview = wizard.action_preview()
            self.assertEqual(preview["name"], "Preview: First reminder to Alpha SA")
            sent = wizard.action_send()
        self.assertEqual(sent["tag"], "display_notification")
        self.assertEqual(sent["params"]["message"], "1 reminder queued.")
        self.assertEqual(sent["params"]["next"], {"type": "ir.actions.act_window_close"})
