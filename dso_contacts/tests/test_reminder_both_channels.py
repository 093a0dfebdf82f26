# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_reminder import NOW, TODAY
from .test_reminder_bounce import BounceCommon

DIRECTOR_SMS = "+32456334455"
PURCHASER_SMS = "+32456223344"


@tagged("post_install", "-at_install")
class TestReminderBothChannels(BounceCommon):
    """A level that sends "Email and SMS": each channel falls back on its own.
    An email that bounced goes again, email only, to the next contact with a
    usable email; an SMS that failed goes again, SMS only, to the next contact
    with a usable mobile; the other channel, delivered, is not sent again;
    both failing give one fallback each and one activity."""

    def _send_both(self, invoice_days=16):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=invoice_days))
        self._run_cron_mocked()
        reminder = self._reminders(self.customer)
        self.assertEqual((len(reminder), reminder.channel), (1, "both"))
        return invoice, reminder

    def _fail_sms_at_sending(self, reminder):
        with self.mockSMSGateway(sim_error="wrong_number_format"), self.mock_mail_gateway():
            reminder.sms_id.send()
        self.env.invalidate_all()

    def _deliver_sms(self, reminder):
        with self.mockSMSGateway(force_delivered=True), self.mock_mail_gateway():
            reminder.sms_id.send()
        self.env.invalidate_all()

    def _report(self, status, reminder):
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._make_webhook_jsonrpc_request(
                [{"sms_status": status, "uuids": [reminder.sms_uuid]}]
            )
        self.env.invalidate_all()

    def _fallbacks(self, reminder, channel):
        return reminder.resend_ids.filtered(lambda r: r.is_fallback and r.channel == channel)

    @freeze_time(NOW)
    def test_email_bounce_resends_the_email_only(self):
        _invoice, first = self._send_both()
        self._deliver_sms(first)
        self._bounce(first)
        self.assertRecordValues(
            first,
            [
                {
                    "email_status": "bounced",
                    "sms_status": "sent",
                    "state": "partial",
                    "fallback_state": "resent",
                }
            ],
        )
        second = first.resend_ids
        self.assertRecordValues(
            second,
            [
                {
                    "channel": "email",
                    "contact_id": self.director.id,
                    "sms_state": "none",
                    "is_fallback": True,
                }
            ],
        )
        self.assertEqual(second.recipient_ids, self.director)
        self.assertFalse(
            self.env["sms.sms"].search([("number", "=", DIRECTOR_SMS)]),
            "the SMS was delivered: not sent again",
        )

    @freeze_time(NOW)
    def test_sms_failure_resends_the_sms_only(self):
        _invoice, first = self._send_both()
        self._fail_sms_at_sending(first)
        second = first.resend_ids
        self.assertRecordValues(
            second, [{"channel": "sms", "email_state": "none", "sms_number": DIRECTOR_SMS}]
        )
        self.assertFalse(self._mails_to(self.director), "the email arrived: not sent again")
        self.assertEqual(first.state, "partial")

    @freeze_time(NOW)
    def test_sms_fails_then_email_bounces_each_falls_back(self):
        """The SMS fails at sending (its fallback goes out), then the email
        bounces: the email falls back too, on its own."""
        _invoice, first = self._send_both()
        self._fail_sms_at_sending(first)
        self._bounce(first)
        self.assertEqual(len(first.resend_ids), 2)
        sms = self._fallbacks(first, "sms")
        email = self._fallbacks(first, "email")
        self.assertEqual((sms.contact_id, sms.sms_number), (self.director, DIRECTOR_SMS))
        self.assertEqual(email.recipient_ids, self.director)
        self.assertRecordValues(
            first,
            [
                {
                    "email_status": "bounced",
                    "sms_status": "wrong_number",
                    "state": "undelivered",
                    "fallback_state": "resent",
                }
            ],
        )
        self.assertEqual(len(self._fix_activities()), 1, "one activity for both")
        self.assertEqual(len(self._mails_to(self.director)), 1)

    @freeze_time(NOW)
    def test_email_bounces_then_late_sms_report_each_falls_back(self):
        _invoice, first = self._send_both()
        with self.mockSMSGateway():
            first.sms_id.send()
        self._bounce(first)
        self.assertEqual(self._fallbacks(first, "email").recipient_ids, self.director)
        self._report("invalid_destination", first)
        self.assertEqual(len(first.resend_ids), 2)
        self.assertEqual(self._fallbacks(first, "sms").sms_number, DIRECTOR_SMS)
        self.assertEqual(len(self._fix_activities()), 1)

    @freeze_time(NOW)
    def test_each_channel_finds_its_own_next_contact(self):
        """The director has no mobile: the email goes to the director, the
        SMS to the next contact with a usable mobile, the purchaser."""
        self.director.mobile = False
        _invoice, first = self._send_both()
        self._fail_sms_at_sending(first)
        self._bounce(first)
        self.assertEqual(self._fallbacks(first, "email").recipient_ids, self.director)
        self.assertRecordValues(
            self._fallbacks(first, "sms"),
            [{"contact_id": self.purchaser.id, "sms_number": PURCHASER_SMS}],
        )

    @freeze_time(NOW)
    def test_two_failures_of_each_channel_the_same_day(self):
        """Each failure told twice: one fallback per channel, one activity."""
        _invoice, first = self._send_both()
        with self.mockSMSGateway():
            first.sms_id.send()
        self._bounce(first)
        self._report("invalid_destination", first)
        self._bounce(first)
        self._report("not_delivered", first)
        self.assertEqual(len(first.resend_ids), 2)
        self.assertEqual(self.contact.dso_sms_bounce, 1)
        self.assertEqual(len(self._fix_activities()), 1)
        self.assertEqual(len(self._reminders(self.customer)), 3)

    @freeze_time(NOW)
    def test_failures_after_the_customer_paid(self):
        invoice, first = self._send_both()
        self._pay(invoice)
        self._fail_sms_at_sending(first)
        self._bounce(first)
        self.assertRecordValues(first, [{"state": "undelivered", "fallback_state": "not_due"}])
        self.assertFalse(first.resend_ids)
        self.assertEqual(len(self._reminders(self.customer)), 1)
        self.assertEqual(len(self._fix_activities()), 1)

    @freeze_time(NOW)
    def test_customer_without_other_contact(self):
        """No other contact: the email falls back on the customer's own
        address; the customer has no mobile, the SMS reaches nobody."""
        (self.purchaser | self.director).unlink()
        _invoice, first = self._send_both()
        self._fail_sms_at_sending(first)
        self.assertEqual(first.fallback_state, "nobody")
        self.assertFalse(first.resend_ids)
        self._bounce(first)
        email = self._fallbacks(first, "email")
        self.assertEqual(email.recipient_ids, self.customer)
        self.assertEqual(first.fallback_state, "resent")
        self.assertEqual(len(self._fix_activities()), 1)

    @freeze_time(NOW)
    def test_sms_fallbacks_never_loop(self):
        """SMS: the contact -> the director -> the purchaser -> nobody (the
        customer has no mobile); never twice the same number; the email,
        delivered, is never sent again."""
        _invoice, first = self._send_both()
        self._fail_sms_at_sending(first)
        second = self._fallbacks(first, "sms")
        self._fail_sms_at_sending(second)
        third = self._fallbacks(second, "sms")
        self.assertEqual(third.contact_id, self.purchaser)
        self._fail_sms_at_sending(third)
        self.assertEqual(third.fallback_state, "nobody")
        chain = self._reminders(self.customer)
        self.assertEqual(len(chain), 3)
        self.assertEqual(len(set(chain.mapped("sms_number"))), 3)
        self.assertEqual(len(self._mails_to(self.contact)), 1)
        self.assertFalse(self._mails_to(self.director) | self._mails_to(self.purchaser))
        self.assertEqual(len(self._fix_activities()), 1)

    # ------------------------------------------------------------------
    # The next reminders of an "Email and SMS" level
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_next_reminder_sms_skips_the_number_known_to_fail(self):
        """The contact's number failed, its email works: the next "Email and
        SMS" reminder emails the contact and texts the next contact with a
        usable mobile (before: the dead number again)."""
        _invoice, first = self._send_both()
        self._fail_sms_at_sending(first)
        self.assertEqual(self.contact.dso_sms_bounce, 1)
        with freeze_time("2025-03-27 10:00:00"):
            with self.mock_mail_gateway(), self.mockSMSGateway():
                self._run_cron()
                latest = self._reminders(self.customer).filtered(lambda r: not r.previous_id)[
                    -1
                ]
                self.assertNotEqual(latest, first)
                self.assertRecordValues(
                    latest.with_user(self.billing),
                    [
                        {
                            "channel": "both",
                            "contact_id": self.contact.id,
                            "sms_contact_id": self.director.id,
                            "sms_number": DIRECTOR_SMS,
                            "sms_state": "queued",
                            "email_state": "queued",
                        }
                    ],
                )
                self.assertEqual(latest.recipient_ids, self.contact, "its email works")
                self.assertEqual(
                    [
                        (line.partner_id, line.send_as, line.reason_code)
                        for line in latest.recipient_line_ids
                    ],
                    [(self.contact, "to", "collection"), (self.director, "sms", "fallback")],
                )
                self.assertEqual(latest.sms_id.partner_id, self.director)
                self.assertIn(self.director.name, "\n".join(latest._channel_summary()))

    @freeze_time(NOW)
    def test_next_reminder_sms_of_a_second_failure_counts_on_its_person(self):
        _invoice, first = self._send_both()
        self._fail_sms_at_sending(first)
        with freeze_time("2025-03-27 10:00:00"):
            self._run_cron_mocked()
            latest = self._reminders(self.customer).filtered(lambda r: not r.previous_id)[-1]
            self.assertEqual(latest.sms_contact_id, self.director)
            self._fail_sms_at_sending(latest)
            self.assertEqual(self.director.dso_sms_bounce, 1)
            self.assertEqual(self.contact.dso_sms_bounce, 1, "not counted twice")
            self.assertEqual(latest.undelivered_contact_ids, self.director)
            self.assertEqual(latest.sms_status, "wrong_number")
            self.assertEqual(latest.email_status, "outgoing", "the email is not sent again")
            resent = self._fallbacks(latest, "sms")
            self.assertRecordValues(
                resent, [{"contact_id": self.purchaser.id, "sms_number": PURCHASER_SMS}]
            )
            self.assertFalse(self._fallbacks(latest, "email"))
        # a director with a history of SMS is kept, as a contact is
        with self.assertRaises(UserError):
            self.director.unlink()
