# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dso_reminder_auto = fields.Boolean(related="company_id.dso_reminder_auto", readonly=False)
    dso_reminder_min_amount = fields.Monetary(
        related="company_id.dso_reminder_min_amount",
        readonly=False,
        currency_field="currency_id",
    )
    dso_reminder_monday = fields.Boolean(
        related="company_id.dso_reminder_monday", readonly=False
    )
    dso_reminder_tuesday = fields.Boolean(
        related="company_id.dso_reminder_tuesday", readonly=False
    )
    dso_reminder_wednesday = fields.Boolean(
        related="company_id.dso_reminder_wednesday", readonly=False
    )
    dso_reminder_thursday = fields.Boolean(
        related="company_id.dso_reminder_thursday", readonly=False
    )
    dso_reminder_friday = fields.Boolean(
        related="company_id.dso_reminder_friday", readonly=False
    )
    dso_reminder_saturday = fields.Boolean(
        related="company_id.dso_reminder_saturday", readonly=False
    )
    dso_reminder_sunday = fields.Boolean(
        related="company_id.dso_reminder_sunday", readonly=False
    )
    dso_reminder_hour_from = fields.Float(
        related="company_id.dso_reminder_hour_from", readonly=False
    )
    dso_reminder_hour_to = fields.Float(
        related="company_id.dso_reminder_hour_to", readonly=False
    )
    dso_reminder_user_id = fields.Many2one(
        related="company_id.dso_reminder_user_id", readonly=False
    )

    # customer page (issue 12)
    dso_promise_max_days = fields.Integer(
        related="company_id.dso_promise_max_days", readonly=False
    )
    dso_promise_grace_days = fields.Integer(
        related="company_id.dso_promise_grace_days", readonly=False
    )
    dso_portal_token_days = fields.Integer(
        related="company_id.dso_portal_token_days", readonly=False
    )
