# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

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
    dso_reminder_hold = fields.Boolean(
        string="No payment reminder",
        copy=False,
        tracking=True,
        help="Leave this invoice out of the payment reminders (a dispute, an "
        "agreement with the customer...) until the box is unticked. Odoo's own "
        "payment block ((Un)Block Payment) does the same.",
    )

    def _compute_dso_reminder_count(self):
        self.dso_reminder_count = 0
        Reminder = self.env["dso.reminder"]
        if not Reminder.has_access("read"):
            return
        counts = dict(
            Reminder._read_group(
                [("move_ids", "in", self.ids), ("is_draft", "=", False)],
                ["move_ids"],
                ["__count"],
            )
        )
        for move in self:
            move.dso_reminder_count = counts.get(move._origin, 0)

    def action_view_dso_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_reminder_action"
        )
        action["domain"] = [("move_ids", "in", self.ids)]
        action["context"] = {"search_default_hide_drafts": 1}
        return action

    @api.model
    def _dso_reminder_hold_domain(self, today):
        """Domain leaving out of the payment reminders the invoices held out
        of them on ``today``: those marked *No payment reminder*, and those
        whose payment Odoo blocks (``payment_state`` blocked). (18.0 has no
        "No Follow-up" flag on journal items any more.) Extend it to hold
        more (a promise to pay, say)."""
        return [("dso_reminder_hold", "=", False), ("payment_state", "!=", "blocked")]

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if not self.is_sale_document(include_receipts=True) or not self.partner_id:
            return recipients
        return self.partner_id._dso_prepend_suggested_contacts(self, recipients)
