# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if not self.is_sale_document(include_receipts=True) or not self.partner_id:
            return recipients
        return self.partner_id._dso_prepend_suggested_contacts(self, recipients)

    # payment reminders (issue 4)
    dso_reminder_ids = fields.Many2many(
        "dso.reminder",
        "dso_reminder_account_move_rel",
        "move_id",
        "reminder_id",
        string="Payment reminders",
        copy=False,
        readonly=True,
    )
    dso_reminder_count = fields.Integer(
        string="Reminders", compute="_compute_dso_reminder_count"
    )

    def _compute_dso_reminder_count(self):
        self.dso_reminder_count = 0
        if not self.env["dso.reminder"].has_access("read"):
            return
        for move in self:
            move.dso_reminder_count = len(
                move.dso_reminder_ids.filtered(lambda r: not r.is_draft)
            )

    def action_view_dso_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_reminder_action"
        )
        action["domain"] = [("move_ids", "in", self.ids)]
        action["context"] = {"search_default_hide_drafts": 1}
        return action
