# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class ResPartner(models.Model):
    """A contact moved to another customer takes its open items with it: the
    former customer and the contact are logged for the stored ageing totals
    (``dso.ageing.change``); the new customer is found from the contact when
    the log is read. The low-level write, because ``commercial_partner_id``
    is a recomputed stored field."""

    _inherit = "res.partner"

    def _write_multi(self, vals_list):
        if any("commercial_partner_id" in vals for vals in vals_list):
            self.env["dso.ageing.change"]._log_partners(self.ids)
        return super()._write_multi(vals_list)
