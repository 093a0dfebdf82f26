# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models

# the journal item's fields that move its customer's open amounts
AGEING_FIELDS = frozenset(
    {
        "amount_residual",
        "reconciled",
        "parent_state",
        "partner_id",
        "date",
        "date_maturity",
        "account_id",
        "company_id",
    }
)
# those that move the item from one customer (or account) to another: its
# partner is logged before the write as well
MOVING_FIELDS = frozenset({"partner_id", "account_id", "company_id"})


class AccountMoveLine(models.Model):
    """The receivable items' changes are logged for the stored ageing totals
    (``dso.ageing.change``): one ``INSERT ... SELECT`` per low-level write
    batch, no read of the lines. The low-level methods, because a
    reconciliation or a posting writes the residuals and states as
    recomputed stored fields, which skip ``write()``."""

    _inherit = "account.move.line"

    @api.model
    def _create(self, data_list):
        lines = super()._create(data_list)
        self.env["dso.ageing.change"]._log_move_lines(lines.ids)
        return lines

    def _write_multi(self, vals_list):  # pylint: disable=missing-return
        # core's _write_multi returns nothing: the items are logged after it
        changed = set().union(*vals_list) & AGEING_FIELDS if vals_list else set()
        if changed & MOVING_FIELDS:
            self.env["dso.ageing.change"]._log_move_lines(self.ids)
        super()._write_multi(vals_list)
        if changed:
            self.env["dso.ageing.change"]._log_move_lines(self.ids)

    def unlink(self):
        self.env["dso.ageing.change"]._log_move_lines(self.ids)
        return super().unlink()
