# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dso_ageing_limit_1 = fields.Integer(
        related="company_id.dso_ageing_limit_1", readonly=False
    )
    dso_ageing_limit_2 = fields.Integer(
        related="company_id.dso_ageing_limit_2", readonly=False
    )
    dso_ageing_limit_3 = fields.Integer(
        related="company_id.dso_ageing_limit_3", readonly=False
    )
    dso_period_days = fields.Selection(related="company_id.dso_period_days", readonly=False)
