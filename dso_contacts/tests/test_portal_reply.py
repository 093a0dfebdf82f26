# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common_portal import PortalCommon
from .common_reminder import NOW, TODAY

REPLY = """Return-Path: {return_path}
To: {to}
cc: {cc}
Received: by mail1.example.com (Postfix, from userid 10002)
    id 5DF9ABFB2A; Fri, 10 Aug 2012 16:16:39 +0200 (CEST)
From: {email_from}
Subject: {subject}
MIME-Version: 1.0
Content-Type: multipart/alternative;
    boundary="----=_Part_4200734_24778174.1344608186754"
Date: Fri, 10 Aug 2012 14:16:26 +0000
Message-ID: {msg_id}
{extra}
------=_Part_4200734_24778174.1344608186754
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

We paid invoice last week, see our bank statement.

------=_Part_4200734_24778174.1344608186754--
"""


@tagged("post_install", "-at_install")
class TestReminderReply(PortalCommon):
    def test_reply_to_reminder_lands_on_the_customer(self):
        with freeze_time(NOW):
            self._create_invoice(self.customer, TODAY - timedelta(days=10))
        with freeze_time(NOW), self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
        reminder = self._reminders(self.customer)
        self.assertFalse(reminder.is_answered)
        mail = reminder.mail_id
        self.assertTrue(mail.message_id)
        self.format_and_process(
            REPLY,
            self.contact.email,
            reminder.reply_to_address,
            subject="Re: payment reminder",
            extra=f"In-Reply-To: {mail.message_id}\nReferences: {mail.message_id}\n",
            target_model="res.partner",
        )
        self.assertTrue(reminder.is_answered)
        self.assertTrue(reminder.answer_date)
        on_reminder = reminder.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(on_reminder), 1)
        self.assertEqual(on_reminder.author_id, self.contact)
        on_customer = self.customer.message_ids.filtered(
            lambda m: "bank statement" in (m.body or "")
        )
        self.assertEqual(len(on_customer), 1)
        self.assertEqual(on_customer.author_id, self.contact)
        self.assertEqual(on_customer.subject, "Re: payment reminder")

    def test_collector_note_does_not_mark_answered(self):
        with freeze_time(NOW):
            self._create_invoice(self.customer, TODAY - timedelta(days=10))
        with freeze_time(NOW), self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
        reminder = self._reminders(self.customer)
        reminder.with_user(self.accountant).message_post(
            body="Called them", message_type="comment"
        )
        self.assertFalse(reminder.is_answered)
