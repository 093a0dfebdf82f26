# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import company_user
from .common_reminder import NOW, TODAY, ReminderCommon


@tagged("post_install", "-at_install")
class TestReminderEscalation(ReminderCommon):
    """A level also writes to the customer's contacts of a role and, in
    copy, to its salesperson, or calls the customer instead (an activity for
    the collector); each reminder says to whom it went and why."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.role_fd = cls.env.ref("dso_contacts.contact_role_financial_director")
        cls.level_final.write(
            {"escalation_role_ids": [Command.set(cls.role_fd.ids)], "cc_salesperson": True}
        )
        cls.salesperson = company_user(
            cls.env,
            cls.company,
            "dso_salesperson",
            "base.group_user",
            name="Sam Sales",
            email="sam@company.example.com",
        )
        cls.customer.user_id = cls.salesperson
        cls.director = cls.env["res.partner"].create(
            {
                "name": "Alpha Director",
                "parent_id": cls.customer.id,
                "email": "cfo@alpha.example.com",
                "contact_role_id": cls.role_fd.id,
            }
        )
        # a Billing user, the lowest rights that send reminders
        cls.billing = company_user(cls.env, cls.company, "dso_billing_escal")

    def _lines(self, reminder):
        return [
            (line.partner_id, line.send_as, line.reason_code)
            for line in reminder.recipient_line_ids
        ]

    @freeze_time(NOW)
    def test_final_level_writes_to_role_holder_and_salesperson_in_copy(self):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=35), 500.0)
        self._run_cron_mocked()
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.level_id, self.level_final)
        self.assertEqual(reminder.recipient_ids, self.contact | self.director)
        self.assertMailMail(
            self.contact | self.director,
            "outgoing",
            content=invoice.name,
            fields_values={"email_cc": self.salesperson.email_formatted},
        )
        self.assertEqual(len(self._new_mails), 1, "one email, its recipients each get it")
        self.assertEqual(
            self._lines(reminder),
            [
                (self.contact, "to", "collection"),
                (self.director, "to", "role"),
                (self.salesperson.partner_id, "cc", "salesperson"),
                (self.contact, "sms", "collection"),
            ],
        )
        reasons = reminder.recipient_line_ids.mapped("reason")
        self.assertIn("Role Financial Director (Final notice)", reasons)
        self.assertIn("Salesperson in copy", reasons)
        self.assertIn("cfo@alpha.example.com", reminder.recipient_summary)
        self.assertEqual(reminder.state, "sent")
        self.assertIn("sam@company.example.com", self.customer.message_ids[:1].body)

    @freeze_time(NOW)
    def test_level_without_escalation_writes_to_the_contact_only(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=16), 500.0)
        self._run_cron_mocked()
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.level_id, self.level_second)
        self.assertEqual(reminder.recipient_ids, self.contact)
        self.assertFalse(reminder.email_cc)
        self.assertFalse(reminder.mail_id.email_cc)
        self.assertEqual(
            self._lines(reminder),
            [(self.contact, "to", "collection"), (self.contact, "sms", "collection")],
        )

    @freeze_time(NOW)
    def test_role_no_contact_holds_still_sends_to_the_contact_and_says_so(self):
        beta, beta_contact = self._create_customer("Beta", "0456 22 33 44")
        self._create_invoice(beta, TODAY - timedelta(days=35), 500.0)
        self._run_cron_mocked()
        reminder = self._reminders(beta)
        self.assertEqual(reminder.recipient_ids, beta_contact)
        self.assertMailMail(beta_contact, "outgoing")
        self.assertEqual(reminder.state, "sent")
        missing = reminder.recipient_line_ids.filtered(lambda r: r.reason_code == "no_role")
        self.assertEqual(missing.role_id, self.role_fd)
        self.assertFalse(missing.partner_id)
        self.assertIn("No contact with role Financial Director", reminder.recipient_summary)
        self.assertIn("No contact with role Financial Director", beta.message_ids[:1].body)
        self.assertFalse(beta.user_id, "no salesperson: nobody in copy")
        self.assertFalse(reminder.email_cc)

    @freeze_time(NOW)
    def test_contact_both_for_collection_and_role_holder_gets_one_email(self):
        self.director.contact_role_id = False
        self.contact.contact_role_id = self.role_fd
        self._create_invoice(self.customer, TODAY - timedelta(days=35), 500.0)
        self._run_cron_mocked()
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.recipient_ids, self.contact)
        self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(self._new_mails.recipient_ids, self.contact)
        line = reminder.recipient_line_ids.filtered(lambda r: r.send_as == "to")
        self.assertEqual(len(line), 1)
        self.assertEqual(
            line.reason, "Contact for collection, also role Financial Director (Final notice)"
        )

    @freeze_time(NOW)
    def test_blacklisted_role_holder_is_not_written_to(self):
        self.env["mail.blacklist"].sudo()._add("cfo@alpha.example.com")
        self._create_invoice(self.customer, TODAY - timedelta(days=35), 500.0)
        self._run_cron_mocked()
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.recipient_ids, self.contact)
        self.assertEqual(reminder.state, "sent")
        self.assertIn((self.director, "none", "role_unreachable"), self._lines(reminder))

    @freeze_time(NOW)
    def test_role_holder_known_to_bounce_is_skipped_and_said(self):
        self.director.message_bounce = 1
        self._create_invoice(self.customer, TODAY - timedelta(days=35), 500.0)
        self._run_cron_mocked()
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.recipient_ids, self.contact)
        self.assertFalse(self._mails_to(self.director))
        self.assertEqual(self._new_mails.recipient_ids, self.contact)
        self.assertEqual(
            self._lines(reminder),
            [
                (self.contact, "to", "collection"),
                (self.director, "none", "role_unreachable"),
                (self.salesperson.partner_id, "cc", "salesperson"),
                (self.contact, "sms", "collection"),
            ],
        )
        self.assertFalse(
            reminder.recipient_line_ids.filtered(lambda r: r.reason_code == "no_role")
        )
        self.assertIn(
            "Role Financial Director (Final notice): address known to bounce, not sent",
            reminder.recipient_summary,
        )
        self.assertEqual(reminder.state, "sent")

    @freeze_time(NOW)
    def test_call_level_creates_one_activity_per_customer_and_a_history_line(self):
        self.level_final.action_kind = "activity"
        self.company.dso_reminder_user_id = self.accountant
        chf = self.setup_other_currency("CHF")
        first = self._create_invoice(self.customer, TODAY - timedelta(days=35), 500.0)
        second = self._create_invoice(self.customer, TODAY - timedelta(days=31), 70.0)
        other = self._create_invoice(
            self.customer, TODAY - timedelta(days=40), 90.0, currency=chf
        )
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
            self._run_cron()
        reminders = self._reminders(self.customer)
        self.assertEqual(len(reminders), 2, "one per currency, and never twice")
        self.assertEqual(set(reminders.mapped("channel")), {"activity"})
        self.assertEqual(set(reminders.mapped("state")), {"sent"})
        self.assertFalse(self._new_mails, "a call instead of a message")
        self.assertFalse(self._new_sms)
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("activity_type_id", "=", self.env.ref("mail.mail_activity_data_call").id),
            ]
        )
        self.assertEqual(len(activity), 1, "one activity for the customer")
        self.assertEqual(activity.user_id, self.accountant)
        self.assertEqual(reminders.activity_id, activity)
        for invoice in first | second | other:
            self.assertIn(invoice.name, str(activity.note))
        self.assertIn("Alpha Payer", str(activity.note))
        self.assertEqual(
            self._lines(reminders[0]), [(self.accountant.partner_id, "activity", "collector")]
        )
        self.assertEqual(reminders[0].activity_user_id, self.accountant)

    @freeze_time(NOW)
    def test_manual_preview_lists_recipients_with_reasons_and_lets_untick(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=35), 500.0)
        Wizard = self.env["dso.reminder.send"].with_user(self.billing)
        form = Form(
            Wizard.with_context(active_model="res.partner", active_ids=self.customer.ids)
        )
        self.assertEqual(form.level_id, self.level_final)
        self.assertEqual(form.recipient_ids[:], self.contact | self.director)
        self.assertTrue(form.cc_salesperson)
        wizard = form.save()
        with self.mock_mail_gateway(), self.mockSMSGateway():
            wizard.action_preview()
            summary = wizard.reminder_ids.recipient_summary
            self.assertIn(
                "Alpha Payer <payer@alpha.example.com>: Contact for collection", summary
            )
            director_line = "Alpha Director <cfo@alpha.example.com>: Role Financial Director"
            self.assertIn(f"{director_line} (Final notice)", summary)
            self.assertIn("Sam Sales <sam@company.example.com>: Salesperson in copy", summary)
            self.assertFalse(self._new_mails, "nothing sent by the preview")
            wizard.action_back()
            with Form(wizard) as compose:
                compose.recipient_ids.remove(self.director.id)
                compose.cc_salesperson = False
            wizard.action_send()
        reminder = self._reminders(self.customer)
        self.assertTrue(reminder.is_manual)
        self.assertEqual(reminder.recipient_ids, self.contact)
        self.assertFalse(reminder.email_cc)
        self.assertMailMail(self.contact, "outgoing", fields_values={"email_cc": False})
        self.assertEqual(
            self._lines(reminder),
            [(self.contact, "to", "collection"), (self.contact, "sms", "collection")],
        )
        # the Billing user reads the recipients of the history
        self.assertEqual(
            reminder.with_user(self.billing).recipient_line_ids.mapped("reason_code"),
            ["collection", "collection"],
        )

    @freeze_time(NOW)
    def test_billing_user_cannot_configure_escalation(self):
        with self.assertRaises(AccessError):
            self.level_final.with_user(self.billing).cc_salesperson = False
        self.assertTrue(self.level_final.cc_salesperson)

    @freeze_time(NOW)
    def test_two_companies_role_holders_and_recipients_never_leak(self):
        company_b = self._setup_company_b(
            email="billing@b.example.com", dso_reminder_auto=True
        )
        # a contact of company B's under company A's customer holds the role
        self.director.sudo().company_id = company_b
        user_b = company_user(self.env, company_b, "dso_billing_escal_b")
        self._create_invoice(self.customer, TODAY - timedelta(days=35), 500.0)
        self._run_cron_mocked()
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.recipient_ids, self.contact)
        self.assertNotIn("cfo@alpha.example.com", reminder.recipient_summary)
        Recipient = self.env["dso.reminder.recipient.line"]
        self.assertTrue(Recipient.with_user(self.billing).search([]))
        self.assertFalse(
            Recipient.with_user(user_b).search([("reminder_id", "=", reminder.id)]),
            "company B's user reads none of company A's recipients",
        )

    @freeze_time(NOW)
    def test_manual_send_of_a_call_level_schedules_the_call(self):
        self.level_final.action_kind = "activity"
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=35), 500.0)
        Wizard = self.env["dso.reminder.send"].with_user(self.billing)
        wizard = Wizard.create({"partner_ids": [Command.set(self.customer.ids)]})
        self.assertEqual(wizard.level_id, self.level_final)
        self.assertEqual(wizard.channel, "activity")
        with self.mock_mail_gateway(), self.mockSMSGateway():
            wizard.action_preview()
            self.assertIn(
                "Sam Sales: Collector (activity: call the customer)",
                wizard.reminder_ids.recipient_summary,
            )
            wizard.action_send()
        self.assertFalse(self._new_mails)
        self.assertFalse(self._new_sms)
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.channel, "activity")
        self.assertEqual(reminder.activity_user_id, self.salesperson, "the salesperson calls")
        self.assertEqual(reminder.activity_id.user_id, self.salesperson)
        self.assertIn(invoice.name, str(reminder.activity_id.note))


@tagged("post_install", "-at_install")
class TestReminderOwnRecipientLines(ReminderCommon):
    """The lines of the reminder's own contact for collection (its email to
    that contact alone, its SMS) are read from the reminder, not stored: the
    history and the preview show each of them once, whether the reminder was
    written before this (its lines stored) or after."""

    def _lines(self, reminder):
        return [
            (line.partner_id, line.send_as, line.reason_code, line.address)
            for line in reminder.with_user(self.accountant).recipient_line_ids
        ]

    def _send_second_level(self):
        self.contact.email = "Alpha Payer <Payer@Alpha.Example.com>"
        self._create_invoice(self.customer, TODAY - timedelta(days=20), 500.0)
        self._run_cron_mocked()
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.channel, "both")
        self.assertEqual(reminder.recipient_ids, self.contact)
        return reminder

    @freeze_time(NOW)
    def test_contact_for_collection_lines_shown_once_and_not_stored(self):
        reminder = self._send_second_level()
        expected = [
            (self.contact, "to", "collection", "payer@alpha.example.com"),
            (self.contact, "sms", "collection", "+32456123456"),
        ]
        self.assertEqual(self._lines(reminder), expected)
        self.assertFalse(reminder.stored_recipient_ids, "the reminder says them itself")
        summary = reminder.with_user(self.accountant).recipient_summary
        self.assertEqual(
            summary.count("Alpha Payer <payer@alpha.example.com>: Contact for collection"), 1
        )
        sms_line = "Alpha Payer <+32456123456>: Contact for collection"
        self.assertEqual(summary.count(sms_line), 1)

    @freeze_time(NOW)
    def test_recipient_lines_stored_before_shown_once(self):
        """A reminder written before (its own lines stored) shows them once,
        and one written before any recipient line shows none, as it did."""
        reminder = self._send_second_level()
        expected = self._lines(reminder)
        # the history is the engine's own record (written as superuser)
        self.env["dso.reminder.recipient"].sudo().create(
            [
                {
                    "reminder_id": reminder.id,
                    "sequence": 1,
                    "partner_id": self.contact.id,
                    "send_as": "to",
                    "address": "payer@alpha.example.com",
                    "reason_code": "collection",
                },
                {
                    "reminder_id": reminder.id,
                    "sequence": 2,
                    "partner_id": self.contact.id,
                    "send_as": "sms",
                    "address": "+32456123456",
                    "reason_code": "collection",
                },
            ]
        )
        self.env.invalidate_all()
        self.assertEqual(self._lines(reminder), expected)
        # the reminders of the code before: the flag unset, lines stored
        self.env.cr.execute(
            "UPDATE dso_reminder SET own_lines_derived = FALSE WHERE id = %s", [reminder.id]
        )
        self.env.invalidate_all()
        self.assertEqual(self._lines(reminder), expected)
        # before any recipient line: nothing shown, as then
        reminder.stored_recipient_ids.sudo().unlink()
        self.env.invalidate_all()
        self.assertEqual(self._lines(reminder), [])

    @freeze_time(NOW)
    def test_preview_shows_the_contact_for_collection_once(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=20), 500.0)
        Wizard = self.env["dso.reminder.send"].with_user(self.accountant)
        wizard = Wizard.create({"partner_ids": [Command.set(self.customer.ids)]})
        with self.mock_mail_gateway(), self.mockSMSGateway():
            wizard.action_preview()
        summary = wizard.reminder_ids.recipient_summary
        self.assertEqual(
            summary.count("Alpha Payer <payer@alpha.example.com>: Contact for collection"), 1
        )
        sms_line = "Alpha Payer <+32456123456>: Contact for collection"
        self.assertEqual(summary.count(sms_line), 1)
