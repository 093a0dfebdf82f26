# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import smtplib
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import file_open, mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import company_user
from .common_reminder import NOW, TODAY, ReminderCommon

MAIL_LOGGER = "odoo.addons.mail.models.mail_mail"
THREAD_LOGGER = "odoo.addons.mail.models.mail_thread"


class BounceCommon(ReminderCommon):
    """A customer with its contact for collection (an accountant), a
    purchaser and a financial director, each with an email and a mobile; the
    company's fallback order: the director, then the purchaser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dso_reminder_user_id = cls.accountant
        role = cls.env.ref
        cls.contact.contact_role_id = role("dso_contacts.contact_role_accountant")
        cls.purchaser = cls.env["res.partner"].create(
            {
                "name": "Paul Purchaser",
                "parent_id": cls.customer.id,
                "type": "contact",
                "contact_role_id": role("dso_contacts.contact_role_purchaser").id,
                "email": "paul@alpha.example.com",
                "mobile": "0456 22 33 44",
            }
        )
        cls.director = cls.env["res.partner"].create(
            {
                "name": "Diane Director",
                "parent_id": cls.customer.id,
                "type": "contact",
                "contact_role_id": role("dso_contacts.contact_role_financial_director").id,
                "email": "diane@alpha.example.com",
                "mobile": "0456 33 44 55",
            }
        )
        # the company's fallback order: the financial director, then the purchaser
        cls.env["dso.fallback.role"].create(
            [
                {
                    "company_id": cls.company.id,
                    "sequence": 1,
                    "role_id": cls.director.contact_role_id.id,
                },
                {
                    "company_id": cls.company.id,
                    "sequence": 2,
                    "role_id": cls.purchaser.contact_role_id.id,
                },
            ]
        )
        cls.billing = company_user(
            cls.env, cls.company, "dso_billing_bounce", name="Bill Billing"
        )
        cls.fix_type = cls.env.ref("dso_contacts.mail_activity_type_fix_contact")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _send_first_reminder(self, days=6):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=days))
        self._run_cron_mocked()
        return invoice, self._reminders(self.customer)

    def _bounce(self, reminder, sample="dsn_postfix_user_unknown.eml", recipient=None):
        """A mail server returns the email of ``reminder``: its delivery status
        notification, processed by Odoo's mail gateway (as superuser, as the
        fetchmail cron and the mailgate script run it)."""
        message = self.env["mail.message"].search(
            [
                ("model", "=", "dso.reminder"),
                ("res_id", "=", reminder.id),
                ("message_type", "=", "email_outgoing"),
            ]
        )
        self.assertEqual(len(message), 1)
        email = recipient or reminder.recipient_ids[:1].email_normalized
        with file_open(f"dso_contacts/tests/samples/{sample}") as dsn_file:
            dsn = dsn_file.read()
        dsn = (
            dsn.replace("{message_id}", message.message_id)
            .replace("{recipient}", email)
            .replace("{domain}", email.split("@")[-1])
        )
        with self.mock_mail_gateway(), self.mockSMSGateway(), mute_logger(THREAD_LOGGER):
            self.env["mail.thread"].message_process(False, dsn)
        self.env.invalidate_all()

    def _fix_activities(self, customer=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", (customer or self.customer).id),
                ("activity_type_id", "=", self.fix_type.id),
            ]
        )


@tagged("post_install", "-at_install")
class TestReminderBounce(BounceCommon):
    """A reminder that does not arrive (a bounce returned by a mail server, a
    recipient refused by the SMTP server, an SMS to a wrong number) is marked
    undelivered, the collector gets one activity, and the reminder goes out
    again to the customer's next reachable contact, never in a loop."""

    # ------------------------------------------------------------------
    # A bounce, and the fallback
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_postfix_bounce_marks_undelivered_and_sends_to_the_next_contact(self):
        invoice, first = self._send_first_reminder()
        self.assertEqual((first.state, first.recipient_ids), ("sent", self.contact))
        self._bounce(first)

        self.assertRecordValues(
            first.with_user(self.billing),
            [
                {
                    "email_status": "bounced",
                    "state": "undelivered",
                    "email_bounced": True,
                    "fallback_state": "resent",
                }
            ],
        )
        self.assertEqual(first.undelivered_contact_ids, self.contact)
        self.assertEqual(self.contact.message_bounce, 1, "core's counter, on the contact")
        second = first.resend_ids
        self.assertEqual(len(second), 1)
        self.assertRecordValues(
            second,
            [
                {
                    "previous_id": first.id,
                    "is_fallback": True,
                    "contact_id": self.director.id,
                    "level_id": first.level_id.id,
                    "channel": "email",
                    "state": "sent",
                }
            ],
        )
        self.assertEqual(second.recipient_ids, self.director, "the company's fallback order")
        self.assertEqual(second.move_ids, invoice)
        self.assertEqual(len(self._mails_to(self.director)), 1)
        self.assertEqual(len(self._mails_to(self.contact)), 1, "the first email only")
        activity = self._fix_activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.accountant, "the reminders' sender collects")
        note = self.customer.message_ids.filtered(lambda m: "Sent again to" in str(m.body))
        self.assertEqual(len(note), 1, "the customer's history says both sends")
        self.assertIn(self.director.name, str(note.body))

    @freeze_time(NOW)
    def test_without_fallback_order_the_roles_order(self):
        """No fallback order set for the company: every contact, in the order
        of the contact roles (the purchaser before the financial director)."""
        self.env["dso.fallback.role"].search([("company_id", "=", self.company.id)]).unlink()
        _invoice, first = self._send_first_reminder()
        self._bounce(first)
        self.assertEqual(first.resend_ids.recipient_ids, self.purchaser)

    @freeze_time(NOW)
    def test_exchange_bounce_with_headers_only(self):
        """Exchange returns the original headers only (text/rfc822-headers)
        and says 5.1.10: the reminder is found all the same."""
        _invoice, first = self._send_first_reminder()
        self._bounce(first, sample="dsn_exchange_recipient_not_found.eml")
        self.assertEqual((first.email_status, first.state), ("bounced", "undelivered"))
        self.assertEqual(first.resend_ids.recipient_ids, self.director)
        self.assertEqual(self.contact.message_bounce, 1)

    @freeze_time(NOW)
    def test_smtp_server_refuses_the_recipient_at_sending(self):
        _invoice, first = self._send_first_reminder()
        refused = self.contact.email_normalized

        def send_message(message, smtp_from, smtp_to_list):
            raise smtplib.SMTPRecipientsRefused(
                {refused: (550, b"5.1.1 <%s>: Recipient address rejected" % refused.encode())}
            )

        with (
            self.mock_mail_gateway(),
            self.mockSMSGateway(),
            patch.object(self.testing_smtp_session, "send_message", side_effect=send_message),
            mute_logger(MAIL_LOGGER),
        ):
            first.mail_id.send()
        self.env.invalidate_all()
        self.assertEqual((first.email_status, first.state), ("bounced", "undelivered"))
        self.assertEqual(self.contact.message_bounce, 1, "counted as a bounce")
        self.assertEqual(first.resend_ids.recipient_ids, self.director)
        self.assertEqual(first.undelivered_data[0], "smtp_refused")
        self.assertIn("Recipient address rejected", first.undelivered_text)
        self.assertEqual(len(self._fix_activities()), 1)

    @freeze_time(NOW)
    def test_undelivered_reason_in_the_readers_language(self):
        """The gateway processes the bounce (as superuser, in English): the
        reason is stored as a code and each reader reads it in their own
        language."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_contacts"], ["fr_FR"])
        _invoice, first = self._send_first_reminder()
        self._bounce(first)
        email = self.contact.email_normalized
        self.assertEqual(first.undelivered_data, ["email_returned", {"email": email}])
        self.assertEqual(
            first.with_context(lang="en_US").undelivered_text,
            f"The mail server of {email} returned the email.",
        )
        self.billing.lang = "fr_FR"
        reader = first.with_user(self.billing).with_context(lang=self.billing.lang)
        self.assertEqual(
            reader.undelivered_text,
            f"Le serveur de messagerie de {email} a renvoyé l'e-mail.",
        )

    @freeze_time(NOW)
    def test_undelivered_reason_stored_as_text_before_the_codes(self):
        _invoice, first = self._send_first_reminder()
        first.write({"undelivered_reason": "Old text", "undelivered_data": False})
        self.assertEqual(first.undelivered_text, "Old text")

    @freeze_time(NOW)
    def test_smtp_connection_failure_is_not_a_bounce(self):
        _invoice, first = self._send_first_reminder()
        IrMailServer = type(self.env["ir.mail_server"])
        with (
            patch.object(IrMailServer, "send_email", side_effect=ConnectionError("192.5.1.3")),
            mute_logger(MAIL_LOGGER),
        ):
            first.mail_id.send()
        self.assertEqual((first.email_status, first.state), ("exception", "failed"))
        self.assertFalse(first.resend_ids)
        self.assertEqual(self.contact.message_bounce, 0)

    @freeze_time(NOW)
    def test_sms_to_a_wrong_number_goes_to_the_next_mobile(self):
        _invoice, first = self._send_first_reminder(days=16)
        self.assertEqual(first.channel, "both")
        with self.mockSMSGateway(sim_error="wrong_number_format"), self.mock_mail_gateway():
            first.sms_id.send()
        self.env.invalidate_all()
        self.assertEqual(
            (first.email_status, first.sms_status, first.state),
            ("outgoing", "wrong_number", "partial"),
        )
        self.assertEqual(self.contact.dso_sms_bounce, 1)
        self.assertEqual(self.contact.message_bounce, 0, "the email address is fine")
        self.assertEqual(
            first.undelivered_data, ["sms_wrong_number", {"failure_type": "sms_number_format"}]
        )
        self.assertEqual(first.undelivered_text, "Wrong Number Format")
        second = first.resend_ids
        self.assertRecordValues(
            second,
            [
                {
                    "channel": "sms",
                    "contact_id": self.director.id,
                    "sms_number": "+32456334455",
                    "is_fallback": True,
                }
            ],
        )
        self.assertSMSOutgoing(self.director, "+32456334455")
        # a corrected number is reachable again
        self.contact.with_user(self.accountant).mobile = "0456 99 88 77"
        self.assertEqual(self.contact.dso_sms_bounce, 0)

    # ------------------------------------------------------------------
    # Abusers: no other contact, twice the same day, paid, a loop
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_customer_without_other_contact(self):
        """The customer's own address is the last fallback; when it bounces
        too, the chain stops and says so."""
        (self.purchaser | self.director).unlink()
        _invoice, first = self._send_first_reminder()
        self._bounce(first)
        second = first.resend_ids
        self.assertEqual(second.recipient_ids, self.customer, "the customer's own address")
        self._bounce(second)
        self.assertRecordValues(second, [{"state": "undelivered", "fallback_state": "nobody"}])
        self.assertFalse(second.resend_ids)
        self.assertEqual(len(self._fix_activities()), 1, "one activity for the whole chain")
        self.assertTrue(
            self.customer.message_ids.filtered(
                lambda m: "No other reachable contact" in str(m.body)
            )
        )

    @freeze_time(NOW)
    def test_customer_without_any_reachable_address(self):
        (self.purchaser | self.director).unlink()
        self.customer.email = False
        _invoice, first = self._send_first_reminder()
        self._bounce(first)
        self.assertEqual(first.fallback_state, "nobody")
        self.assertFalse(first.resend_ids)
        self.assertEqual(len(self._fix_activities()), 1)

    @freeze_time(NOW)
    def test_two_bounces_the_same_day(self):
        """The server returns the email twice, then the fallback bounces too:
        one activity, one fallback per reminder."""
        _invoice, first = self._send_first_reminder()
        self._bounce(first)
        self._bounce(first)
        self.assertEqual(len(first.resend_ids), 1, "one fallback")
        self.assertEqual(len(self._fix_activities()), 1, "one activity")
        self.assertEqual(len(self._reminders(self.customer)), 2)
        second = first.resend_ids
        self._bounce(second)
        self.assertEqual(len(self._fix_activities()), 1, "still one activity")
        self.assertEqual(second.resend_ids.recipient_ids, self.purchaser)

    @freeze_time(NOW)
    def test_bounce_after_the_customer_paid(self):
        invoice, first = self._send_first_reminder()
        self._pay(invoice)
        self._bounce(first)
        self.assertRecordValues(
            first,
            [{"state": "undelivered", "email_status": "bounced", "fallback_state": "not_due"}],
        )
        self.assertFalse(first.resend_ids, "nothing is due: nothing sent again")
        self.assertEqual(len(self._reminders(self.customer)), 1)
        self.assertFalse(self._mails_to(self.director))
        self.assertEqual(len(self._fix_activities()), 1, "the contact still needs fixing")

    @freeze_time(NOW)
    def test_fallback_never_loops_back(self):
        """A bounces -> B; B bounces -> C, never A again, even once A's
        address is corrected; C bounces -> the customer; it bounces -> stop."""
        _invoice, first = self._send_first_reminder()
        self._bounce(first)
        second = first.resend_ids
        self.assertEqual(second.recipient_ids, self.director)
        self.contact.with_user(self.accountant).email = "new.payer@alpha.example.com"
        self.assertEqual(self.contact.message_bounce, 0, "reachable again")
        self._bounce(second)
        third = second.resend_ids
        self.assertEqual(third.recipient_ids, self.purchaser, "not the first contact again")
        self._bounce(third)
        fourth = third.resend_ids
        self.assertEqual(fourth.recipient_ids, self.customer)
        self._bounce(fourth)
        self.assertEqual(fourth.fallback_state, "nobody")
        chain = self._reminders(self.customer)
        self.assertEqual(len(chain), 4)
        self.assertEqual(
            len(chain.recipient_ids), 4, "never twice to the same contact for one reminder"
        )

    @freeze_time(NOW)
    def test_late_bounce_of_an_older_reminder_is_not_sent_again(self):
        """The first reminder's bounce arrives after the next level went out:
        only the newest reminder is sent again."""
        _invoice, first = self._send_first_reminder()
        with freeze_time("2025-03-20 10:00:00"):
            self._run_cron_mocked()
            newer = self._reminders(self.customer) - first
            self.assertEqual(newer.recipient_ids, self.contact, "no bounce known yet")
            self._bounce(first)
            self.assertEqual(first.fallback_state, "superseded")
            self.assertFalse(first.resend_ids)
            self._bounce(newer)
        self.assertEqual(newer.resend_ids.recipient_ids, self.director)
        self.assertEqual(len(self._fix_activities()), 1)

    @freeze_time(NOW)
    def test_bounce_of_one_recipient_among_several(self):
        """A reminder sent by hand to two contacts: one address bounces, the
        other received it. The contact is counted and fixed, the reminder
        is not sent again."""
        self._create_invoice(self.customer, TODAY - timedelta(days=6))
        engine = (
            self.env["dso.reminder.engine"].with_user(self.billing).with_company(self.company)
        )
        with self.mock_mail_gateway(), self.mockSMSGateway():
            reminder = engine._send(
                self.customer,
                options={
                    "level": self.level_first,
                    "recipients": self.contact | self.director,
                },
            )
        self.assertEqual(reminder.recipient_ids, self.contact | self.director)
        self._bounce(reminder.sudo(), recipient=self.director.email_normalized)
        self.assertEqual(reminder.undelivered_contact_ids, self.director)
        self.assertEqual(self.director.message_bounce, 1)
        self.assertFalse(reminder.email_bounced, "the contact for collection received it")
        self.assertEqual(reminder.state, "sent")
        self.assertFalse(reminder.resend_ids)
        self.assertEqual(len(self._fix_activities()), 1)

    @freeze_time(NOW)
    def test_fallback_recipient_line_says_next_reachable_contact(self):
        """The history says why each person got the reminder: the first one
        went to the contact for collection, the one sent again after the
        bounce to the next reachable contact."""
        _invoice, first = self._send_first_reminder()
        self._bounce(first)
        second = first.resend_ids
        lines = (first | second).with_user(self.billing).recipient_line_ids
        self.assertRecordValues(
            lines.filtered(lambda line: line.send_as == "to"),
            [
                {"reminder_id": first.id, "partner_id": self.contact.id},
                {"reminder_id": second.id, "partner_id": self.director.id},
            ],
        )
        self.assertEqual(set(first.recipient_line_ids.mapped("reason_code")), {"collection"})
        self.assertEqual(second.recipient_line_ids.mapped("reason_code"), ["fallback"])
        self.assertIn("Next reachable contact", second.recipient_line_ids.reason)

    @freeze_time(NOW)
    def test_escalation_bounce_of_the_role_holder_only(self):
        """A level writing to the financial director too: only the director's
        address bounces. The contact for collection received it: the reminder
        is delivered and not sent again; the director's bounce is counted and
        the collector asked to fix the contact."""
        self.level_first.escalation_role_ids = self.director.contact_role_id
        _invoice, first = self._send_first_reminder()
        self.assertEqual(first.recipient_ids, self.contact | self.director)
        self.assertEqual(
            first.recipient_line_ids.filtered(lambda line: line.send_as == "to").mapped(
                "reason_code"
            ),
            ["collection", "role"],
        )
        self._bounce(first, recipient=self.director.email_normalized)
        self.assertRecordValues(
            first.with_user(self.billing),
            [
                {
                    "email_bounced": False,
                    "email_status": "outgoing",
                    "state": "sent",
                    "fallback_state": False,
                }
            ],
        )
        self.assertEqual(first.undelivered_contact_ids, self.director)
        self.assertEqual(self.director.message_bounce, 1, "the role holder's bounce counted")
        self.assertEqual(self.contact.message_bounce, 0)
        self.assertFalse(first.resend_ids)
        self.assertEqual(len(self._fix_activities()), 1)
        self.assertIn(self.director.name, self._fix_activities().note)

    @freeze_time(NOW)
    def test_fallback_of_a_plan_level_keeps_the_plan_level(self):
        """A customer on its own plan: the reminder of the plan's level bounces,
        the one sent again is the same level of that plan, with its template."""
        plan = self.env["dso.reminder.plan"].create(
            {"name": "Key accounts", "company_id": self.company.id, "sequence": 5}
        )
        key_level = self.env["dso.reminder.level"].create(
            {
                "name": "Key: friendly call",
                "plan_id": plan.id,
                "days": 3,
                "channel": "email",
                "mail_template_id": self.level_second.mail_template_id.id,
            }
        )
        self.customer.dso_reminder_plan_id = plan
        _invoice, first = self._send_first_reminder()
        self.assertEqual(first.level_id, key_level)
        self._bounce(first)
        second = first.resend_ids
        self.assertRecordValues(
            second,
            [
                {
                    "level_id": key_level.id,
                    "is_fallback": True,
                    "channel": "email",
                    "state": "sent",
                }
            ],
        )
        self.assertEqual(second.recipient_ids, self.director)
        self.assertEqual(len(self._mails_to(self.director)), 1)

    @freeze_time(NOW)
    def test_call_level_calls_the_contact_whose_email_bounced(self):
        """A call is not an email: the contact for collection whose address
        bounced is still the one the collector calls (its number is fine),
        the history and the call's note say the same person."""
        self.level_first.action_kind = "activity"
        self.contact.message_bounce = 1
        _invoice, reminder = self._send_first_reminder()
        self.assertRecordValues(
            reminder, [{"channel": "activity", "contact_id": self.contact.id}]
        )
        self.assertEqual(reminder.recipient_line_ids.mapped("reason_code"), ["collector"])
        self.assertIn(self.contact.name, str(reminder.activity_id.note))
        self.assertNotIn(self.director.name, str(reminder.activity_id.note))

    @freeze_time(NOW)
    def test_send_again_by_hand_skips_the_address_known_to_bounce(self):
        invoice, first = self._send_first_reminder()
        self._pay(invoice)
        self._bounce(first)
        self.assertEqual(first.fallback_state, "not_due")
        self._create_invoice(self.customer, TODAY - timedelta(days=7))
        with self.mock_mail_gateway(), self.mockSMSGateway():
            first.with_user(self.billing).action_resend()
        again = first.resend_ids
        self.assertEqual(again.recipient_ids, self.director, "not to the dead address")
        self.assertIn("came back", self.customer.dso_collection_warning)

    # ------------------------------------------------------------------
    # Reachable again; the next reminders; the collectors' list
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_next_reminder_skips_the_contact_known_to_bounce(self):
        """The next level, "Email and SMS": its email goes to the next contact
        with a usable email; its SMS stays with the contact for collection,
        whose number never failed (each channel its own), and an opt-out of
        that number holds."""
        invoice, first = self._send_first_reminder()
        self._bounce(first)
        # the contact for collection opted out of SMS
        self.env["phone.blacklist"]._add(["+32456123456"])
        # ten days later, the next level is due: not to the dead address
        with freeze_time(NOW.replace("2025-03-10", "2025-03-20")):
            self._run_cron_mocked()
        latest = self._reminders(self.customer).filtered(lambda r: not r.previous_id)[-1]
        self.assertNotEqual(latest, first)
        self.assertEqual(latest.recipient_ids, self.director)
        self.assertEqual(latest.trigger_move_id, invoice)
        self.assertRecordValues(
            latest,
            [
                {
                    "channel": "both",
                    "contact_id": self.director.id,
                    "sms_contact_id": self.contact.id,
                    "sms_number": "+32456123456",
                    "sms_state": "blacklisted",  # the opt-out holds
                }
            ],
        )

    @freeze_time(NOW)
    def test_unreachable_filter_and_reachable_again(self):
        Partner = self.env["res.partner"].with_user(self.billing)
        domain = [("dso_collection_unreachable", "=", True)]
        self.assertNotIn(self.customer, Partner.search(domain))
        _invoice, first = self._send_first_reminder()
        self._bounce(first)
        self.assertIn(self.customer, Partner.search(domain))
        self.assertEqual(Partner.search_count([*domain, ("id", "=", self.customer.id)]), 1)
        self.assertTrue(self.customer.with_user(self.billing).dso_collection_unreachable)
        self.assertNotIn(
            self.customer, Partner.search([("dso_collection_unreachable", "=", False)])
        )
        # the address corrected: reachable again
        self.contact.with_user(self.accountant).email = "payer.new@alpha.example.com"
        self.assertNotIn(self.customer, Partner.search(domain))
        # blacklisted, then unblacklisted
        self.env["mail.blacklist"]._add(self.contact.email)
        self.assertIn(self.customer, Partner.search(domain))
        self.env["mail.blacklist"]._remove(self.contact.email)
        self.assertNotIn(self.customer, Partner.search(domain))
        self.assertFalse(self.customer.with_user(self.billing).dso_collection_unreachable)
        # the menu's action, as the collectors open it
        action = self.env.ref("dso_contacts.res_partner_action_unreachable")
        self.contact.with_user(self.accountant).email = "gone@alpha.example.com"
        self.contact.message_bounce = 1
        self.assertIn(self.customer, Partner.search(safe_eval(action.domain)))

    def test_fallback_order_is_per_company(self):
        other = self.env["res.company"].create({"name": "Other Company"})
        theirs = self.env["dso.fallback.role"].create(
            {"company_id": other.id, "role_id": self.contact.contact_role_id.id}
        )
        Fallback = self.env["dso.fallback.role"].with_user(self.billing)
        self.assertNotIn(theirs, Fallback.search([]))
        self.assertEqual(len(Fallback.search([])), 2)
        with self.assertRaises(AccessError):
            Fallback.create({"role_id": self.contact.contact_role_id.id})
