# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class DsoReminderPlanAssign(models.TransientModel):
    """Set the reminder plan of the customers selected in the list (for the
    wizard's company, the current one): a mass action of the customer list."""

    _name = "dso.reminder.plan.assign"
    _description = "Set the Reminder Plan of Customers"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "dso_reminder_plan_assign_partner_rel",
        "wizard_id",
        "partner_id",
        string="Customers",
        required=True,
        default=lambda self: self._default_partner_ids(),
    )
    plan_id = fields.Many2one(
        "dso.reminder.plan",
        string="Reminder plan",
        check_company=True,
        domain="[('company_id', '=', company_id)]",
        help="Empty: the customers follow again the plan whose rule matches them, "
        "else the company's default.",
    )

    @api.model
    def _default_partner_ids(self):
        if self.env.context.get("active_model") != "res.partner":
            return False
        partners = self.env["res.partner"].browse(self.env.context.get("active_ids", []))
        return partners.commercial_partner_id.ids

    def action_apply(self):
        self.ensure_one()
        if self.company_id not in self.env.companies:
            raise AccessError(
                self.env._(
                    "The reminder plans of %(company)s are not yours to set.",
                    company=self.company_id.display_name,
                )
            )
        # the user's rights on the customers apply (write); the plan is one
        # of the wizard's company (check_company), the user's current company
        self.partner_ids.commercial_partner_id.with_company(self.company_id).write(
            {"dso_reminder_plan_id": self.plan_id.id}
        )
        return {"type": "ir.actions.act_window_close"}
