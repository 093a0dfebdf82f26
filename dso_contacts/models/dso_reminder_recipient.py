# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

REASONS = [
    ("collection", "Contact for collection"),
    ("fallback", "Next reachable contact"),
    ("manual", "Chosen by hand"),
    ("role", "Role of the level"),
    ("no_role", "No contact with the role"),
    ("role_unreachable", "Role holder known not to receive"),
    ("salesperson", "Salesperson in copy"),
    ("collector", "Collector (activity)"),
]
SEND_AS = [
    ("to", "Email (To)"),
    ("cc", "Email (Cc)"),
    ("sms", "SMS"),
    ("activity", "Activity"),
    ("none", "Not sent"),
]


class DsoReminderRecipientMixin(models.AbstractModel):
    """What a recipient line says: who, by which channel, and why. Shared by
    the lines stored (``dso.reminder.recipient``) and the lines shown
    (``dso.reminder.recipient.line``, which adds those of the reminder's own
    contact read from the reminder itself)."""

    _name = "dso.reminder.recipient.mixin"
    _description = "Payment Reminder Recipient (common)"

    reminder_id = fields.Many2one("dso.reminder", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    level_id = fields.Many2one(related="reminder_id.level_id")
    sequence = fields.Integer(default=10, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Recipient", ondelete="set null", readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        ondelete="set null",
        readonly=True,
        help="The salesperson in copy, or the collector the activity is assigned to.",
    )
    send_as = fields.Selection(SEND_AS, required=True, readonly=True)
    reason_code = fields.Selection(REASONS, required=True, readonly=True)
    role_id = fields.Many2one("dso.contact.role", readonly=True)
    reason = fields.Char(compute="_compute_reason", help="Why this person was chosen.")

    @api.depends_context("lang")
    @api.depends("reason_code", "role_id", "level_id", "partner_id")
    def _compute_reason(self):
        for line in self:
            line.reason = line._reason_text()

    def _reason_text(self):
        self.ensure_one()
        env = self.env
        level = self.level_id.name
        role = self.role_id.name
        match self.reason_code:
            case "collection":
                if role:
                    return env._(
                        "Contact for collection, also role %(role)s (%(level)s)",
                        role=role,
                        level=level,
                    )
                return env._("Contact for collection")
            case "fallback":
                return env._(
                    "Next reachable contact (the contact for collection is not reached)"
                )
            case "manual":
                return env._("Chosen by hand")
            case "role":
                return env._("Role %(role)s (%(level)s)", role=role, level=level)
            case "no_role":
                return env._(
                    "No contact with role %(role)s (%(level)s): not escalated",
                    role=role,
                    level=level,
                )
            case "role_unreachable":
                return env._(
                    "Role %(role)s (%(level)s): address known to bounce, not sent",
                    role=role,
                    level=level,
                )
            case "salesperson":
                return env._("Salesperson in copy")
            case "collector":
                return env._("Collector (activity: call the customer)")
        return ""

    def _summary_line(self):
        """``Name <address>: reason``, as the preview and the notes show it."""
        self.ensure_one()
        name = self.partner_id.name or self.user_id.name or ""
        who = f"{name} <{self.address}>" if self.address else name
        if self.send_as == "none" and self.partner_id:
            return self.env._("%(who)s: %(reason)s (not sent)", who=who, reason=self.reason)
        if not who:
            return self.reason
        return f"{who}: {self.reason}"


class DsoReminderRecipient(models.Model):
    """A recipient line stored with its reminder: every person a reminder went
    to (or meant to) and why, except the reminder's own contact for collection
    when its line would only repeat the reminder (its email to that contact
    alone, its SMS): those are read from the reminder itself
    (``dso.reminder.recipient.line``). Written by the engine with the reminder
    (``dso.reminder.dispatch._recipients_vals``) and never rewritten."""

    _name = "dso.reminder.recipient"
    _inherit = "dso.reminder.recipient.mixin"
    _description = "Payment Reminder Recipient"
    _order = "reminder_id, sequence, id"

    reminder_id = fields.Many2one(
        "dso.reminder", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="reminder_id.company_id", store=True, index=True, readonly=True
    )
    address = fields.Char(
        readonly=True, help="The email address or phone number used, when it was sent."
    )
