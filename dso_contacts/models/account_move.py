# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from ..tools.counts import count_by


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
        compute="_compute_dso_reminder_hold",
        inverse="_inverse_dso_reminder_hold",
        help="Leave this invoice out of the payment reminders (a dispute, an "
        "agreement with the customer...) until the box is unticked: Odoo's "
        '"No Follow-up" flag of its receivable journal items. Odoo\'s own '
        "payment block ((Un)Block Payment) does the same.",
    )
    dso_promise_ids = fields.Many2many(
        "dso.payment.promise",
        "dso_payment_promise_account_move_rel",
        "move_id",
        "promise_id",
        string="Promises to pay",
        copy=False,
        readonly=True,
    )
    dso_dispute_ids = fields.One2many(
        "dso.invoice.dispute", "move_id", string="Disputes", readonly=True
    )
    dso_promise_count = fields.Integer(
        string="Promise count", compute="_compute_dso_portal_counts"
    )
    dso_dispute_count = fields.Integer(
        string="Dispute count", compute="_compute_dso_portal_counts"
    )

    def _compute_dso_reminder_count(self):
        counts = count_by(self, "dso.reminder", "move_ids", [("is_draft", "=", False)])
        for move in self:
            move.dso_reminder_count = counts.get(move._origin.id, 0)

    def _compute_dso_portal_counts(self):
        promises = count_by(self, "dso.payment.promise", "move_ids")
        disputes = count_by(self, "dso.invoice.dispute", "move_id")
        for move in self:
            move.dso_promise_count = promises.get(move._origin.id, 0)
            move.dso_dispute_count = disputes.get(move._origin.id, 0)

    @api.depends("line_ids.blocked")
    def _compute_dso_reminder_hold(self):
        for move in self:
            move.dso_reminder_hold = any(
                line.blocked
                for line in move.line_ids
                if line.account_type == "asset_receivable"
            )

    def _inverse_dso_reminder_hold(self):
        for move in self:
            receivable = move.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            )
            receivable.blocked = move.dso_reminder_hold

    def action_view_dso_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_reminder_action"
        )
        action["domain"] = [("move_ids", "in", self.ids)]
        action["context"] = {"search_default_hide_drafts": 1}
        return action

    def _dso_action_view(self):
        """The customer invoices list showing ``self``: what the reminders,
        promises and disputes open from their *Invoices* buttons."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.ids)]
        action["context"] = {"create": False}
        return action

    @api.model
    def _dso_reminder_hold_domain(self, today):
        """Domain leaving out of the payment reminders the invoices held out
        of them on ``today``: those whose receivable journal item is marked
        "No Follow-up" (``blocked``: a dispute, or *No payment reminder*),
        those whose payment Odoo blocks (``payment_state`` blocked) and those
        under a promise to pay until its date plus the grace period."""
        return [
            (
                "line_ids",
                "not any",
                [("account_type", "=", "asset_receivable"), ("blocked", "=", True)],
            ),
            ("payment_state", "!=", "blocked"),
            (
                "dso_promise_ids",
                "not any",
                self.env["dso.payment.promise"]._hold_domain(today),
            ),
        ]

    def action_view_dso_promises(self):
        self.ensure_one()
        return self.commercial_partner_id._dso_portal_action(
            "dso_contacts.dso_payment_promise_action", [("move_ids", "in", self.ids)]
        )

    def action_view_dso_disputes(self):
        self.ensure_one()
        action = self.commercial_partner_id._dso_portal_action(
            "dso_contacts.dso_invoice_dispute_action", [("move_id", "in", self.ids)]
        )
        action["context"] = dict(action["context"], default_move_id=self.id)
        return action

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if not self.is_sale_document(include_receipts=True) or not self.partner_id:
            return recipients
        return self.partner_id._dso_prepend_suggested_contacts(self, recipients)
