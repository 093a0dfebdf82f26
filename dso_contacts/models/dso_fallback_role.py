# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class DsoFallbackRole(models.Model):
    """The order in which a company's reminders look for another contact of
    the customer when the contact for collection cannot be reached (an email
    that bounced, an SMS to a wrong number): the contacts of the first role
    listed first. No line: every contact, in the roles' own order."""

    _name = "dso.fallback.role"
    _description = "Reminder Fallback Role"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    sequence = fields.Integer(default=10)
    role_id = fields.Many2one("dso.contact.role", required=True, ondelete="cascade")

    _sql_constraints = [
        (
            "company_role_uniq",
            "unique (company_id, role_id)",
            "A role is listed once per company in the fallback order.",
        ),
    ]
