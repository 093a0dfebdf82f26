# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Issue 19's screens seen by a Billing user of a second company: the banner,
the hold reasons, the import results and the ids a client may give."""

from datetime import timedelta
from xmlrpc.client import Fault

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from .common import company_user
from .common_reminder import NOW, TODAY, ReminderCommon


@tagged("post_install", "-at_install")
class TestSecondCompanyScreens(ReminderCommon, HttpCase):
    """A customer shared by companies A and B (Odoo's default for a partner
    without company), company A's own customer, and a Billing user of B only,
    in the forms and over XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._setup_company_b(email="billing@b.example.com")
        cls.shared, cls.shared_contact = cls._create_customer("Shared", "0456 55 44 33")
        cls.shared.company_id = False
        cls.invoice_a = cls._create_invoice(cls.shared, TODAY - timedelta(days=6), 111.0)
        cls.user_b = company_user(
            cls.env,
            cls.company_b,
            "dso_screens_b",
            "account.group_account_invoice,base.group_partner_manager",
        )

    def _import_job_a(self):
        return (
            self.env["dso.contact.import.job"]
            .with_user(self.accountant)
            .create({"name": "contacts_a.csv", "import_type": "contacts"})
        )

    def _call(self, model, method, args, **kwargs):
        """``method`` of ``model`` called over XML-RPC by company B's user."""
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.user_b.id, "dso_screens_b", model, method, args, kwargs
        )

    def test_banner_shows_a_failure_to_the_users_of_its_company_only(self):
        # company A's scheduled run failed on the shared customer
        self.shared.with_company(self.company)._dso_log_reminder_failure(
            UserError("the mail server of A refused the message")
        )
        Partner_a = self.env["res.partner"].with_user(self.accountant)
        Partner_b = self.env["res.partner"].with_user(self.user_b)
        self.assertIn(
            "the mail server of A", Partner_a.browse(self.shared.id).dso_reminder_problem
        )
        self.assertFalse(
            Partner_b.browse(self.shared.id).dso_reminder_problem,
            "company B's users do not see company A's failure",
        )
        problem = [("dso_reminder_problem", "!=", False)]
        self.assertIn(self.shared, Partner_a.search(problem))
        self.assertNotIn(self.shared, Partner_b.search(problem))

    @freeze_time(NOW)
    def test_reminder_of_b_does_not_clear_the_failure_of_a(self):
        self.shared.with_company(self.company)._dso_log_reminder_failure(
            UserError("the mail server of A refused the message")
        )
        self._create_invoice(
            self.shared, TODAY - timedelta(days=6), 999.0, company=self.company_b
        )
        wizard = (
            self.env["dso.reminder.send"]
            .with_user(self.user_b)
            .create({"partner_ids": [Command.set(self.shared.ids)]})
        )
        with self.mock_mail_gateway(), self.mockSMSGateway():
            wizard.action_send()
        self.assertEqual(self._reminders(self.shared).company_id, self.company_b)
        self.assertIn(
            "the mail server of A",
            self.shared.with_user(self.accountant).dso_reminder_problem,
            "company A's failure stays until company A's next reminder",
        )

    def test_hold_reasons_name_no_invoice_of_another_company(self):
        self.env["dso.invoice.dispute"].with_user(self.accountant).create(
            {
                "move_id": self.invoice_a.id,
                "reason_id": self.env.ref("dso_contacts.dispute_reason_not_received").id,
            }
        )
        context = {"active_model": "res.partner", "active_ids": self.shared.ids}
        in_a = Form(
            self.env["dso.reminder.send"].with_user(self.accountant).with_context(**context)
        )
        self.assertIn(f"{self.invoice_a.name} is disputed", in_a.hold_reason)
        in_b = Form(
            self.env["dso.reminder.send"].with_user(self.user_b).with_context(**context)
        )
        self.assertEqual(in_b.hold_reason, "No unpaid invoice.")
        self.assertNotIn(self.invoice_a.name, in_b.hold_reason)

    def test_send_wizard_refuses_a_customer_of_another_company(self):
        context = {"active_model": "res.partner", "active_ids": self.customer.ids}
        Wizard = self.env["dso.reminder.send"].with_user(self.user_b)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Form(Wizard.with_context(**context))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Wizard.create({"partner_ids": [Command.set(self.customer.ids)]}).action_preview()
        self.assertFalse(
            self.env["dso.reminder"].search([("partner_id", "=", self.customer.id)])
        )

    def test_send_wizard_refuses_a_reminder_of_another_company(self):
        wizard_a = (
            self.env["dso.reminder.send"]
            .with_user(self.accountant)
            .create({"partner_ids": [Command.set(self.shared.ids)]})
        )
        wizard_a.action_preview()
        draft_a = wizard_a.reminder_ids
        self.assertEqual(draft_a.company_id, self.company)
        Wizard = self.env["dso.reminder.send"].with_user(self.user_b)
        with self.assertRaisesRegex(UserError, "company"):
            Wizard.create(
                {
                    "partner_ids": [Command.set(self.shared.ids)],
                    "reminder_ids": [Command.set(draft_a.ids)],
                }
            )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            draft_a.with_user(self.user_b).action_resend()
        self.assertTrue(draft_a.exists() and draft_a.is_draft)

    def test_import_results_of_another_company_are_refused(self):
        job_a = self._import_job_a()
        Job_b = self.env["dso.contact.import.job"].with_user(self.user_b)
        self.assertFalse(Job_b.search([]), "company B's users list none of A's imports")
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Job_b.browse(job_a.id).read(["summary_html", "result_message"])
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["dso.contact.import"].with_user(self.user_b).create(
                {"import_type": "contacts", "job_id": job_a.id}
            )

    @mute_logger("odoo.http", "odoo.models")
    def test_company_a_ids_over_xmlrpc_are_refused(self):
        job_a = self._import_job_a()
        context = {"active_model": "res.partner", "active_ids": self.customer.ids}
        with self.assertRaisesRegex(Fault, "have 'read' access"):
            self._call("dso.reminder.send", "create", [{}], context=context)
        with self.assertRaisesRegex(Fault, "have 'read' access"):
            self._call("dso.contact.import.job", "read", [job_a.ids, ["summary_html"]])
        with self.assertRaisesRegex(Fault, "have 'read' access"):
            self._call(
                "dso.contact.import",
                "create",
                [{"import_type": "contacts", "job_id": job_a.id}],
            )
        self.assertFalse(self._call("dso.contact.import.job", "search", [[]]))
