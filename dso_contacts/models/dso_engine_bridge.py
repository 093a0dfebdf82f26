# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""BRIDGE, to delete when the reminder engine refactor lands in main.

The lead's engine will AND ``account.move._dso_reminder_hold_domain(today)``
into its search of due invoices, the base method (in models/account_move.py)
excluding the invoices whose receivable lines are "No Follow-up". Until then
this file stands in for that base method, and models/dso_reminder_portal.py
applies it in ``dso.reminder._get_reminder_domain``. Imported before
account_move so that the portal override of account_move.py calls it as super.
"""

from odoo import api, models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _dso_reminder_hold_domain(self, today):
        return [
            (
                "line_ids",
                "not any",
                [("account_type", "=", "asset_receivable"), ("blocked", "=", True)],
            )
        ]
