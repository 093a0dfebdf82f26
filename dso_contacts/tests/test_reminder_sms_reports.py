# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta
from uuid import uuid4

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import company_user
from .common_reminder import NOW, TODAY
from .test_reminder_bounce import BounceCommon

DIRECTOR_SMS = "+32456334455"
PURCHASER_SMS = "+32456223344"


@tagged("post_install", "-at_install")
class TestReminderSmsReports(BounceCommon):
    """The SMS provider's delivery report arrives after the SMS was sent,
    through core's webhook (``/sms/status``) and the SMS's tracker: a wrong
    number, an invalid destination or an SMS not delivered makes the reminder
    undelivered and falls back as a failure at sending does; "delivered"
    changes nothing; a report of an unknown SMS or of another company's SMS
    harms nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._setup_company_b()
        cls._setup_reminder_company(cls.company_b, "billing@b.example.com")
        cls.customer_b, cls.contact_b = cls._create_customer(
            "Beta", "0456 77 66 55", company=cls.company_b
        )
        cls.other_b = cls.env["res.partner"].create(
            {
                "name": "Bea Backup",
                "parent_id": cls.customer_b.id,
                "type": "contact",
                "email": "bea@beta.example.com",
                "mobile": "0456 77 00 11",
            }
        )
        cls.billing_b = company_user(cls.env, cls.company_b, "dso_billing_b_sms")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _send_both(self, customer=None, company=None):
        """A reminder of the "email and SMS" level, its SMS handed to the
        provider (state "Sent", waiting for the delivery report)."""
        customer = customer or self.customer
        self._create_invoice(customer, TODAY - timedelta(days=16), company=company)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
            reminder = self._reminders(customer)
            self.assertEqual(len(reminder), 1)
            self.assertEqual(reminder.channel, "both")
            reminder.sms_id.send()
        self.env.invalidate_all()
        self.assertEqual((reminder.sms_status, reminder.state), ("pending", "sent"))
        return reminder

    def _report(self, status, *reminders, uuids=None):
        """The provider's delivery report, posted to core's webhook as IAP
        posts it."""
        uuids = uuids or [reminder.sms_uuid for reminder in reminders]
        with self.mock_mail_gateway(), self.mockSMSGateway():
            answer = self._make_webhook_jsonrpc_request(
                [{"sms_status": status, "uuids": uuids}]
            )
        self.env.invalidate_all()
        return answer

    def _sms_fallbacks(self, reminder):
        return reminder.resend_ids.filtered(lambda r: r.is_fallback and r.channel == "sms")

    # ------------------------------------------------------------------
    # Through the webhook
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_late_invalid_destination_falls_back_to_the_next_mobile(self):
        first = self._send_both()
        self.assertEqual(
            self.env["sms.tracker"].search_count([("sms_uuid", "=", first.sms_uuid)]),
            1,
            "core's tracker of the SMS",
        )
        self.assertEqual(self._report("invalid_destination", first), "OK")

        self.assertRecordValues(
            first.with_user(self.billing),
            [
                {
                    "sms_undelivered": True,
                    "sms_status": "wrong_number",
                    "email_status": "outgoing",
                    "state": "partial",
                    "fallback_state": "resent",
                }
            ],
        )
        self.assertEqual(first.undelivered_contact_ids, self.contact)
        self.assertEqual(
            first.undelivered_data,
            ["sms_wrong_number", {"failure_type": "sms_invalid_destination"}],
        )
        self.assertEqual(first.undelivered_text, "Invalid Destination")
        self.assertEqual(self.contact.dso_sms_bounce, 1)
        self.assertEqual(self.contact.message_bounce, 0, "the email address is fine")
        second = first.resend_ids
        self.assertRecordValues(
            second,
            [
                {
                    "previous_id": first.id,
                    "is_fallback": True,
                    "channel": "sms",
                    "contact_id": self.director.id,
                    "sms_number": DIRECTOR_SMS,
                    "sms_state": "queued",
                    "email_state": "none",
                }
            ],
        )
        self.assertSMSOutgoing(self.director, DIRECTOR_SMS)
        self.assertFalse(self._mails_to(self.director), "the email arrived: not sent again")
        self.assertEqual(len(self._fix_activities()), 1)
        self.assertEqual(self._fix_activities().user_id, self.accountant)
        note = self.customer.message_ids.filtered(lambda m: "Sent again to" in str(m.body))
        self.assertEqual(len(note), 1, "the customer's history says both sends")
        self.assertIn(self.director.name, str(note.body))
        # the next reminders' SMS skip the number known to fail
        self.assertIn("could not reach the number", self.customer.dso_collection_warning)

    @freeze_time(NOW)
    def test_late_not_delivered_and_wrong_number_format(self):
        first = self._send_both()
        self._report("not_delivered", first)
        self.assertEqual(first.sms_status, "wrong_number")
        self.assertEqual(first.undelivered_text, "Not Delivered")
        self.assertEqual(self._sms_fallbacks(first).contact_id, self.director)
        # the fallback's SMS is handed to the provider, then reported as a
        # number of a wrong format: the next mobile
        second = self._sms_fallbacks(first)
        with self.mockSMSGateway():
            second.sms_id.send()
        self._report("wrong_number_format", second)
        self.assertEqual(second.sms_status, "wrong_number")
        self.assertEqual(second.undelivered_text, "Wrong Number Format")
        self.assertEqual(self.director.dso_sms_bounce, 1)
        third = self._sms_fallbacks(second)
        self.assertRecordValues(
            third, [{"contact_id": self.purchaser.id, "sms_number": PURCHASER_SMS}]
        )
        self.assertEqual(len(self._fix_activities()), 1, "one activity for the chain")

    @freeze_time(NOW)
    def test_delivered_report_changes_nothing(self):
        first = self._send_both()
        self._report("delivered", first)
        self.assertRecordValues(
            first,
            [
                {
                    "sms_status": "sent",  # Delivered
                    "state": "sent",
                    "sms_undelivered": False,
                    "fallback_state": False,
                }
            ],
        )
        self.assertFalse(first.resend_ids)
        self.assertFalse(self._fix_activities())
        self.assertEqual(self.contact.dso_sms_bounce, 0)
        self.assertEqual(len(self._reminders(self.customer)), 1)
        # a late failure report after "delivered" does not undo it (core's rule)
        self._report("invalid_destination", first)
        self.assertEqual((first.sms_status, first.state), ("sent", "sent"))
        self.assertFalse(first.resend_ids)
        self.assertEqual(self.contact.dso_sms_bounce, 0)

    @freeze_time(NOW)
    def test_expired_is_a_delivery_failure_not_a_wrong_number(self):
        """An SMS that expired (a phone switched off for days) failed, but the
        number is good: no fallback, the contact stays reachable."""
        first = self._send_both()
        self._report("expired", first)
        self.assertRecordValues(
            first,
            [{"sms_status": "sms_error", "sms_undelivered": False, "state": "partial"}],
        )
        self.assertFalse(first.resend_ids)
        self.assertFalse(self._fix_activities())
        self.assertEqual(self.contact.dso_sms_bounce, 0)

    @freeze_time(NOW)
    def test_same_report_twice_one_fallback(self):
        first = self._send_both()
        self._report("invalid_destination", first)
        self._report("invalid_destination", first)
        self._report("not_delivered", first)
        self.assertEqual(len(first.resend_ids), 1)
        self.assertEqual(self.contact.dso_sms_bounce, 1, "counted once")
        self.assertEqual(len(self._fix_activities()), 1)

    @freeze_time(NOW)
    def test_unknown_uuid_and_bad_values_harm_nothing(self):
        first = self._send_both()
        reminders = self._reminders()
        self.assertEqual(self._report("invalid_destination", uuids=[uuid4().hex]), "OK")
        # core refuses an ill-formed report (its uuid is not 32 hex digits)
        with (
            mute_logger("odoo.addons.sms.controllers.main", "odoo.http"),
            self.assertRaises(JsonRpcException),
        ):
            self._make_webhook_jsonrpc_request(
                [{"sms_status": "invalid_destination", "uuids": [f"{first.sms_uuid}' OR 1=1"]}]
            )
        self.env.invalidate_all()
        self.assertEqual(self._reminders(), reminders, "nothing sent")
        self.assertRecordValues(
            first, [{"sms_status": "pending", "state": "sent", "sms_undelivered": False}]
        )
        self.assertFalse(self._fix_activities())
        self.assertEqual(self.contact.dso_sms_bounce, 0)

    @freeze_time(NOW)
    def test_report_of_another_companys_sms(self):
        """A report for company B's SMS changes B's reminder only: B's
        fallback, to B's contact, in B; company A's reminder and users see
        nothing of it."""
        mine = self._send_both()
        theirs = self._send_both(self.customer_b, company=self.company_b)
        self.assertEqual(theirs.company_id, self.company_b)
        self._report("invalid_destination", theirs)
        self.assertRecordValues(
            mine, [{"sms_status": "pending", "state": "sent", "sms_undelivered": False}]
        )
        self.assertFalse(mine.resend_ids)
        self.assertFalse(self._fix_activities())
        self.assertEqual(theirs.sms_status, "wrong_number")
        resent = theirs.resend_ids
        self.assertRecordValues(
            resent,
            [
                {
                    "company_id": self.company_b.id,
                    "contact_id": self.other_b.id,
                    "channel": "sms",
                    "is_fallback": True,
                }
            ],
        )
        Reminder = self.env["dso.reminder"]
        self.assertFalse(
            Reminder.with_user(self.billing).search([("id", "in", (theirs | resent).ids)]),
            "company A's Billing user sees nothing of B",
        )
        self.assertEqual(
            Reminder.with_user(self.billing_b).search(
                [("partner_id", "=", self.customer_b.id)]
            ),
            theirs | resent,
        )
        self.assertEqual(len(self._fix_activities(self.customer_b)), 1)

    # ------------------------------------------------------------------
    # Through the tracker's methods (as the webhook and the queue call them)
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_tracker_methods(self):
        first = self._send_both()
        tracker = self.env["sms.tracker"].search([("sms_uuid", "=", first.sms_uuid)])
        with self.mockSMSGateway(), self.mock_mail_gateway():
            tracker._action_update_from_sms_state("sent")
        self.assertEqual((first.sms_status, first.state), ("sent", "sent"))
        self.assertFalse(first.resend_ids)

        self.env.invalidate_all()
        other_customer, _other_contact = self._create_customer("Gamma", "0456 12 12 12")
        gamma = self._send_both(other_customer)
        tracker = self.env["sms.tracker"].search([("sms_uuid", "=", gamma.sms_uuid)])
        with self.mockSMSGateway(), self.mock_mail_gateway():
            result = tracker._action_update_from_provider_error("invalid_destination")
        self.assertEqual(result, ("bounce", "sms_invalid_destination", False), "core's answer")
        self.env.invalidate_all()
        self.assertEqual((gamma.sms_status, gamma.state), ("wrong_number", "partial"))
        self.assertEqual(gamma.fallback_state, "nobody", "Gamma has no other mobile")
        self.assertEqual(len(self._fix_activities(other_customer)), 1)

    def test_old_reminder_trackers_are_vacuumed(self):
        """A reminder's SMS tracker goes after half a year (its notification
        does for core's own); a recent one and core's trackers stay."""
        with freeze_time(NOW):
            old = self._send_both()
            recent = self._send_both(self.customer_b, company=self.company_b)
            # sent 181 days and today before the vacuum (the ORM's create_date
            # is the transaction's real time, not the frozen one)
            for reminder, age in ((old, 181), (recent, 0)):
                self.env.cr.execute(
                    "UPDATE dso_reminder SET create_date = %s WHERE id = %s",
                    [fields.Datetime.to_datetime(NOW) - timedelta(days=age), reminder.id],
                )
            Tracker = self.env["sms.tracker"]
            core_tracker = Tracker.create({"sms_uuid": uuid4().hex})
            Tracker._gc_dso_reminder_trackers()
        self.assertFalse(Tracker.search([("sms_uuid", "=", old.sms_uuid)]))
        self.assertTrue(Tracker.search([("sms_uuid", "=", recent.sms_uuid)]))
        self.assertTrue(core_tracker.exists(), "a tracker of no reminder is core's business")
        self.assertEqual(old.sms_status, "pending", "the reminder keeps its status")
