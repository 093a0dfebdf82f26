# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Odoo's "No Follow-up" flag: in account up to 16.0, moved to Enterprise's
    # account_followup since 17.0, so absent from 18.0 Community. Same name,
    # type and meaning here, so that both modules agree when installed together.
    # A disputed invoice has it on its receivable lines (see dso.invoice.dispute).
    blocked = fields.Boolean(
        string="No Follow-up",
        copy=False,
        help="You can check this box to mark this journal item as a litigation "
        "with the associated partner: no payment reminder is sent for it.",
    )
