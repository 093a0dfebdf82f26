# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import company_user, create_invoice


class FiguresCommon(AccountTestInvoicingCommon):
    """Companies A and B, a Billing user of both (A first), a Billing user of
    B only and an accounting manager of both, for the collection's figures
    (ageing, DSO, dashboard); invoices dated on the database's date, which
    the ageing view ages on (its CURRENT_DATE)."""

    # the users' logins start with it: each class its own users
    login_prefix = "dso_figures"
    # the Billing user of both companies: the lowest rights its tests need
    billing_groups = "account.group_account_invoice"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.company_a = cls.company_data["company"]
        cls.company_b = cls._setup_company_b()
        both = cls.company_a + cls.company_b
        cls.billing = new_test_user(
            cls.env,
            login=f"{cls.login_prefix}_billing",
            groups=cls.billing_groups,
            company_id=cls.company_a.id,
            company_ids=[Command.set(both.ids)],
        )
        cls.billing_b = company_user(cls.env, cls.company_b, f"{cls.login_prefix}_billing_b")
        cls.manager = new_test_user(
            cls.env,
            login=f"{cls.login_prefix}_manager",
            groups="account.group_account_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(both.ids)],
        )

    @classmethod
    def _pay(cls, invoice, amount=None, date=None):
        """Register a payment of ``invoice`` (in full, or ``amount``) on
        ``date`` (today), as the invoice's button does."""
        values = {"payment_date": date or cls.today}
        if amount:
            values["amount"] = amount
        return (
            cls.env["account.payment.register"]
            .with_company(invoice.company_id)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(values)
            ._create_payments()
        )

    def _as_user(self, model, user=None, companies=None):
        """``model`` as ``user`` (the Billing user of both companies) with
        ``companies`` selected in the switcher (both)."""
        companies = companies or self.company_a + self.company_b
        return (
            self.env[model]
            .with_user(user or self.billing)
            .with_context(allowed_company_ids=companies.ids)
        )

    @classmethod
    def _setup_company_b(cls):
        return cls.setup_other_company(name="Company B")["company"]

    @classmethod
    def _invoice(
        cls, partner, due, amount, currency=None, company=None, move_type="out_invoice"
    ):
        """A posted invoice of company A (or ``company``), dated 30 days
        before it is due, today at the latest."""
        return create_invoice(
            cls.env,
            partner,
            due,
            amount,
            currency=currency,
            company=company or cls.company_a,
            move_type=move_type,
            invoice_date=min(due - timedelta(days=30), cls.today),
        )
