# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import datetime, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common_portal import PortalCommon
from .common_reminder import NOW, TODAY


@tagged("post_install", "-at_install")
class TestPaymentPromise(PortalCommon):
    """Promises and disputes against the reminder engine, day by day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dso_promise_grace_days = 3
        cls.promise_cron = cls.env.ref("dso_contacts.ir_cron_check_promises")
        # a user of the company without accounting rights
        cls.clerk = new_test_user(
            cls.env,
            login="dso_clerk",
            groups="base.group_user,base.group_partner_manager",
            company_id=cls.company.id,
        )
        # another company's customer
        cls.company_2 = cls.setup_other_company()["company"]
        cls.customer_2, _contact_2 = cls._create_customer("Gamma", company=cls.company_2)

    def _promise(self, customer, invoices, date, user=None):
        action = customer.with_user(user or self.accountant).action_dso_record_promise()
        form = Form(
            self.env["dso.payment.promise"]
            .with_user(user or self.accountant)
            .with_context(**action["context"])
        )
        # the dialog comes with the customer's overdue invoices: keep those given
        form.move_ids.set(invoices)
        form.date = date
        return form.save()

    def _day(self, days):
        """Both scheduled actions of day TODAY + ``days``."""
        with freeze_time(f"{TODAY + timedelta(days=days)} 10:00:00"):
            with self.mock_mail_gateway(), self.mockSMSGateway():
                self.promise_cron.method_direct_trigger()
                self._run_cron()

    @freeze_time(NOW)
    def test_phone_promise_recorded_from_the_customer_form(self):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=10))
        promise = self._promise(self.customer, invoice, TODAY + timedelta(days=5))
        self.assertEqual(promise.partner_id, self.customer)
        self.assertEqual(promise.contact_id, self.contact)
        self.assertEqual((promise.source, promise.state), ("phone", "open"))
        self.assertEqual(promise.amount, 100.0)
        self.assertEqual(promise.hold_until, TODAY + timedelta(days=8))
        self.assertEqual(invoice.dso_promise_count, 1)
        self.assertEqual(self.customer.with_user(self.accountant).dso_promise_count, 1)

    @freeze_time(NOW)
    def test_phone_promise_dialog_is_filled_with_what_is_due(self):
        """The collector's dialog: titled for what it does, with the
        customer's overdue invoices that can be promised, what each still
        owes, and the amount promised computed from them."""
        partly_paid = self._create_invoice(self.customer, TODAY - timedelta(days=20), 300.0)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=partly_paid.ids
        ).create({"amount": 100.0})._create_payments()
        overdue = self._create_invoice(self.customer, TODAY - timedelta(days=2), 80.0)
        self._create_invoice(self.customer, TODAY + timedelta(days=5), 40.0)  # not due
        disputed = self._create_invoice(self.customer, TODAY - timedelta(days=9), 60.0)
        self.env["dso.invoice.dispute"].create(
            {"move_id": disputed.id, "reason_id": self.reasons[0].id}
        )
        self._pay(self._create_invoice(self.customer, TODAY - timedelta(days=8), 70.0))
        other, _contact = self._create_customer("Beta")
        self._create_invoice(other, TODAY - timedelta(days=8), 90.0)

        action = self.customer.with_user(self.accountant).action_dso_record_promise()
        self.assertEqual(action["name"], "Record a promise")
        self.assertEqual(action["target"], "new")
        Promise = self.env["dso.payment.promise"].with_user(self.accountant)
        form = Form(Promise.with_context(**action["context"]), view=action["views"][0][0])
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.contact_id, self.contact)
        self.assertEqual([move.id for move in form.move_ids], [partly_paid.id, overdue.id])
        self.assertEqual(form.amount, 280.0, "what is due, not the invoices' totals")
        # the dialog's invoices show what each still owes
        arch = etree.fromstring(
            Promise.get_views([(action["views"][0][0], "form")])["views"]["form"]["arch"]
        )
        columns = arch.xpath("//field[@name='move_ids']/list/field/@name")
        self.assertIn("amount_residual_signed", columns)
        self.assertFalse([c for c in columns if c.startswith("amount_untaxed")])
        # a promise for part of the invoices promises what they owe
        form.move_ids.remove(id=overdue.id)
        self.assertEqual(form.amount, 200.0)
        with self.assertRaises(AssertionError, msg="computed, not typed"):
            form.amount = 50.0
        form.date = TODAY + timedelta(days=7)
        promise = form.save()
        self.assertEqual(promise.move_ids, partly_paid)
        self.assertEqual((promise.amount, promise.source), (200.0, "phone"))

    @freeze_time(NOW)
    def test_disputed_invoice_cannot_be_promised(self):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=10))
        dispute = self.env["dso.invoice.dispute"].create(
            {"move_id": invoice.id, "reason_id": self.reasons[0].id}
        )
        action = self.customer.with_user(self.accountant).action_dso_record_promise()
        Promise = self.env["dso.payment.promise"].with_user(self.accountant)
        form = Form(Promise.with_context(**action["context"]))
        self.assertFalse(form.move_ids, "nothing to promise")
        with self.assertRaises(ValidationError) as refused:
            Promise.create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "date": TODAY + timedelta(days=3),
                }
            )
        self.assertIn(f"{invoice.name} is disputed", str(refused.exception))
        # a second dispute of the same invoice is refused while the first is open
        with self.assertRaises(ValidationError) as refused:
            self.env["dso.invoice.dispute"].with_user(self.accountant).create(
                {"move_id": invoice.id, "reason_id": self.reasons[0].id}
            )
        self.assertIn("already disputed", str(refused.exception))
        dispute.action_resolve()
        self.assertTrue(self._promise(self.customer, invoice, TODAY + timedelta(days=3)))

    @freeze_time(NOW)
    def test_promise_of_invoices_in_two_currencies_in_the_company_currency(self):
        currency = self.setup_other_currency("EUR", rates=[("2025-01-01", 2.0)])
        in_eur = self._create_invoice(
            self.customer, TODAY - timedelta(days=10), 100.0, currency=currency
        )
        in_company = self._create_invoice(self.customer, TODAY - timedelta(days=10), 30.0)
        promise = self._promise(self.customer, in_eur, TODAY + timedelta(days=3))
        self.assertEqual((promise.amount, promise.currency_id), (100.0, currency))
        promise = self._promise(self.customer, in_eur | in_company, TODAY + timedelta(days=3))
        self.assertEqual(
            (promise.amount, promise.currency_id), (80.0, self.company.currency_id)
        )

    @freeze_time(NOW)
    def test_promise_beyond_the_limit_or_in_the_past_is_refused(self):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=10))
        with self.assertRaises(UserError):
            self._promise(self.customer, invoice, TODAY + timedelta(days=31))
        with self.assertRaises(UserError):
            self._promise(self.customer, invoice, TODAY - timedelta(days=1))
        self.company.dso_promise_max_days = 40
        self.assertTrue(self._promise(self.customer, invoice, TODAY + timedelta(days=31)))

    @freeze_time(NOW)
    def test_promise_of_another_customers_invoice_is_refused(self):
        other, _contact = self._create_customer("Beta")
        invoice = self._create_invoice(other, TODAY - timedelta(days=10))
        with self.assertRaises(UserError):
            self.env["dso.payment.promise"].with_user(self.accountant).create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, invoice.ids)],
                    "date": TODAY + timedelta(days=3),
                }
            )

    @freeze_time(NOW)
    def test_promise_date_moved_out_of_the_limits_is_refused(self):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=10))
        promise = self._promise(self.customer, invoice, TODAY + timedelta(days=5))
        promise = promise.with_user(self.accountant)
        with self.assertRaises(ValidationError), Form(promise) as form:
            form.date = TODAY + timedelta(days=31)
        with self.assertRaises(ValidationError):
            promise.write({"date": TODAY - timedelta(days=1)})
        self.assertEqual(promise.date, TODAY + timedelta(days=5))
        # within the limits, the customer's new date is taken, and the pause with it
        with Form(promise) as form:
            form.date = TODAY + timedelta(days=10)
        self.assertEqual(promise.hold_until, TODAY + timedelta(days=13))

    @freeze_time(NOW)
    def test_promise_invoices_edited_to_another_customers_are_refused(self):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=10))
        other, other_contact = self._create_customer("Beta")
        other_invoice = self._create_invoice(other, TODAY - timedelta(days=10))
        promise = self._promise(self.customer, invoice, TODAY + timedelta(days=5))
        promise = promise.with_user(self.accountant)
        with self.assertRaises(ValidationError), Form(promise) as form:
            form.move_ids.add(other_invoice)
        with self.assertRaises(ValidationError):
            promise.write({"move_ids": [Command.set(other_invoice.ids)]})
        with self.assertRaises(ValidationError):
            promise.write({"move_ids": [Command.clear()]})
        with self.assertRaises(ValidationError):
            promise.write({"contact_id": other_contact.id})
        with self.assertRaises(ValidationError):
            promise.write({"partner_id": other.id})
        self.assertEqual(promise.move_ids, invoice)
        second = self._create_invoice(self.customer, TODAY - timedelta(days=5))
        with Form(promise) as form:
            form.move_ids.add(second)
        self.assertEqual(promise.move_ids, invoice | second)

    def test_broken_promise_pauses_then_resumes_the_reminders(self):
        with freeze_time(NOW):
            invoice = self._create_invoice(self.customer, TODAY - timedelta(days=10))
            promise = self._promise(self.customer, invoice, TODAY + timedelta(days=5))
        self._day(0)
        self.assertFalse(self._reminders(self.customer), "paused by the promise")
        self._day(8)  # promised date + grace: still paused
        self.assertFalse(self._reminders(self.customer))
        self.assertEqual(promise.state, "open")
        self._day(9)
        self.assertEqual(promise.state, "broken")
        activity = promise.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.accountant)
        reminder = self._reminders(self.customer)
        self.assertEqual(len(reminder), 1, "reminders resume")
        # 19 days late: the level reached, not the first one skipped
        self.assertEqual(reminder.level_id, self.level_second)
        self.assertEqual(reminder.promise_ids, promise, "in the reminder history")
        customer = self.customer.with_user(self.accountant)
        self.assertEqual(customer.dso_promise_kept_rate, 0.0)
        self.assertEqual(customer.dso_promise_settled_count, 1)

    def test_kept_promise(self):
        with freeze_time(NOW):
            invoice = self._create_invoice(self.customer, TODAY - timedelta(days=10))
            promise = self._promise(self.customer, invoice, TODAY + timedelta(days=5))
        self._day(2)
        # an open promise is neither kept nor broken: no rate yet
        self.assertEqual(self.customer.with_user(self.accountant).dso_promise_settled_count, 0)
        with freeze_time(f"{TODAY + timedelta(days=4)} 10:00:00"):
            self._pay(invoice)
        self._day(5)
        self.assertEqual(promise.state, "kept")
        self.assertFalse(promise.activity_ids)
        self._day(20)
        self.assertFalse(self._reminders(self.customer))
        self.assertEqual(self.customer.with_user(self.accountant).dso_promise_kept_rate, 100.0)

    def test_promise_pauses_its_invoices_only(self):
        with freeze_time(NOW):
            promised = self._create_invoice(self.customer, TODAY - timedelta(days=10))
            other = self._create_invoice(self.customer, TODAY - timedelta(days=7))
            self._promise(self.customer, promised, TODAY + timedelta(days=5))
        self._day(0)
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.move_ids, other)

    @freeze_time(NOW)
    def test_answers_recorded_by_phone_are_noted_by_the_collector(self):
        """A promise and a dispute taken by phone: the notes on the customer
        and the invoice are the collector's; a contact of another customer is
        refused for both."""
        first = self._create_invoice(self.customer, TODAY - timedelta(days=10))
        second = self._create_invoice(self.customer, TODAY - timedelta(days=12))
        promise = self._promise(self.customer, first | second, TODAY + timedelta(days=5))
        Dispute = self.env["dso.invoice.dispute"].with_user(self.accountant)
        Dispute.create({"move_id": first.id, "reason_id": self.reasons[0].id})
        collector = self.accountant.partner_id
        for record in (self.customer, first, second):
            notes = record.message_ids.filtered(lambda m: m.author_id == collector)
            self.assertTrue(
                any("Promise to pay" in note.body for note in notes), record.display_name
            )
        self.assertTrue(
            any("disputed" in note.body for note in first.message_ids[:1]),
            "the dispute is the invoice's last note",
        )
        _other, stranger = self._create_customer("Beta")
        with self.assertRaisesRegex(UserError, "must belong to the customer"):
            promise.copy(
                {
                    "contact_id": stranger.id,
                    "date": TODAY + timedelta(days=6),
                    "move_ids": [Command.set(second.ids)],
                }
            )
        with self.assertRaisesRegex(UserError, "must belong to the customer"):
            Dispute.create(
                {
                    "move_id": second.id,
                    "reason_id": self.reasons[0].id,
                    "contact_id": stranger.id,
                }
            )

    def test_dispute_takes_the_invoice_out_until_resolved(self):
        with freeze_time(NOW):
            invoice = self._create_invoice(self.customer, TODAY - timedelta(days=10))
            dispute = (
                self.env["dso.invoice.dispute"]
                .with_user(self.accountant)
                .create({"move_id": invoice.id, "reason_id": self.reasons[0].id})
            )
        self.assertEqual(dispute.partner_id, self.customer)
        self.assertTrue(
            invoice.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            ).blocked
        )
        self._day(0)
        self.assertFalse(self._reminders(self.customer))
        dispute.with_user(self.accountant).action_resolve()
        self.assertFalse(any(invoice.line_ids.mapped("blocked")))
        self._day(1)
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.move_ids, invoice)
        self.assertEqual(reminder.dispute_ids, dispute)

    def test_user_without_accounting_rights_sees_no_promise(self):
        user = new_test_user(self.env, login="dso_portal_sales", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["dso.payment.promise"].with_user(user).search([])
        with self.assertRaises(AccessError):
            self.customer.with_user(user).action_dso_portal_regenerate()
        self.assertEqual(self.customer.with_user(user).dso_promise_count, 0)

    def test_promises_of_another_company_are_hidden(self):
        with freeze_time(NOW):
            invoice = self._create_invoice(self.customer_2, TODAY, company=self.company_2)
            self.env["dso.payment.promise"].create(
                {
                    "company_id": self.company_2.id,
                    "partner_id": self.customer_2.id,
                    "move_ids": [(6, 0, invoice.ids)],
                    "date": TODAY + timedelta(days=3),
                }
            )
        self.assertFalse(self.env["dso.payment.promise"].with_user(self.accountant).search([]))

    def test_reminder_carries_the_customer_page_link(self):
        with freeze_time(NOW):
            self._create_invoice(self.customer, TODAY - timedelta(days=10))
        self._day(0)
        reminder = self._reminders(self.customer)
        url = reminder.portal_url
        access = self._access()
        self.assertTrue(access.access_token)
        self.assertTrue(
            url.endswith(f"/my/dso/{access.id}?access_token={access.access_token}")
        )
        self.assertIn(
            "object.portal_url", self.env["dso.reminder"].mail_allowed_qweb_expressions()
        )

    def test_sms_carries_the_short_link_and_sending_hands_it_out(self):
        with freeze_time(NOW):
            self._create_invoice(self.customer, TODAY - timedelta(days=10))
        access = self._access()
        access._portal_ensure_token()
        old = datetime(2025, 2, 1, 10, 0)
        access.token_date = old
        self._day(0)
        reminder = self._reminders(self.customer)
        # the reminder sent hands the link out again
        self.assertEqual(access.token_date, datetime(2025, 3, 10, 10, 0))
        short_url = reminder.portal_short_url
        self.assertTrue(short_url.endswith(f"/dso/{access.short_code}"))
        self.assertLess(len(short_url), len(reminder.portal_url) - 30)
        for xmlid in (
            "dso_contacts.sms_template_reminder_second",
            "dso_contacts.sms_template_reminder_final",
        ):
            body = self.env.ref(xmlid)._render_field("body", reminder.ids)[reminder.id]
            self.assertTrue(body.endswith(short_url), xmlid)
        # showing or rendering a reminder does not extend the link
        access.token_date = old
        reminder.invalidate_recordset(["portal_url", "portal_short_url"])
        self.assertTrue(reminder.portal_short_url)
        self.assertEqual(access.token_date, old)

    def test_rendering_a_reminder_creates_no_page(self):
        with freeze_time(NOW):
            self._create_invoice(self.customer, TODAY - timedelta(days=10))
        self._day(0)
        reminder = self._reminders(self.customer)
        access = self._access()
        url = reminder.portal_url
        self.assertTrue(url)
        self.assertIn(f'href="{url}"', reminder.portal_link_html)
        template = reminder.level_id.mail_template_id
        # a revoked page shows no link, and reading it makes no new token
        access._revoke()
        reminder.invalidate_recordset()
        self.assertFalse(reminder.portal_url)
        self.assertFalse(reminder.portal_short_url)
        self.assertFalse(reminder.portal_link_html)
        body = template._render_field("body_html", reminder.ids, compute_lang=True)
        self.assertNotIn("/my/dso/", body[reminder.id])
        self.assertFalse(access.access_token)
        # a customer without a page: rendering its reminder makes none
        access.unlink()
        reminder.invalidate_recordset()
        template._render_field("body_html", reminder.ids, compute_lang=True)
        self.assertFalse(reminder.portal_url)
        Access = self.env["dso.customer.access"].sudo()
        self.assertFalse(Access.search([("partner_id", "=", self.customer.id)]))
        # sending makes the page (one per customer and company) and links it
        Access._ensure_for_reminders(reminder)
        access = Access.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(access), 1)
        self.assertTrue(access.access_token and access.short_code)
        self.assertTrue(reminder.portal_url.endswith(access.get_portal_url()))
        Access._ensure_for_reminders(reminder)
        self.assertEqual(Access.search([("partner_id", "=", self.customer.id)]), access)

    def test_customer_form_creates_no_page(self):
        with freeze_time(NOW):
            self._create_invoice(self.customer, TODAY - timedelta(days=10))
            form = Form(self.customer.with_user(self.accountant))
            self.assertEqual(form.dso_promise_count, 0)
            form.save()
        self.assertFalse(
            self.env["dso.customer.access"]
            .sudo()
            .search([("partner_id", "=", self.customer.id)])
        )

    def test_promise_recorded_by_phone_needs_the_rights(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.clerk).action_dso_record_promise()

    def test_links_are_managed_by_collectors_of_readable_customers(self):
        for action in ("action_dso_portal_regenerate", "action_dso_portal_revoke"):
            with self.assertRaises(AccessError):
                getattr(self.customer.with_user(self.clerk), action)()
            with self.assertRaises(AccessError):
                getattr(self.customer_2.with_user(self.accountant), action)()
        Access = self.env["dso.customer.access"].sudo()
        self.assertFalse(Access.search([("partner_id", "=", self.customer_2.id)]))
        self.customer.with_user(self.accountant).action_dso_portal_regenerate()
        self.assertTrue(Access.search([("partner_id", "=", self.customer.id)]).access_token)
