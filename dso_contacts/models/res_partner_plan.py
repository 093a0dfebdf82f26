# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The reminder plan a customer follows: set on it per company, or chosen by
the engine (``dso.reminder.engine._customer_plans``)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    # per company, as the payment terms: a customer shared between companies
    # follows in each a plan of that company
    dso_reminder_plan_id = fields.Many2one(
        "dso.reminder.plan",
        string="Reminder plan",
        company_dependent=True,
        domain="[('company_id', '=', current_company_id)]",
        tracking=True,
        help="The ladder of payment reminder levels this customer follows in the "
        "current company. Empty: the first plan whose rule matches the customer, "
        "else the company's default plan.",
        groups="account.group_account_invoice",
    )
    dso_reminder_plan_followed_id = fields.Many2one(
        "dso.reminder.plan",
        string="Plan followed",
        compute="_compute_dso_reminder_plan_followed",
        groups="account.group_account_invoice",
    )
    dso_reminder_plan_reason = fields.Char(
        string="Why this plan",
        compute="_compute_dso_reminder_plan_followed",
        groups="account.group_account_invoice",
    )

    @api.depends_context("company", "lang")
    @api.depends(
        "dso_reminder_plan_id",
        "category_id",
        "country_id",
        "user_id",
        "property_payment_term_id",
    )
    def _compute_dso_reminder_plan_followed(self):
        self.dso_reminder_plan_followed_id = False
        self.dso_reminder_plan_reason = False
        customers = self.filtered(lambda p: not p.parent_id or p.is_company)
        if not customers:
            return
        # the rule is read on the values of the form (a tag added before saving)
        plans = self.env["dso.reminder.engine"]._customer_plans(customers)
        for partner in customers:
            plan, reason = plans[partner.id]
            if plan and not plan._sorted_levels():
                reason = self.env._(
                    "%(reason)s This plan has no level: no reminder is sent.", reason=reason
                )
            elif not plan:
                reason = self.env._("The company has no reminder plan: no reminder is sent.")
            partner.dso_reminder_plan_followed_id = plan.sudo(False)
            partner.dso_reminder_plan_reason = reason

    @api.constrains("dso_reminder_plan_id")
    def _check_dso_reminder_plan_company(self):
        company = self.env.company
        for partner in self:
            plan = partner.with_company(company).dso_reminder_plan_id.sudo()
            if plan and plan.company_id != company:
                raise ValidationError(
                    self.env._(
                        "The reminder plan %(plan)s is not a plan of %(company)s.",
                        plan=plan.name,
                        company=company.display_name,
                    )
                )
