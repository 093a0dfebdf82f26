# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date, timedelta

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.sms.tests.common import SMSCommon

from .common import company_user, create_invoice

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
        cls._setup_reminder_company(cls.company, "billing@company.example.com")
        cls.company.partner_id.tz = "UTC"
        cls.levels = cls.env["dso.reminder.level"].search(
            [("company_id", "=", cls.company.id)], order="days"
        )
        cls.level_courtesy, cls.level_first, cls.level_second, cls.level_final = cls.levels
        cls.accountant = company_user(
            cls.env,
            cls.company,
            "dso_accountant",
            "account.group_account_invoice,base.group_partner_manager",
            name="Anna Accountant",
            email="anna@company.example.com",
        )
        cls.cron = cls.env.ref("dso_contacts.ir_cron_send_reminders")
        cls.customer, cls.contact = cls._create_customer("Alpha", "0456 12 34 56")

    @classmethod
    def _setup_reminder_company(cls, company, email):
        """``company`` in Belgium, sending from ``email``, its automatic
        reminders on every day, all day."""
        company.write(
            {
                "email": email,
                "country_id": cls.env.ref("base.be").id,
                "dso_reminder_auto": True,
                "dso_reminder_saturday": True,
                "dso_reminder_sunday": True,
                "dso_reminder_hour_from": 0.0,
                "dso_reminder_hour_to": 24.0,
            }
        )

    @classmethod
    def _setup_company_b(cls, **vals):
        """Company B, with its own chart of accounts and default levels,
        written ``vals``."""
        company_b = cls.setup_other_company(name="Company B")["company"]
        company_b.write(vals)
        return company_b

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

    def _run_cron_mocked(self):
        """One run of the scheduled action, the mail and SMS gateways mocked
        (what it queued: ``self._new_mails``, ``self._new_sms``)."""
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()

    def _remind(self, days, customer=None):
        """An invoice of ``customer`` (the test's) ``days`` late, then one run
        of the scheduled action, gateways mocked: the customer's reminders."""
        customer = customer or self.customer
        self._create_invoice(customer, TODAY - timedelta(days=days))
        self._run_cron_mocked()
        return self._reminders(customer)

    def _reminders(self, customer=None):
        domain = [("is_draft", "=", False)]
        if customer:
            domain.append(("partner_id", "=", customer.id))
        return self.env["dso.reminder"].search(domain, order="id")

    def _mails_to(self, partner):
        return self.env["mail.mail"].search(
            [("model", "=", "dso.reminder"), ("recipient_ids", "in", partner.ids)]
        )
