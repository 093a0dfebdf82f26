# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if not self.is_sale_document(include_receipts=True) or not self.partner_id:
            return recipients
        return self.partner_id._dso_prepend_suggested_contacts(self, recipients)
