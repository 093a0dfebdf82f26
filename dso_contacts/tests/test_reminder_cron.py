# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import html2plaintext

from odoo.addons.dso_contacts.models.dso_reminder_engine import DsoReminderEngine

from .common_reminder import ENGINE_LOGGER, NOW, TODAY, ReminderCommon

NUMBER = "+32456123456"


@tagged("post_install", "-at_install")
class TestReminderCron(ReminderCommon):
    # ------------------------------------------------------------------
    # recipient, number, chatter
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_reminder_goes_to_contact_for_collection_by_email_and_sms(self):
        other, _ = self._create_customer("Other", "0456 99 88 77")
        self.env["res.partner"].create(
            {
                "name": "Purchaser",
                "parent_id": self.customer.id,
                "email": "buy@alpha.example.com",
            }
        )
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=16), 250.0)
        self._run_cron_mocked()

        reminder = self._reminders(self.customer)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.level_id, self.level_second)
        self.assertEqual(reminder.move_ids, invoice)
        self.assertEqual(reminder.contact_id, self.contact)
        self.assertEqual((reminder.email_state, reminder.sms_state), ("queued", "queued"))
        self.assertEqual(reminder.state, "sent")
        # queued, not sent inside the loop: Odoo's queues send them
        self.assertMailMail(
            self.contact,
            "outgoing",
            content=invoice.name,
            fields_values={
                "subject": f"{self.company.name}: second payment reminder (Alpha SA)"
            },
        )
        self.assertEqual(len(self._new_mails), 1, "no email for the other contact or customer")
        self.assertSMSOutgoing(self.contact, NUMBER, content=invoice.name)
        self.assertEqual(reminder.mail_id.recipient_ids, self.contact)
        self.assertEqual(reminder.sms_id.number, NUMBER)
        self.assertFalse(self._reminders(other), "the other customer owes nothing")
        # in Odoo's light email layout, as send_mail_batch wraps it
        self.assertIn("Powered by", reminder.mail_id.body_html)
        # the customer's chatter says what went where and names the invoice;
        # the invoice shows its reminders from the history (no note of its own)
        note = self.customer.message_ids[:1]
        self.assertIn(invoice.name, note.body)
        self.assertIn(f'data-oe-id="{invoice.id}"', note.body)
        self.assertIn("payer@alpha.example.com", note.body)
        self.assertIn(NUMBER, note.body)
        self.assertEqual(invoice.dso_reminder_ids, reminder)
        self.assertEqual(invoice.dso_reminder_count, 1)
        self.assertEqual(self.customer.dso_reminder_count, 1)

    @freeze_time(NOW)
    def test_email_layout_is_the_one_send_mail_batch_gives(self):
        """The layout rendered once per batch around each email's body says
        what mail.template.send_mail_batch says with the same layout."""
        beta, _ = self._create_customer("Beta", "0456 99 88 77")
        for customer in self.customer | beta:
            self._create_invoice(customer, TODAY - timedelta(days=16), 250.0)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
            reminders = self._reminders()
            self.assertEqual(len(reminders), 2)
            template = reminders[0].level_id.mail_template_id
            core = template.send_mail_batch(
                reminders.ids, email_layout_xmlid="mail.mail_notification_light"
            )
        for reminder, core_mail in zip(reminders, core, strict=True):
            self.assertIn(reminder.move_ids.name, reminder.mail_id.body_html)
            self.assertIn(reminder.partner_id.name, reminder.mail_id.body_html)
            self.assertEqual(
                html2plaintext(reminder.mail_id.body_html), html2plaintext(core_mail.body_html)
            )

    @freeze_time(NOW)
    def test_templates_render_as_core_with_the_source_normalized_once(self):
        """A batch's emails render their field-only templates as core's regex
        mode does, record by record, but normalize the source once for the
        batch, not once per record; an expression core refuses is refused."""
        from odoo.addons.mail.models import mail_render_mixin as core_module

        beta, _ = self._create_customer('Beta <b>&"Co"</b>', "0456 99 88 77")
        gamma, _ = self._create_customer("Gamma", "0456 99 88 66")
        for customer in self.customer | beta | gamma:
            self._create_invoice(customer, TODAY - timedelta(days=16), 250.0)
        self._run_cron_mocked()
        reminders = self._reminders()
        self.assertEqual(len(reminders), 3)
        template = reminders.level_id.mail_template_id
        self.assertEqual(len(template), 1)
        mixin = self.env["mail.render.mixin"]
        source = template.body_html
        self.assertFalse(mixin._has_unsafe_expression_template_qweb(source, "dso.reminder"))
        core = core_module.MailRenderMixin._render_template_qweb_regex(
            mixin, source, "dso.reminder", reminders.ids
        )
        with patch.object(
            core_module, "html_normalize", wraps=core_module.html_normalize
        ) as per_record:
            rendered = template._render_field("body_html", reminders.ids)
        self.assertEqual(per_record.call_count, 0, "core's normalization once per record")
        self.assertEqual(rendered, core)
        self.assertIn(
            "Beta &lt;b&gt;&amp;",
            rendered[reminders.filtered(lambda r: r.partner_id == beta).id],
        )
        with self.assertRaises(SyntaxError):
            mixin._render_template_qweb_regex(
                '<p t-out="object.create_uid.password"/>', "dso.reminder", reminders.ids
            )

    @freeze_time(NOW)
    def test_messages_keep_the_bodies_the_orm_would_store(self):
        """The emails' messages and the customers' notes are written with
        their bodies sanitized once (not by create()): what is stored is what
        the ORM stores for the same HTML."""
        beta, _ = self._create_customer("Beta", "0456 99 88 77")
        for customer in self.customer | beta:
            self._create_invoice(customer, TODAY - timedelta(days=16), 250.0)
        self._run_cron_mocked()
        reminders = self._reminders()
        self.assertEqual(len(reminders), 2)
        dispatch = self.env["dso.reminder.dispatch"]
        rendered = dispatch._render_emails(reminders)

        def stored_by_the_orm(body):
            message = self.env["mail.message"].create({"body": body})
            self.env.invalidate_all()
            return message.body

        for reminder in reminders:
            expected = stored_by_the_orm(rendered[reminder.id]["body_html"])
            message = reminder.mail_id.mail_message_id
            self.assertIn("<table", message.body)
            self.assertEqual(message.body, expected)
            note = reminder.partner_id.message_ids[:1]
            expected = stored_by_the_orm(
                self.env["ir.qweb"]._render(
                    "dso_contacts.reminder_customer_note",
                    {"reminders": reminder, **dispatch._format_helpers()},
                    minimal_qcontext=True,
                )
            )
            self.assertIn(reminder.move_ids.name, note.body)
            self.assertEqual(note.body, expected)

    @freeze_time(NOW)
    def test_batch_queries_do_not_grow_with_its_customers(self):
        """A batch of the scheduled action (history, emails, SMS, notes, page
        links) costs the same queries for 3 customers as for 9: no query per
        customer (the benchmark's 0.3 to 0.4 per customer are per batch), and
        each customer gets one note naming its own reminder and invoice."""
        engine = self.env["dso.reminder.engine"].sudo().with_company(self.company)

        def batch_queries(count):
            customers = self.env["res.partner"]
            invoices = self.env["account.move"]
            for i in range(count):
                customer, _contact = self._create_customer(
                    f"Q{count}x{i}", f"0456 {count:02d} {i:02d} 00"
                )
                customers |= customer
                invoices |= self._create_invoice(customer, TODAY - timedelta(days=16))
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with self.assertNoLogs(ENGINE_LOGGER, "WARNING"):
                reminders = engine._process_batch(customers, TODAY)
            self.env.flush_all()
            queries = self.env.cr.sql_log_count - before
            self.assertEqual(len(reminders), count)
            for i, (customer, invoice) in enumerate(zip(customers, invoices, strict=True)):
                notes = customer.message_ids.filtered(
                    lambda message: "Payment reminder" in (message.body or "")
                )
                self.assertEqual(len(notes), 1)
                self.assertIn(invoice.name, notes.body)
                self.assertIn(f'data-oe-id="{invoice.id}"', notes.body)
                self.assertIn(f"payer@q{count}x{i}.example.com", notes.body)
                other = (i + 1) % count
                self.assertNotIn(f"payer@q{count}x{other}.example.com", notes.body)
            return queries

        with self.mock_mail_gateway(), self.mockSMSGateway():
            batch_queries(2)  # the first reads of the registry's caches
            self.assertEqual(batch_queries(9), batch_queries(3), "no query per customer")

    @freeze_time(NOW)
    def test_email_and_sms_carry_the_customers_page_link(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=16), 250.0)
        self._run_cron_mocked()
        access = self.env["dso.customer.access"].search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)]
        )
        self.assertTrue(access.access_token)
        link = f"/my/dso/{access.id}?access_token={access.access_token}"
        reminder = self._reminders(self.customer)
        self.assertIn(link, reminder.mail_id.body_html)
        # the SMS carries the page's short link, which leads to the same page
        self.assertTrue(access.short_code)
        self.assertIn(f"/dso/{access.short_code}", reminder.sms_id.body)
        self.assertNotIn(access.access_token, reminder.sms_id.body)
        # replies come back through the mail gateway to the reminder
        self.assertEqual(reminder.mail_id.reply_to, reminder.reply_to_address)

    @freeze_time(NOW)
    def test_emails_and_sms_are_sent_by_odoo_queues(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=20))
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
            self.env["mail.mail"].process_email_queue()
            self.env["sms.sms"].sudo()._process_queue()
        self.assertSentEmail(
            self.company.partner_id,
            [self.contact],
            subject=f"{self.company.name}: second payment reminder (Alpha SA)",
        )
        self.assertSMSIapSent([NUMBER])

    @freeze_time(NOW)
    def test_invoice_pdfs_attached_when_the_level_asks(self):
        self.level_first.attach_invoices = True
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=6))
        self._run_cron_mocked()
        attachments = self._reminders(self.customer).mail_id.attachment_ids
        self.assertEqual(len(attachments), 1)
        self.assertIn(invoice.name.replace("/", "_"), attachments.name)

    @freeze_time(NOW)
    def test_sms_goes_to_phone_when_no_mobile(self):
        # a mobile number typed in the phone field
        self.contact.write({"mobile": False, "phone": "0456 55 12 12"})
        self._remind(16)
        self.assertSMSOutgoing(self.contact, "+32456551212")

    @freeze_time(NOW)
    def test_no_sms_to_a_number_that_cannot_receive_one(self):
        # the rule of the import and of the form (issue 19): a landline, or a
        # number phone_validation refuses, is no SMS number
        self.contact.write({"mobile": "+32 2 555 12 13", "phone": "+32 2 555 12 12"})
        reminder = self._remind(16)
        self.assertEqual(
            (reminder.email_state, reminder.sms_state), ("queued", "missing_number")
        )
        self.assertFalse(self._new_sms)
        self._assert_problem(
            self.customer,
            "Alpha Payer has no mobile number that can receive an SMS "
            "(+32 2 555 12 13, +32 2 555 12 12)",
        )

    @freeze_time(NOW)
    def test_sender_is_salesperson_else_company(self):
        self.customer.user_id = self.accountant
        other, _ = self._create_customer("Beta", "0456 99 88 77")
        self._create_invoice(self.customer, TODAY - timedelta(days=6))
        self._create_invoice(other, TODAY - timedelta(days=6))
        self._run_cron_mocked()
        self.assertEqual(
            self._reminders(self.customer).mail_id.author_id, self.accountant.partner_id
        )
        self.assertIn(
            "anna@company.example.com", self._reminders(self.customer).mail_id.email_from
        )
        self.assertEqual(self._reminders(other).mail_id.author_id, self.company.partner_id)

    # ------------------------------------------------------------------
    # levels over the days, no duplicate
    # ------------------------------------------------------------------

    def test_level_progression_over_days(self):
        due = TODAY
        invoice = self._create_invoice(self.customer, due)
        expected = [
            (-4, False),
            (-3, self.level_courtesy),
            (-3, False),  # run again the same day
            (2, False),
            (5, self.level_first),
            (6, False),
            (15, self.level_second),
            (29, False),
            (30, self.level_final),
            (45, False),
        ]
        with self.mock_mail_gateway(), self.mockSMSGateway():
            for days, level in expected:
                with freeze_time(due + timedelta(days=days, hours=10)):
                    before = self._reminders()
                    self._run_cron()
                    new = self._reminders() - before
                    self.assertEqual(
                        new.level_id, level or self.env["dso.reminder.level"], f"day {days}"
                    )
        self.assertEqual(len(self._mails_to(self.contact)), 4)
        self.assertEqual(
            len(self.env["sms.sms"].search([("partner_id", "=", self.contact.id)])), 2
        )
        self.assertEqual(invoice.dso_reminder_count, 4)

    @freeze_time(NOW)
    def test_first_run_sends_only_the_highest_level_reached(self):
        old = self._create_invoice(self.customer, TODAY - timedelta(days=40))
        recent = self._create_invoice(self.customer, TODAY - timedelta(days=1))
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
            self._run_cron()
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.level_id, self.level_final, "no burst of the earlier levels")
        self.assertEqual(reminder.move_ids, old | recent, "one reminder groups the invoices")
        self.assertEqual(reminder.amount_due, 200.0)
        self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(len(self._new_sms), 1)

    def test_invoice_already_reminded_at_a_level_is_not_reminded_again(self):
        first = self._create_invoice(self.customer, TODAY)
        second = self._create_invoice(self.customer, TODAY + timedelta(days=2))
        with self.mock_mail_gateway(), self.mockSMSGateway():
            with freeze_time(TODAY + timedelta(days=5, hours=10)):
                self._run_cron()
            self._pay(first)
            with freeze_time(TODAY + timedelta(days=7, hours=10)):
                # second is now the oldest and reaches +5, but it was in the
                # +5 reminder already
                self._run_cron()
        self.assertEqual(len(self._reminders(self.customer)), 1)
        self.assertEqual(self._reminders(self.customer).move_ids, first | second)

    @freeze_time(NOW)
    def test_one_reminder_per_currency(self):
        eur = self.company.currency_id
        other_currency = self.setup_other_currency("CHF")
        self._create_invoice(self.customer, TODAY - timedelta(days=6), 100.0)
        self._create_invoice(
            self.customer, TODAY - timedelta(days=6), 300.0, currency=other_currency
        )
        self._run_cron_mocked()
        reminders = self._reminders(self.customer)
        self.assertEqual(len(reminders), 2)
        self.assertEqual(set(reminders.currency_id.ids), {eur.id, other_currency.id})
        self.assertEqual(len(self._mails_to(self.contact)), 2)

    # ------------------------------------------------------------------
    # crash, failing customer
    # ------------------------------------------------------------------

    # a run killed in the middle and run again: bench/crash_reminders.py kills
    # a real odoo-bin process (make test-crash); a test transaction never commits

    @freeze_time(NOW)
    def test_progress_reported_per_batch(self):
        for name in ("Beta", "Gamma"):
            customer, _ = self._create_customer(name, "0456 99 88 77")
            self._create_invoice(customer, TODAY - timedelta(days=6))
        self._create_invoice(self.customer, TODAY - timedelta(days=6))
        self.env["ir.config_parameter"].sudo().set_param(
            "dso_contacts.reminder_batch_size", "2"
        )
        self._run_cron_mocked()
        # what ir.cron shows of the run: its progress record, as the UI reads it
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", self.cron.id)])
        self.assertEqual(len(progress), 1)
        self.assertRecordValues(progress, [{"done": 3, "remaining": 0}])
        self.assertEqual(len(self._reminders()), 3)

    @freeze_time(NOW)
    def test_time_budget_spent_leaves_the_rest_for_the_next_run(self):
        for name in ("Beta", "Gamma"):
            customer, _ = self._create_customer(name, "0456 99 88 77")
            self._create_invoice(customer, TODAY - timedelta(days=6))
        self._create_invoice(self.customer, TODAY - timedelta(days=6))
        params = self.env["ir.config_parameter"].sudo()
        # a budget spent before the first batch: the run stops at once
        params.set_param("dso_contacts.reminder_time_budget", "-1")
        self._run_cron_mocked()
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", self.cron.id)])
        self.assertRecordValues(progress, [{"done": 0, "remaining": 3}])
        self.assertFalse(self._reminders())
        params.set_param("dso_contacts.reminder_time_budget", "900")
        self._run_cron_mocked()
        self.assertEqual(len(self._reminders()), 3)

    @freeze_time(NOW)
    def test_failing_customer_is_logged_and_does_not_stop_the_run(self):
        beta, _ = self._create_customer("Beta", "0456 99 88 77")
        gamma, _ = self._create_customer("Gamma", "0456 99 88 66")
        for customer in self.customer | beta | gamma:
            self._create_invoice(customer, TODAY - timedelta(days=6))
        origin = DsoReminderEngine._prepare_vals

        def fail_for_beta(model, group, *args, **kwargs):
            if group["partner"] == beta:
                raise ValueError("template exploded")
            return origin(model, group, *args, **kwargs)

        with (
            self.mock_mail_gateway(),
            self.mockSMSGateway(),
            patch.object(DsoReminderEngine, "_prepare_vals", fail_for_beta),
            self.assertLogs("odoo.addons.dso_contacts.models.dso_reminder_engine", "ERROR"),
        ):
            self.env["dso.reminder.engine"]._cron_send_reminders()
        self.assertEqual(self._reminders().partner_id, self.customer | gamma)
        self.assertIn("template exploded", beta.dso_reminder_problem)
        self.assertIn("template exploded", beta.message_ids[:1].body)

    @freeze_time(NOW)
    def test_a_crashing_engine_fails_a_nothing_sent_test(self):
        """The tests' run of the scheduled action fails when the engine caught
        an error, so that a test asserting "no reminder" cannot pass on a
        crash."""
        self._create_invoice(self.customer, TODAY - timedelta(days=6))

        def crash(model, group, *args, **kwargs):
            raise ValueError("engine crashed")

        with (
            self.mock_mail_gateway(),
            self.mockSMSGateway(),
            patch.object(DsoReminderEngine, "_prepare_vals", crash),
            self.assertRaises(AssertionError),
        ):
            self._run_cron()
        self.assertFalse(self._reminders(), "the crash sent nothing: only the helper saw it")

    # ------------------------------------------------------------------
    # paid, excluded, minimum amount, window
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_paid_invoice_gets_nothing(self):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=10))
        self._pay(invoice)
        self._run_cron_mocked()
        self.assertFalse(self._reminders())
        self.assertFalse(self._new_mails)
        self.assertFalse(self._new_sms)

    @freeze_time(NOW)
    def test_excluded_customer_gets_nothing_until_the_end_date(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=10))
        self.customer.write(
            {"dso_reminder_exclude": True, "dso_reminder_exclude_until": TODAY}
        )
        self.assertEqual(self.customer.dso_next_reminder_date, TODAY + timedelta(days=1))
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
            self.assertFalse(self._reminders())
            with freeze_time(TODAY + timedelta(days=1, hours=10)):
                self._run_cron()
        self.assertEqual(self._reminders().level_id, self.level_first)

    @freeze_time(NOW)
    def test_customer_excluded_without_end_date_gets_nothing(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=40))
        self.customer.dso_reminder_exclude = True
        self._run_cron_mocked()
        self.assertFalse(self._reminders())
        self.assertFalse(self.customer.dso_next_reminder_level_id)

    @freeze_time(NOW)
    def test_next_planned_reminder(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=6))
        self.assertEqual(self.customer.dso_next_reminder_level_id, self.level_first)
        self.assertEqual(self.customer.dso_next_reminder_date, TODAY)
        self._run_cron_mocked()
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.dso_next_reminder_level_id, self.level_second)
        self.assertEqual(self.customer.dso_next_reminder_date, TODAY + timedelta(days=9))

    @freeze_time(NOW)
    def test_minimum_amount(self):
        self.company.dso_reminder_min_amount = 150.0
        small, _ = self._create_customer("Small", "0456 99 88 77")
        self._create_invoice(small, TODAY - timedelta(days=6), 100.0)
        self._create_invoice(self.customer, TODAY - timedelta(days=6), 100.0)
        self._create_invoice(self.customer, TODAY - timedelta(days=1), 60.0)
        self._run_cron_mocked()
        self.assertFalse(self._reminders(small))
        self.assertEqual(self._reminders(self.customer).amount_due, 160.0)

    def test_sending_window(self):
        self.company.write(
            {
                "dso_reminder_saturday": False,
                "dso_reminder_sunday": False,
                "dso_reminder_hour_from": 8.0,
                "dso_reminder_hour_to": 18.0,
            }
        )
        self._create_invoice(self.customer, TODAY - timedelta(days=10))
        with self.mock_mail_gateway(), self.mockSMSGateway():
            with freeze_time("2025-03-08 10:00:00"):  # a Saturday
                self._run_cron()
            self.assertFalse(self._reminders())
            trigger = self.env["ir.cron.trigger"].search(
                [("cron_id", "=", self.cron.id)], order="id desc", limit=1
            )
            self.assertEqual(
                str(trigger.call_at), "2025-03-10 08:00:00", "waits for Monday 8:00"
            )
            with freeze_time("2025-03-08 11:00:00"):
                self._run_cron()
            self.assertEqual(
                self.env["ir.cron.trigger"].search_count(
                    [("cron_id", "=", self.cron.id), ("call_at", "=", "2025-03-10 08:00:00")]
                ),
                1,
                "the next hourly run does not ask again",
            )
            with freeze_time("2025-03-10 18:30:00"):  # Monday evening
                self._run_cron()
            self.assertFalse(self._reminders())
            with freeze_time("2025-03-11 07:59:00"):
                self._run_cron()
            self.assertFalse(self._reminders())
            with freeze_time("2025-03-11 08:00:00"):
                self._run_cron()
        self.assertTrue(self._reminders())

    @freeze_time(NOW)
    def test_automatic_reminders_off_sends_nothing(self):
        self.company.dso_reminder_auto = False
        self._remind(10)
        self.assertFalse(self._reminders())

    # ------------------------------------------------------------------
    # missing data, blacklists: never a silent skip
    # ------------------------------------------------------------------

    def _assert_problem(self, customer, *texts):
        self.assertTrue(customer.dso_reminder_problem)
        for text in texts:
            self.assertIn(text, customer.dso_reminder_problem)
        activity = customer.activity_ids
        self.assertEqual(len(activity), 1)
        for text in texts:
            self.assertIn(text, activity.note)
        flagged = self.env["res.partner"].search([("dso_reminder_problem", "!=", False)])
        self.assertIn(customer, flagged, "the filter finds the customer")

    @freeze_time(NOW)
    def test_missing_contact_for_collection(self):
        self.contact.is_collection_contact = False
        self._create_invoice(self.customer, TODAY - timedelta(days=16))
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
            self._run_cron()
        reminder = self._reminders(self.customer)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.state, "failed")
        self.assertEqual(
            (reminder.email_state, reminder.sms_state), ("missing_contact", "missing_contact")
        )
        self.assertFalse(self._new_mails)
        self.assertFalse(self._new_sms)
        self._assert_problem(self.customer, "No contact for collection")

    @freeze_time(NOW)
    def test_missing_mobile_sends_the_email_only(self):
        self.contact.write({"mobile": False, "phone": False})
        reminder = self._remind(16)
        self.assertEqual(
            (reminder.email_state, reminder.sms_state), ("queued", "missing_number")
        )
        self.assertEqual(reminder.state, "partial")
        self.assertMailMail(self.contact, "outgoing")
        self.assertFalse(self._new_sms)
        self._assert_problem(self.customer, "Alpha Payer has no valid mobile or phone number")

    @freeze_time(NOW)
    def test_missing_email(self):
        self.contact.email = False
        self._remind(6)
        self.assertEqual(self._reminders(self.customer).email_state, "missing_email")
        self.assertFalse(self._new_mails)
        self._assert_problem(self.customer, "Alpha Payer has no valid email address")

    @freeze_time(NOW)
    def test_blacklisted_email_and_number(self):
        self.env["mail.blacklist"].sudo()._add("payer@alpha.example.com")
        self.env["phone.blacklist"].sudo()._add([NUMBER])
        reminder = self._remind(16)
        self.assertEqual(
            (reminder.email_state, reminder.sms_state), ("blacklisted", "blacklisted")
        )
        self.assertFalse(self._new_mails)
        self.assertFalse(self._new_sms)
        self._assert_problem(self.customer, "blacklisted", "SMS opt-out")

    @freeze_time(NOW)
    def test_problem_flag_cleared_by_a_later_complete_reminder(self):
        self.contact.write({"mobile": False, "phone": False})
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=16))
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
            self.assertTrue(self.customer.dso_reminder_problem)
            self.contact.mobile = "0456 12 34 56"
            first = self._reminders(self.customer)
            first.with_user(self.accountant).action_resend()
        self.assertSMSOutgoing(self.contact, NUMBER, content=invoice.name)
        self.assertEqual(len(self._new_mails), 1, "the email queued already is not sent again")
        second = self._reminders(self.customer) - first
        self.assertEqual((first.state, second.state), ("partial", "sent"))
        self.assertEqual(second.channel, "sms", "only the channel that failed")
        self.assertFalse(self.customer.dso_reminder_problem)

    # ------------------------------------------------------------------
    # multi-company
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_each_company_its_levels_and_settings(self):
        company_2 = self.setup_other_company(name="Second Company")["company"]
        self._setup_reminder_company(company_2, "billing@second.example.com")
        levels_2 = self.env["dso.reminder.level"].search([("company_id", "=", company_2.id)])
        self.assertEqual(
            sorted(levels_2.mapped("days")), [-3, 5, 15, 30], "defaults for new companies"
        )
        levels_2.filtered(lambda lvl: lvl.days == 5).days = 8
        customer_2, _contact_2 = self._create_customer(
            "Delta", "0456 99 88 77", company=company_2
        )
        invoice_2 = self._create_invoice(
            customer_2, TODAY - timedelta(days=6), company=company_2
        )
        self.assertEqual(invoice_2.company_id, company_2)
        self._create_invoice(self.customer, TODAY - timedelta(days=6))
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
            self.assertEqual(self._reminders(self.customer).level_id, self.level_first)
            self.assertEqual(
                self._reminders(customer_2).level_id.mapped("days"),
                [-3],
                "6 days late is below company 2's own +8 level",
            )
            with freeze_time(TODAY + timedelta(days=2, hours=10)):
                self._run_cron()
        reminder_2 = self._reminders(customer_2)[-1]
        self.assertEqual(reminder_2.level_id.days, 8)
        self.assertEqual(reminder_2.company_id, company_2)
        self.assertEqual(reminder_2.level_id.company_id, company_2)
        self.assertEqual(reminder_2.mail_id.author_id, company_2.partner_id)
        self.assertIn("billing@second.example.com", reminder_2.mail_id.email_from)
        # record rules: a user of the first company does not see company 2's history
        self.assertEqual(
            self.env["dso.reminder"].with_user(self.accountant).search([]).company_id,
            self.company,
        )
