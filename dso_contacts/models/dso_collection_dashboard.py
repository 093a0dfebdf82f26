# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

TOP_CUSTOMERS = 10
OVERDUE_FIELDS = ("amount_period_1", "amount_period_2", "amount_period_3", "amount_period_4")
OVERDUE_BUCKETS = ("1_period", "2_period", "3_period", "4_period")


class DsoCollectionDashboard(models.TransientModel):
    """The Collection dashboard of the current company: the figures of the
    DSO engine, the ageing view and the collection activity, read when the
    dashboard is opened or refreshed (no figure of its own)."""

    _name = "dso.collection.dashboard"
    _description = "Collection Dashboard"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="Figures at", readonly=True)
    period_days = fields.Integer(string="DSO period (days)", default=90, readonly=True)
    receivables = fields.Monetary(readonly=True)
    credit_sales = fields.Monetary(readonly=True)
    dso = fields.Float(string="DSO", digits=(16, 1), readonly=True)
    countback_dso = fields.Float(string="Countback DSO", digits=(16, 1), readonly=True)
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    amount_period_1 = fields.Monetary(string="Period 1", readonly=True)
    amount_period_2 = fields.Monetary(string="Period 2", readonly=True)
    amount_period_3 = fields.Monetary(string="Period 3", readonly=True)
    amount_period_4 = fields.Monetary(string="Period 4", readonly=True)
    amount_credit = fields.Monetary(string="Open Credits", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    promise_count = fields.Integer(string="Promises made", readonly=True)
    kept_count = fields.Integer(string="Promises kept", readonly=True)
    broken_count = fields.Integer(string="Promises broken", readonly=True)
    kept_rate = fields.Float(string="Kept rate (%)", digits=(16, 1), readonly=True)
    customer_ids = fields.One2many(
        "dso.collection.dashboard.customer",
        "dashboard_id",
        string="Top overdue customers",
        readonly=True,
    )
    snapshot_ids = fields.Many2many(
        "dso.dso.snapshot",
        string="DSO trend",
        compute="_compute_snapshot_ids",
        help="The company's monthly DSO snapshots of the last 12 months.",
    )

    @api.depends("company_id", "date")
    def _compute_snapshot_ids(self):
        Snapshot = self.env["dso.dso.snapshot"]
        for dashboard in self:
            date = dashboard.date or fields.Date.context_today(self)
            dashboard.snapshot_ids = Snapshot.search(
                [
                    ("company_id", "=", dashboard.company_id.id),
                    ("scope", "=", "company"),
                    ("month", ">=", date.replace(day=1) - relativedelta(months=12)),
                ],
                order="month desc",
                limit=12,
            )

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """The buckets are labelled with the company's limits, as in the
        ageing view."""
        result = super().fields_get(allfields=allfields, attributes=attributes)
        ageing = self.env["dso.ageing.report"].fields_get(
            [*OVERDUE_FIELDS, "amount_not_due", "amount_credit"], ["string"]
        )
        for name, values in ageing.items():
            if "string" in result.get(name, {}):
                result[name]["string"] = values["string"]
        return result

    # ------------------------------------------------------------------
    # The figures
    # ------------------------------------------------------------------

    def _dashboard_values(self, company):
        """The figures of ``company``, read from the DSO engine (DSO,
        countback, ageing by bucket), the ageing view (top overdue
        customers) and the collection activity (promises)."""
        date = company._dso_reminder_today()
        days = int(company.dso_period_days)
        engine = self.env["dso.dso"].with_company(company)
        figures = engine._figures(date, days, companies=company, ageing=True)
        values = dict.fromkeys(
            (
                "receivables",
                "credit_sales",
                "amount_not_due",
                *OVERDUE_FIELDS,
                "amount_credit",
            ),
            0.0,
        )
        values.update(dso=0.0, countback_dso=0.0)
        for (company_id, _key), row in figures.items():
            if company_id == company.id:
                values.update({k: v or 0.0 for k, v in row.items() if k in values})
        values["amount_overdue"] = sum(values[name] for name in OVERDUE_FIELDS)

        # the ten largest overdue amounts, summed and ordered by the database
        # (an item's residual counts in the period bucket it is in)
        Ageing = self.env["dso.ageing.report"]
        domain = [("company_id", "=", company.id), ("partner_id", "!=", False)]
        overdue = Ageing._read_group(
            [*domain, ("bucket", "in", OVERDUE_BUCKETS)],
            ["partner_id"],
            ["amount_residual:sum"],
            order="amount_residual:sum desc",
            limit=TOP_CUSTOMERS,
        )
        residuals = dict(
            Ageing._read_group(
                [*domain, ("partner_id", "in", [partner.id for partner, _sum in overdue])],
                ["partner_id"],
                ["amount_residual:sum"],
            )
        )
        top = sorted(
            (
                (amount, residuals[partner], partner)
                for partner, amount in overdue
                if company.currency_id.compare_amounts(amount, 0) > 0
            ),
            key=lambda item: (-item[0], item[2].id),
        )
        customers = [
            fields.Command.create(
                {
                    "sequence": sequence,
                    "partner_id": partner.id,
                    "amount_overdue": overdue,
                    "amount_residual": residual,
                }
            )
            for sequence, (overdue, residual, partner) in enumerate(top, 1)
        ]

        [(promises, kept, broken)] = self.env["dso.collection.activity"]._read_group(
            [("company_id", "=", company.id), ("kind", "=", "promise")],
            [],
            ["promise_count:sum", "kept_count:sum", "broken_count:sum"],
        )
        kept, broken = kept or 0, broken or 0
        return {
            **values,
            "company_id": company.id,
            "date": date,
            "period_days": days,
            "promise_count": promises or 0,
            "kept_count": kept,
            "broken_count": broken,
            "kept_rate": kept * 100.0 / (kept + broken) if kept + broken else 0.0,
            "customer_ids": customers,
        }

    @api.model
    def action_open_dashboard(self):
        """The menu's door: a dashboard of the current company's figures."""
        dashboard = self.create(self._dashboard_values(self.env.company))
        return dashboard._action_show()

    def action_refresh(self):
        self.ensure_one()
        self.customer_ids.unlink()
        self.write(self._dashboard_values(self.company_id))
        return self._action_show()

    def _action_show(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Collection dashboard"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (self.env.ref("dso_contacts.dso_collection_dashboard_view_form").id, "form")
            ],
            "target": "current",
        }

    def action_open_trend(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_dso_snapshot_action"
        )

    def action_open_ageing(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_ageing_report_action"
        )

    def action_open_activity(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_collection_activity_action"
        )


class DsoCollectionDashboardCustomer(models.TransientModel):
    _name = "dso.collection.dashboard.customer"
    _description = "Collection Dashboard: Overdue Customer"
    _order = "sequence, id"

    dashboard_id = fields.Many2one(
        "dso.collection.dashboard", required=True, ondelete="cascade", readonly=True
    )
    sequence = fields.Integer(string="Rank", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    currency_id = fields.Many2one(related="dashboard_id.currency_id")
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)
