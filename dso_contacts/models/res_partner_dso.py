# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What the customer form shows of the collection cockpit: the customer's
DSO and its ageing, read from the engine and the ageing report."""

from odoo import fields, models

from .dso_ageing_report import BUCKET_FIELDS


class ResPartner(models.Model):
    _inherit = "res.partner"

    dso_currency_id = fields.Many2one(
        "res.currency", string="Company Currency", compute="_compute_dso_ageing"
    )
    dso_dso = fields.Float(
        string="DSO (days)",
        digits=(16, 1),
        compute="_compute_dso_dso",
        help="Receivables today / credit sales of the company's DSO period x its days.",
        groups="account.group_account_invoice",
    )
    dso_ageing_count = fields.Integer(
        string="Open items",
        compute="_compute_dso_ageing",
        groups="account.group_account_invoice",
    )
    dso_amount_not_due = fields.Monetary(
        string="Not due",
        compute="_compute_dso_ageing",
        currency_field="dso_currency_id",
        groups="account.group_account_invoice",
    )
    dso_amount_period_1 = fields.Monetary(
        string="Period 1",
        compute="_compute_dso_ageing",
        currency_field="dso_currency_id",
        groups="account.group_account_invoice",
    )
    dso_amount_period_2 = fields.Monetary(
        string="Period 2",
        compute="_compute_dso_ageing",
        currency_field="dso_currency_id",
        groups="account.group_account_invoice",
    )
    dso_amount_period_3 = fields.Monetary(
        string="Period 3",
        compute="_compute_dso_ageing",
        currency_field="dso_currency_id",
        groups="account.group_account_invoice",
    )
    dso_amount_period_4 = fields.Monetary(
        string="Period 4",
        compute="_compute_dso_ageing",
        currency_field="dso_currency_id",
        groups="account.group_account_invoice",
    )
    dso_amount_credit = fields.Monetary(
        string="Open credits",
        compute="_compute_dso_ageing",
        currency_field="dso_currency_id",
        groups="account.group_account_invoice",
    )
    dso_amount_overdue = fields.Monetary(
        string="Overdue",
        compute="_compute_dso_amount_totals",
        currency_field="dso_currency_id",
        help="The open items past due (the four periods), in the current company.",
    )
    dso_amount_open = fields.Monetary(
        string="Open amount",
        compute="_compute_dso_amount_totals",
        currency_field="dso_currency_id",
        help="Every open item, not due and open credits included.",
    )

    def _compute_dso_ageing(self):
        """The customer's open items in the current company, by bucket (one
        ``_read_group`` for the batch)."""
        self.dso_currency_id = self.env.company.currency_id
        self.dso_ageing_count = 0
        for name in BUCKET_FIELDS.values():
            self[f"dso_{name}"] = 0.0
        Report = self.env["dso.ageing.report"]
        partners = self.filtered("id")
        if not partners or not Report.has_access("read"):
            return
        groups = Report._read_group(
            [
                ("company_id", "=", self.env.company.id),
                *Report._customer_domain(partners.commercial_partner_id),
            ],
            ["partner_id", "bucket"],
            ["amount_residual:sum", "__count"],
        )
        for partner in partners:
            commercial = partner.commercial_partner_id
            for group_partner, bucket, amount, count in groups:
                if group_partner == commercial:
                    partner[f"dso_{BUCKET_FIELDS[bucket]}"] = amount
                    partner.dso_ageing_count += count

    def _compute_dso_amount_totals(self):
        for partner in self:
            partner.dso_amount_overdue = sum(
                partner[f"dso_amount_period_{period}"] for period in range(1, 5)
            )
            partner.dso_amount_open = sum(
                partner[f"dso_{name}"] for name in BUCKET_FIELDS.values()
            )

    def _compute_dso_dso(self):
        self.dso_dso = 0.0
        Engine = self.env["dso.dso"]
        partners = self.filtered("id")
        if not partners or not self.env["account.move.line"].has_access("read"):
            return
        company = self.env.company
        days = int(company.dso_period_days)
        figures = Engine._figures(
            company._dso_reminder_today(),
            days,
            "customer",
            company,
            partner_ids=partners.commercial_partner_id.ids,
        )
        for partner in partners:
            values = figures.get((company.id, partner.commercial_partner_id.id), {})
            partner.dso_dso = values.get("dso") or 0.0

    def action_view_dso_ageing(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_ageing_report_action"
        )
        action["domain"] = self.env["dso.ageing.report"]._customer_domain(
            self.commercial_partner_id
        )
        action["context"] = {"search_default_group_bucket": 1}
        return action
