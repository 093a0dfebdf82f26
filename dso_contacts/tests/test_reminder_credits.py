# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_reminder import NOW, TODAY, ReminderCommon


@tagged("post_install", "-at_install")
class TestReminderCredits(ReminderCommon):
    """Open credits (credit notes and payments not yet matched) are deducted
    from what is overdue, as Odoo's follow-up counts a customer's balance."""

    @classmethod
    def _credit_note(cls, customer, amount):
        refund = cls.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": customer.id,
                "invoice_date": TODAY - timedelta(days=20),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Refund", "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        refund.action_post()
        return refund

    @classmethod
    def _unmatched_payment(cls, customer, amount):
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": customer.id,
                "amount": amount,
                "date": TODAY - timedelta(days=2),
            }
        )
        payment.action_post()
        return payment

    def _run(self):
        self._run_cron_mocked()
        return self._reminders(self.customer)

    @freeze_time(NOW)
    def test_credit_note_equal_to_the_overdue_amount_sends_nothing(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=6), 1000.0)
        self._credit_note(self.customer, 1000.0)
        self.assertFalse(self._run())
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.dso_next_reminder_level_id)

    @freeze_time(NOW)
    def test_credit_note_larger_than_the_overdue_amount_sends_nothing(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=6), 300.0)
        self._credit_note(self.customer, 500.0)
        self.assertFalse(self._run())

    @freeze_time(NOW)
    def test_smaller_credit_note_is_listed_and_deducted(self):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=6), 1000.0)
        refund = self._credit_note(self.customer, 250.0)
        reminder = self._run()
        self.assertRecordValues(
            reminder,
            [{"amount_overdue": 1000.0, "amount_credit": 250.0, "amount_due": 750.0}],
        )
        self.assertEqual(reminder.move_ids, invoice)
        self.assertEqual(reminder.credit_line_ids.move_id, refund)
        mail = reminder.mail_id
        self.assertIn(refund.name, mail.body_html)
        self.assertIn("750.00", mail.body_html)

    @freeze_time(NOW)
    def test_unmatched_payment_is_deducted(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=6), 400.0)
        payment = self._unmatched_payment(self.customer, 150.0)
        reminder = self._run()
        self.assertEqual(reminder.amount_due, 250.0)
        self.assertEqual(reminder.credit_line_ids.move_id, payment.move_id)

    @freeze_time(NOW)
    def test_credit_deducted_before_the_minimum_amount(self):
        self.company.dso_reminder_min_amount = 100.0
        self._create_invoice(self.customer, TODAY - timedelta(days=6), 150.0)
        self._credit_note(self.customer, 80.0)
        self.assertFalse(self._run(), "70 left to pay is under the minimum of 100")

    @freeze_time(NOW)
    def test_manual_send_applies_the_same_rule(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=6), 300.0)
        refund = self._credit_note(self.customer, 300.0)
        form = Form(
            self.env["dso.reminder.send"]
            .with_user(self.accountant)
            .with_context(active_model="res.partner", active_ids=self.customer.ids)
        )
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "open credits"):
            wizard.action_preview()
        # the credit note refunded something else: half of it is left
        refund.button_draft()
        refund.invoice_line_ids.price_unit = 100.0
        refund.action_post()
        wizard.action_preview()
        self.assertEqual(wizard.reminder_ids.amount_due, 200.0)
        self.assertIn(refund.name, wizard.body_html)

    @freeze_time(NOW)
    def test_credits_in_another_currency_do_not_count(self):
        eur_credit_currency = self.setup_other_currency("EUR", rounding=0.01)
        self._create_invoice(self.customer, TODAY - timedelta(days=6), 100.0)
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "currency_id": eur_credit_currency.id,
                "invoice_date": TODAY - timedelta(days=20),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Refund", "quantity": 1, "price_unit": 500.0, "tax_ids": []}
                    )
                ],
            }
        )
        refund.action_post()
        reminder = self._run()
        self.assertEqual(reminder.amount_due, 100.0)
        self.assertFalse(reminder.credit_line_ids)

    # ------------------------------------------------------------------
    # Invoices held out of the reminders: No Follow-up, payment blocked
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_invoice_marked_no_payment_reminder_gets_nothing_until_unticked(self):
        held = self._create_invoice(self.customer, TODAY - timedelta(days=6), 500.0)
        other = self._create_invoice(self.customer, TODAY - timedelta(days=6), 80.0)
        with Form(held.with_user(self.accountant)) as invoice_form:
            invoice_form.dso_reminder_hold = True
        receivable = held.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        self.assertTrue(receivable.blocked, "Odoo's No Follow-up flag of the journal item")
        reminder = self._run()
        self.assertEqual(reminder.move_ids, other)
        self.assertEqual(reminder.amount_due, 80.0)
        held.dso_reminder_hold = False
        self.assertEqual(self._run().move_ids, other | held)

    @freeze_time(NOW)
    def test_payment_blocked_invoice_gets_nothing(self):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=6), 500.0)
        invoice.action_toggle_block_payment()
        self.assertFalse(self._run())
