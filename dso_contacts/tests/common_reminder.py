# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.sms.tests.common import SMSCommon

from .common import create_invoice

# the logger of the engine's caught errors (see DsoReminderEngine._process_batch)
ENGINE_LOGGER = "odoo.addons.dso_contacts.models.dso_reminder_engine"
# a Monday, 10:00 UTC: inside the default sending window
NOW = "2025-03-10 10:00:00"
TODAY = date(2025, 3, 10)


class ReminderCommon(AccountTestInvoicingCommon, SMSCommon):
    """A company with automatic reminders on (every day, all day), its
    default levels (-3 email, +5 email, +15 email and SMS, +30 email and SMS)
    and customers whose contact for collection has an email and a mobile."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "email": "billing@company.example.com",
                "country_id": cls.env.ref("base.be").id,
                "dso_reminder_auto": True,
                "dso_reminder_saturday": True,
                "dso_reminder_sunday": True,
                "dso_reminder_hour_from": 0.0,
                "dso_reminder_hour_to": 24.0,
            }
        )
        cls.company.partner_id.tz = "UTC"
        cls.levels = cls.env["dso.reminder.level"].search(
            [("company_id", "=", cls.company.id)], order="days"
        )
        cls.level_courtesy, cls.level_first, cls.level_second, cls.level_final = cls.levels
        cls.accountant = new_test_user(
            cls.env,
            login="dso_accountant",
            name="Anna Accountant",
            email="anna@company.example.com",
            groups="account.group_account_invoice,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.cron = cls.env.ref("dso_contacts.ir_cron_send_reminders")
        cls.customer, cls.contact = cls._create_customer("Alpha", "0456 12 34 56")

    @classmethod
    def _create_customer(cls, name, mobile=None, email=True, company=None, **contact_vals):
        company = company or cls.company
        customer = cls.env["res.partner"].create(
            {
                "name": f"{name} SA",
                "is_company": True,
                "company_id": company.id,
                "country_id": cls.env.ref("base.be").id,
                "email": f"accounts@{name.lower()}.example.com",
            }
        )
        contact = cls.env["res.partner"].create(
            {
                "name": f"{name} Payer",
                "parent_id": customer.id,
                "type": "contact",
                "email": f"payer@{name.lower()}.example.com" if email else False,
                "mobile": mobile,
                "is_collection_contact": True,
                **contact_vals,
            }
        )
        return customer, contact

    @classmethod
    def _create_invoice(cls, customer, due, amount=100.0, currency=None, company=None):
        return create_invoice(
            cls.env, customer, due, amount, currency=currency, company=company or cls.company
        )

    @classmethod
    def _pay(cls, invoice):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
            ._create_payments()
        )

    def _run_cron(self):
        """Run the scheduled action as the UI's 'Run manually' does, and fail
        when the engine caught an error: it logs each customer's error (and a
        batch's) and goes on, so that "no reminder" would otherwise pass when
        the engine crashes."""
        with self.assertNoLogs(ENGINE_LOGGER, "WARNING"):
            self.cron.method_direct_trigger()
        self.env.invalidate_all()

    def _reminders(self, customer=None):
        domain = [("is_draft", "=", False)]
        if customer:
            domain.append(("partner_id", "=", customer.id))
        return self.env["dso.reminder"].search(domain, order="id")

    def _mails_to(self, partner):
        return self.env["mail.mail"].search(
            [("model", "=", "dso.reminder"), ("recipient_ids", "in", partner.ids)]
        )
