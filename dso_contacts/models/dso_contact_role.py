# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class DsoContactRole(models.Model):
    _name = "dso.contact.role"
    _description = "Customer Contact Role"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        help="Stable technical code, used by imports to recognise the role "
        "whatever the language of the file.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    partner_count = fields.Integer(string="Contacts", compute="_compute_partner_count")

    _sql_constraints = [
        ("code_uniq", "unique (code)", "A role code must be unique."),
    ]

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("contact_role_id", "in", self.ids)],
                ["contact_role_id"],
                ["__count"],
            )
        )
        for role in self:
            role.partner_count = counts.get(role, 0)
