# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.tools import format_date

OVERDUE_FIELDS = ("amount_period_1", "amount_period_2", "amount_period_3", "amount_period_4")
BUCKET_AMOUNTS = ("amount_not_due", *OVERDUE_FIELDS, "amount_credit")
TOP_CUSTOMERS = 10
TREND_MONTHS = 12


class DsoCollectionDashboard(models.Model):
    """The Collection dashboard: one record per user, kept (never vacuumed,
    so a tab left open still refreshes), whose figures are computed when
    read, for the company the user works in (the switcher's current one),
    from the DSO engine, the ageing view and the collection activity. As
    Odoo's journal dashboard (``account.journal.kanban_dashboard``), the
    record stores no figure of its own."""

    _name = "dso.collection.dashboard"
    _description = "Collection Dashboard"
    _rec_name = "user_id"

    user_id = fields.Many2one(
        "res.users",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one("res.company", compute="_compute_figures")
    currency_id = fields.Many2one("res.currency", compute="_compute_figures")
    date = fields.Date(string="Figures at", compute="_compute_figures")
    period_days = fields.Integer(string="DSO period (days)", compute="_compute_figures")
    receivables = fields.Monetary(compute="_compute_figures")
    credit_sales = fields.Monetary(compute="_compute_figures")
    dso = fields.Float(string="DSO", digits=(16, 1), compute="_compute_figures")
    countback_dso = fields.Float(
        string="Countback DSO", digits=(16, 1), compute="_compute_figures"
    )
    amount_not_due = fields.Monetary(string="Not Due", compute="_compute_figures")
    amount_period_1 = fields.Monetary(string="Period 1", compute="_compute_figures")
    amount_period_2 = fields.Monetary(string="Period 2", compute="_compute_figures")
    amount_period_3 = fields.Monetary(string="Period 3", compute="_compute_figures")
    amount_period_4 = fields.Monetary(string="Period 4", compute="_compute_figures")
    amount_credit = fields.Monetary(string="Open Credits", compute="_compute_figures")
    amount_overdue = fields.Monetary(string="Overdue", compute="_compute_figures")
    promise_count = fields.Integer(string="Promises made", compute="_compute_figures")
    kept_count = fields.Integer(string="Promises kept", compute="_compute_figures")
    broken_count = fields.Integer(string="Promises broken", compute="_compute_figures")
    kept_rate = fields.Float(
        string="Kept rate (%)", digits=(16, 1), compute="_compute_figures"
    )
    top_customer_ids = fields.Many2many(
        "res.partner",
        string="Top overdue customers",
        compute="_compute_figures",
        help="The customers with the largest overdue amounts, largest first.",
    )
    dso_trend = fields.Text(
        string="DSO trend",
        compute="_compute_dso_trend",
        help="The DSO of the last 12 months: the monthly snapshots, and today's "
        "figure for the current month; a month without a snapshot is a gap.",
    )

    _sql_constraints = [
        ("user_uniq", "unique(user_id)", "A user has one collection dashboard."),
    ]

    @api.depends_context("lang")
    def _compute_display_name(self):
        # the breadcrumb and the window's title: the screen's name, not its
        # owner's (each user sees only their own record)
        self.display_name = self.env._("Collection dashboard")

    @api.depends_context("company", "lang")
    def _compute_figures(self):
        """Every figure at once, for the current company (one call of the
        engine for the records read together: they are the user's own)."""
        values = self._dashboard_values(self.env.company)
        partners = self.env["res.partner"].browse(values.pop("top_customer_ids"))
        for dashboard in self:
            dashboard.update(values)
            dashboard.top_customer_ids = partners

    @api.depends_context("company", "lang")
    def _compute_dso_trend(self):
        """The last 12 months' DSO as the line graph of Odoo's dashboard
        graph widget: the month-end snapshots of the 11 months before, a gap
        (``null``) where a month has none (a past month is computed on
        demand by an accountant from the trend's view), and today's DSO for
        the current month."""
        company = self.env.company
        for dashboard in self:
            this_month = dashboard.date.replace(day=1)
            months = [
                this_month - relativedelta(months=n) for n in range(TREND_MONTHS - 1, 0, -1)
            ]
            snapshots = self.env["dso.dso.snapshot"].search_read(
                [
                    ("company_id", "=", company.id),
                    ("scope", "=", "company"),
                    ("month", "in", months),
                ],
                ["month", "dso"],
            )
            dso = {snapshot["month"]: snapshot["dso"] for snapshot in snapshots}
            values = [
                {
                    "x": format_date(self.env, month, date_format="MMM yyyy"),
                    "y": dso.get(month),
                }
                for month in months
            ]
            values.append(
                {
                    "x": format_date(self.env, this_month, date_format="MMM yyyy"),
                    "y": round(dashboard.dso, 1),
                }
            )
            dashboard.dso_trend = json.dumps(
                [
                    {
                        "key": self.env._("DSO (days)"),
                        "values": values,
                        "is_sample_data": False,
                    }
                ]
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
        countback), the ageing by customer (ageing by bucket, top overdue
        customers, largest first: their ids) and the collection activity
        (promises)."""
        date = company._dso_reminder_today()
        days = int(company.dso_period_days)
        engine = self.env["dso.dso"].with_company(company)
        # the ageing by customer ages on the database's date: on another day
        # (the company's time zone past midnight) the engine ages the items
        stored = engine._is_database_today(date)
        figures = engine._figures(date, days, companies=company, ageing=not stored)
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

        # the buckets and the ten largest overdue amounts from the ageing by
        # customer (one row per customer, mostly stored), by the database
        Ageing = self.env["dso.ageing.customer"]
        domain = [("company_id", "=", company.id)]
        if stored:
            [sums] = Ageing._read_group(domain, [], [f"{name}:sum" for name in BUCKET_AMOUNTS])
            values.update(zip(BUCKET_AMOUNTS, (amount or 0.0 for amount in sums), strict=True))
        values["amount_overdue"] = sum(values[name] for name in OVERDUE_FIELDS)
        overdue = Ageing._read_group(
            [*domain, ("partner_id", "!=", False), ("amount_overdue", "!=", 0)],
            ["partner_id"],
            ["amount_overdue:sum"],
            order="amount_overdue:sum desc",
            limit=TOP_CUSTOMERS,
        )
        top = sorted(
            (
                (amount, partner)
                for partner, amount in overdue
                if company.currency_id.compare_amounts(amount, 0) > 0
            ),
            key=lambda item: (-item[0], item[1].id),
        )

        [(promises, kept, broken)] = self.env["dso.collection.activity"]._read_group(
            [("company_id", "=", company.id), ("kind", "=", "promise")],
            [],
            ["promise_count:sum", "kept_count:sum", "broken_count:sum"],
        )
        kept, broken = kept or 0, broken or 0
        return {
            **values,
            "company_id": company.id,
            "currency_id": company.currency_id.id,
            "date": date,
            "period_days": days,
            "promise_count": promises or 0,
            "kept_count": kept,
            "broken_count": broken,
            "kept_rate": kept * 100.0 / (kept + broken) if kept + broken else 0.0,
            "top_customer_ids": [partner.id for _amount, partner in top],
        }

    @api.model
    def action_open_dashboard(self):
        """The menu's door: the user's dashboard, found or created (one per
        user: a tab left open keeps working, whatever the vacuum)."""
        return self._get_user_dashboard()._action_show()

    @api.model
    def _get_user_dashboard(self):
        dashboard = self.search([("user_id", "=", self.env.uid)], limit=1)
        if dashboard:
            return dashboard
        try:
            # two tabs opening the dashboard for the first time at once: the
            # second finds the first's record
            with self.env.cr.savepoint():
                return self.create({"user_id": self.env.uid})
        except IntegrityError:
            return self.search([("user_id", "=", self.env.uid)], limit=1)

    def action_refresh(self):
        """The figures are read again when the form reloads the record."""
        self.ensure_one()
        self.check_access("read")
        return True

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
            "dso_contacts.dso_ageing_customer_action"
        )

    def action_open_activity(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_collection_activity_action"
        )
