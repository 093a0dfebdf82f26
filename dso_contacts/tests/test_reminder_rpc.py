# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta
from xmlrpc.client import Fault

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from .common import company_user


@tagged("post_install", "-at_install")
class TestReminderRpc(AccountTestInvoicingHttpCommon):
    """The manual send driven headless over XML-RPC, as an integration does,
    by a Billing user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.email = "billing@company.example.com"
        cls.billing = company_user(cls.env, cls.company, "dso_rpc_billing")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Rpc Customer", "is_company": True, "company_id": cls.company.id}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Rpc Payer",
                "parent_id": cls.customer.id,
                "email": "payer@rpc.example.com",
                "is_collection_contact": True,
            }
        )
        today = fields.Date.context_today(cls.customer)
        cls.invoice = cls.init_invoice(
            "out_invoice",
            partner=cls.customer,
            invoice_date=today - timedelta(days=40),
            amounts=[321.0],
            taxes=[],
            post=False,
        )
        cls.invoice.invoice_date_due = today - timedelta(days=7)
        cls.invoice.action_post()

    def _call(self, method, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.billing.id,
            "dso_rpc_billing",
            "dso.reminder.send",
            method,
            list(args),
        )

    def test_billing_user_sends_a_reminder_over_xmlrpc(self):
        wizard_id = self._call("create", {"partner_ids": [(6, 0, self.customer.ids)]})
        wizard = self.env["dso.reminder.send"].browse(wizard_id)
        self.assertEqual(wizard.level_id.days, 5, "the level reached, computed at creation")
        self.assertEqual(wizard.channel, "email")
        self.assertEqual(wizard.recipient_ids, self.contact)
        preview = self._call("action_preview", [wizard_id])
        self.assertEqual(preview["res_id"], wizard_id)
        sent = self._call("action_send", [wizard_id])
        self.assertEqual(sent["tag"], "display_notification")
        self.assertEqual(sent["params"]["message"], "1 reminder queued.")
        reminder = self.env["dso.reminder"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            reminder,
            [
                {
                    "is_draft": False,
                    "email_state": "queued",
                    "amount_due": 321.0,
                    "is_manual": True,
                }
            ],
        )
        self.assertEqual(reminder.move_ids, self.invoice)
        self.assertEqual(reminder.mail_id.recipient_ids, self.contact)

    def test_sent_reminder_is_never_rewritten_over_xmlrpc(self):
        company_user(
            self.env, self.company, "dso_rpc_manager", "account.group_account_manager"
        )
        wizard_id = self._call("create", {"partner_ids": [(6, 0, self.customer.ids)]})
        self._call("action_send", [wizard_id])
        reminder = self.env["dso.reminder"].search([("partner_id", "=", self.customer.id)])
        other = self.env["res.partner"].create(
            {
                "name": "Other Payer",
                "parent_id": self.customer.id,
                "email": "o@rpc.example.com",
            }
        )
        manager = self.env["res.users"].search([("login", "=", "dso_rpc_manager")])
        for vals in ({"contact_id": other.id}, {"email_to": other.email}):
            with self.assertRaisesRegex(Fault, "never rewritten"), mute_logger("odoo.http"):
                self.xmlrpc_object.execute_kw(
                    self.env.cr.dbname,
                    manager.id,
                    "dso_rpc_manager",
                    "dso.reminder",
                    "write",
                    [reminder.ids, vals],
                )
        self.assertEqual(reminder.contact_id, self.contact)
        self.assertEqual(reminder.email_to, "payer@rpc.example.com")

    def test_forged_company_over_xmlrpc_is_refused(self):
        other = self.setup_other_company(name="Other Co")["company"]
        with (
            self.assertRaisesRegex(Fault, "compan"),
            mute_logger("odoo.http"),
        ):
            self._call(
                "create",
                {"partner_ids": [(6, 0, self.customer.ids)], "company_id": other.id},
            )
        self.assertFalse(
            self.env["dso.reminder"].search([("partner_id", "=", self.customer.id)])
        )
