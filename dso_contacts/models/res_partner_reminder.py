# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What the customer shows of its payment reminders: the next one, the
history, the exclusion (what keeps them from reaching the customer:
res_partner_reminder_problem.py)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.counts import count_by


class ResPartner(models.Model):
    _inherit = "res.partner"

    dso_reminder_exclude = fields.Boolean(
        string="Exclude from automatic reminders",
        tracking=True,
        help="No automatic payment reminder is sent to this customer (a dispute, "
        "a payment plan...), until the date below if one is set.",
        groups="account.group_account_invoice",
    )
    dso_reminder_exclude_until = fields.Date(
        string="Excluded until",
        tracking=True,
        help="Automatic reminders start again the day after this date. Empty: "
        "excluded until the box is unticked.",
        groups="account.group_account_invoice",
    )
    dso_reminder_ids = fields.One2many(
        "dso.reminder",
        "partner_id",
        string="Payment reminders",
        groups="account.group_account_invoice",
    )
    dso_reminder_count = fields.Integer(
        string="Reminders",
        compute="_compute_dso_reminder_count",
        groups="account.group_account_invoice",
    )
    dso_next_reminder_level_id = fields.Many2one(
        "dso.reminder.level",
        string="Next reminder",
        compute="_compute_dso_next_reminder",
        groups="account.group_account_invoice",
    )
    dso_next_reminder_date = fields.Date(
        string="Next reminder on",
        compute="_compute_dso_next_reminder",
        groups="account.group_account_invoice",
    )

    def _compute_dso_reminder_count(self):
        counts = count_by(self, "dso.reminder", "partner_id", [("is_draft", "=", False)])
        for partner in self:
            partner.dso_reminder_count = counts.get(partner._origin.id, 0)

    @api.depends_context("company")
    def _compute_dso_next_reminder(self):
        self.dso_next_reminder_level_id = False
        self.dso_next_reminder_date = False
        Reminder = self.env["dso.reminder"]
        Move = self.env["account.move"]
        customers = self.filtered(lambda p: p.id and p.commercial_partner_id == p)
        if not customers or not (Reminder.has_access("read") and Move.has_access("read")):
            return
        company = self.env.company
        if not company._dso_reminder_levels():
            return
        today = company._dso_reminder_today()
        engine = self.env["dso.reminder.engine"]
        oldest = {}
        ladders = {}
        # what is owed once open credits are deducted, as the reminders count
        # it, and the levels of each customer's plan (the engine's choice)
        for group in engine._due_groups(customers, today, automatic=False, all_open=True):
            partner = group["partner"]
            ladders[partner] = group["plan"]._sorted_levels()
            oldest[partner] = min(
                group["trigger"] | oldest.get(partner, Move),
                key=lambda move: (move.invoice_date_due, move.id),
            )
        sent = engine._already_sent(Move.union(*oldest.values()))
        for partner, move in oldest.items():
            late = (today - move.invoice_date_due).days
            sent_days = sent.get(move.id)
            pending = ladders[partner].filtered(
                lambda lvl, sent_days=sent_days: sent_days is None or lvl.days > sent_days
            )
            reached = pending.filtered(lambda lvl, late=late: lvl.days <= late)
            if reached:
                level, date = reached[-1], today
            elif pending:
                level = pending[0]
                date = move.invoice_date_due + timedelta(days=level.days)
            else:
                continue
            until = partner.dso_reminder_exclude_until
            if partner.dso_reminder_exclude:
                if not until:
                    continue
                date = max(date, until + timedelta(days=1))
            partner.dso_next_reminder_level_id = level
            partner.dso_next_reminder_date = date

    @api.ondelete(at_uninstall=False)
    def _unlink_except_reminder_history(self):
        # as Odoo keeps partners used in accounting: the reminder history must
        # still say who was reminded (sudo: the history may be hidden to the user)
        reminder = (
            self.env["dso.reminder"]
            .sudo()
            .search(
                [
                    "|",
                    "|",
                    "|",
                    ("partner_id", "in", self.ids),
                    ("contact_id", "in", self.ids),
                    ("sms_contact_id", "in", self.ids),
                    ("recipient_ids", "in", self.ids),
                ],
                limit=1,
            )
        )
        if reminder:
            partner = (
                reminder.partner_id
                | reminder.contact_id
                | reminder.sms_contact_id
                | reminder.recipient_ids
            ) & self
            raise UserError(
                self.env._(
                    "%(name)s cannot be deleted: payment reminders were sent to them "
                    "and the reminder history keeps them. Archive the contact instead.",
                    name=partner[:1].sudo().display_name,
                )
            )

    def action_view_dso_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_reminder_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_hide_drafts": 1}
        return action

    def action_dso_send_reminder(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_reminder_send_action"
        )
        action["context"] = {
            "active_model": self._name,
            "active_ids": self.ids,
            "active_id": self[:1].id,
        }
        return action

    def _dso_reminder_sms_number(self):
        """The number reminders are sent to by SMS, in E.164: the mobile, else
        the phone, when an SMS can reach it (the rule of the import and of the
        form, see ``_dso_sms_number``)."""
        self.ensure_one()
        return self._dso_sms_number()
