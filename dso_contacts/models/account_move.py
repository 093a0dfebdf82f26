# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.osv import expression


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

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if not self.is_sale_document(include_receipts=True) or not self.partner_id:
            return recipients
        return self.partner_id._dso_prepend_suggested_contacts(self, recipients)


# ----------------------------------------------------------------------
# Customer page (issue 12): promises to pay and disputes of the invoice
# ----------------------------------------------------------------------


# a class of its own: its _dso_reminder_hold_domain overrides the engine's
# base method, defined in the class above (a class cannot hold both)
class AccountMoveDsoPortal(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

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

    def _compute_dso_portal_counts(self):
        self.dso_promise_count = self.dso_dispute_count = 0
        Promise, Dispute = self.env["dso.payment.promise"], self.env["dso.invoice.dispute"]
        if not Promise.has_access("read"):
            return
        promises = dict(
            Promise._read_group([("move_ids", "in", self.ids)], ["move_ids"], ["__count"])
        )
        disputes = dict(
            Dispute._read_group([("move_id", "in", self.ids)], ["move_id"], ["__count"])
        )
        for move in self:
            move.dso_promise_count = promises.get(move._origin, 0)
            move.dso_dispute_count = disputes.get(move._origin, 0)

    @api.model
    def _dso_reminder_hold_domain(self, today):
        domain = super()._dso_reminder_hold_domain(today)
        promise_domain = self.env["dso.payment.promise"]._hold_domain(today)
        return expression.AND([domain, [("dso_promise_ids", "not any", promise_domain)]])

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
