# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)


class DsoDsoSnapshot(models.Model):
    """The figures of a month, kept: receivables, credit sales, DSO,
    countback DSO and ageing at the month's last day, per company, customer
    and salesperson, for the trend over 12 months. Written by the engine
    (``dso.dso``) only: the scheduled action takes last month, an
    accountant may compute a past month again (it replaces that month)."""

    _name = "dso.dso.snapshot"
    _description = "DSO Monthly Snapshot"
    _order = "month desc, scope, id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(
        required=True, readonly=True, index=True, help="First day of the month."
    )
    date = fields.Date(string="Figures at", required=True, readonly=True)
    scope = fields.Selection(
        [("company", "Company"), ("customer", "Customer"), ("salesperson", "Salesperson")],
        required=True,
        readonly=True,
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, index="btree_not_null"
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    period_days = fields.Integer(string="DSO period (days)", readonly=True)
    receivables = fields.Monetary(readonly=True)
    credit_sales = fields.Monetary(readonly=True)
    dso = fields.Float(string="DSO", digits=(16, 1), readonly=True, aggregator="avg")
    countback_dso = fields.Float(
        string="Countback DSO", digits=(16, 1), readonly=True, aggregator="avg"
    )
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    amount_period_1 = fields.Monetary(string="Period 1", readonly=True)
    amount_period_2 = fields.Monetary(string="Period 2", readonly=True)
    amount_period_3 = fields.Monetary(string="Period 3", readonly=True)
    amount_period_4 = fields.Monetary(string="Period 4", readonly=True)
    amount_credit = fields.Monetary(string="Open Credits", readonly=True)

    @api.model
    def _month_end(self, month):
        return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)

    @api.model
    def _take(self, month, companies=None):
        """Compute the snapshots of ``month`` (any day in it) for
        ``companies`` (the selected ones), replacing those already taken for
        that month: running it twice gives the same rows."""
        Engine = self.env["dso.dso"]
        companies = Engine._check_companies(companies)
        month = fields.Date.to_date(month).replace(day=1)
        end = self._month_end(month)
        rows = []
        for company in companies:
            days = int(company.dso_period_days)
            for scope in ("company", "customer", "salesperson"):
                figures = Engine._figures(end, days, scope, company, ageing=True)
                for (_company, key), values in figures.items():
                    rows.append(
                        {
                            "company_id": company.id,
                            "month": month,
                            "date": end,
                            "scope": scope,
                            "partner_id": key if scope == "customer" and key else False,
                            "user_id": key if scope == "salesperson" and key else False,
                            "period_days": days,
                            **{k: v or 0.0 for k, v in values.items()},
                        }
                    )
        # the snapshots are the engine's own record, written after the
        # rights check above (a Billing user's cron or button reads them)
        Snapshot = self.sudo()
        Snapshot.search([("month", "=", month), ("company_id", "in", companies.ids)]).unlink()
        snapshots = Snapshot.create(rows)
        _logger.info("DSO snapshots of %s: %s rows", month, len(snapshots))
        return snapshots

    @api.model
    def _cron_take_last_month(self):
        """Scheduled action: last month's snapshot of every company."""
        today = fields.Date.context_today(self)
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        # every company: a handful, never a growing table
        companies = self.env["res.company"].search([("id", "!=", False)])
        # the scheduled action takes every company's figures, whatever the
        # companies of its user
        self.sudo().with_context(allowed_company_ids=companies.ids)._take(
            last_month, companies=companies
        )
        return True

    @api.model
    def action_take_month(self, month):
        """Compute the snapshot of a past ``month`` now (accountants), for
        the selected companies; returns the trend's action."""
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(self.env._("Only an accountant may compute past snapshots."))
        self._take(month)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_dso_snapshot_action"
        )
