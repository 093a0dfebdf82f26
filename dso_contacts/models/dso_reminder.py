# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

EMAIL_STATES = [
    ("none", "Not used"),
    ("queued", "Queued"),
    ("missing_contact", "No contact for collection"),
    ("missing_email", "No email address"),
    ("blacklisted", "Blacklisted"),
    ("error", "Error"),
]
SMS_STATES = [
    ("none", "Not used"),
    ("queued", "Queued"),
    ("missing_contact", "No contact for collection"),
    ("missing_number", "No mobile or phone number"),
    ("blacklisted", "Blacklisted"),
    ("error", "Error"),
]


# what a sent reminder never changes: it is the history of what was sent, to
# whom and when (a new send is a new reminder, see action_resend)
HISTORY_FIELDS = frozenset(
    (
        "company_id",
        "partner_id",
        "contact_id",
        "sms_contact_id",
        "recipient_ids",
        "recipient_line_ids",
        "stored_recipient_ids",
        "own_lines_derived",
        "level_id",
        "move_ids",
        "trigger_move_id",
        "credit_line_ids",
        "currency_id",
        "amount_overdue",
        "amount_credit",
        "amount_due",
        "date",
        "is_manual",
        "channel",
        "user_id",
        "author_id",
        "email_from",
        "email_to",
        "email_cc",
        "activity_user_id",
        "sms_number",
        "sms_uuid",
        "email_state",
        "sms_state",
        "previous_id",
    )
)


class DsoReminder(models.Model):
    _name = "dso.reminder"
    _description = "Payment Reminder"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    # accounting users read the history only, and may still log notes on it
    _mail_post_access = "read"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact for collection",
        readonly=True,
        help="The customer's contact for collection when the reminder was sent.",
    )
    recipient_ids = fields.Many2many(
        "res.partner",
        "dso_reminder_recipient_rel",
        "reminder_id",
        "partner_id",
        string="Email recipients",
        readonly=True,
    )
    level_id = fields.Many2one(
        "dso.reminder.level",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
        check_company=True,
    )
    move_ids = fields.Many2many(
        "account.move",
        "dso_reminder_account_move_rel",
        "reminder_id",
        "move_id",
        string="Invoices",
        readonly=True,
    )
    trigger_move_id = fields.Many2one(
        "account.move",
        string="Oldest overdue invoice",
        index="btree_not_null",
        readonly=True,
        ondelete="set null",
        help="The invoice whose due date set the level of this reminder.",
    )
    credit_line_ids = fields.Many2many(
        "account.move.line",
        "dso_reminder_credit_line_rel",
        "reminder_id",
        "line_id",
        string="Open credits",
        readonly=True,
        help="Credit notes and payments not yet matched, deducted from the overdue amount.",
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount_overdue = fields.Monetary(
        string="Overdue", readonly=True, currency_field="currency_id"
    )
    amount_credit = fields.Monetary(
        string="Open credits amount", readonly=True, currency_field="currency_id"
    )
    amount_due = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
        help="What the customer is asked to pay: the overdue invoices less the open credits.",
    )
    date = fields.Date(
        required=True,
        readonly=True,
        index=True,
        default=fields.Date.context_today,
    )
    is_manual = fields.Boolean(string="Sent by hand", readonly=True)
    channel = fields.Selection(
        [
            ("email", "Email"),
            ("sms", "SMS"),
            ("both", "Email and SMS"),
            ("activity", "Call (activity)"),
        ],
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one("res.users", string="Sender", readonly=True)
    author_id = fields.Many2one("res.partner", string="From", readonly=True)
    email_from = fields.Char(readonly=True)
    email_to = fields.Char(string="Email sent to", readonly=True)
    email_cc = fields.Char(string="Email in copy to", readonly=True)
    recipient_line_ids = fields.One2many(
        "dso.reminder.recipient.line",
        "reminder_id",
        string="Recipients and reasons",
        readonly=True,
        help="Every person the reminder went to, or was meant to, and why.",
    )
    # the recipient lines written: all but those of the reminder's own contact
    # that the reminder says itself (see dso.reminder.recipient.line)
    stored_recipient_ids = fields.One2many(
        "dso.reminder.recipient", "reminder_id", string="Recipients stored", readonly=True
    )
    own_lines_derived = fields.Boolean(
        readonly=True,
        help="The lines of the reminder's own contact (its email to the contact alone, "
        "its SMS) are read from the reminder, not stored.",
    )
    recipient_summary = fields.Text(string="Recipients", compute="_compute_recipient_summary")
    activity_user_id = fields.Many2one(
        "res.users",
        string="Collector",
        readonly=True,
        help="A call level: the user the activity 'Call' was assigned to.",
    )
    activity_id = fields.Many2one(
        "mail.activity",
        string="Call activity",
        readonly=True,
        ondelete="set null",
        help="The activity, until it is marked as done.",
    )
    sms_number = fields.Char(string="SMS sent to", readonly=True)
    sms_uuid = fields.Char(
        string="SMS UUID", readonly=True, index="btree_not_null", copy=False
    )
    # whether each channel could be used when the reminder was sent (the
    # recipients checked); what the user reads is email_status / sms_status
    email_state = fields.Selection(
        EMAIL_STATES, string="Email check", required=True, default="none", readonly=True
    )
    sms_state = fields.Selection(
        SMS_STATES, string="SMS check", required=True, default="none", readonly=True
    )
    previous_id = fields.Many2one(
        "dso.reminder",
        string="Resend of",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The reminder this one sent again.",
    )
    resend_ids = fields.One2many("dso.reminder", "previous_id", string="Sent again as")
    is_draft = fields.Boolean(readonly=True, help="Prepared by the manual send, not sent yet.")
    # what prevented a channel from being used, as codes and parameters
    # (dso.reminder.dispatch._problem_line): shown in the reader's language
    problem_data = fields.Json(readonly=True, copy=False)
    problem = fields.Text(
        compute="_compute_problem", help="What prevented a channel from being used."
    )
    _sql_constraints = [
        (
            "trigger_level_uniq",
            "unique (trigger_move_id, level_id)",
            "This reminder level was already sent for this invoice.",
        ),
    ]

    @api.depends_context("lang")
    @api.depends("problem_data")
    def _compute_problem(self):
        dispatch = self.env["dso.reminder.dispatch"]
        for reminder in self:
            reminder.problem = dispatch._problem_text(reminder.problem_data)

    @api.depends_context("lang")
    @api.depends("recipient_line_ids")
    def _compute_recipient_summary(self):
        for reminder in self:
            reminder.recipient_summary = (
                "\n".join(line._summary_line() for line in reminder.recipient_line_ids)
                or False
            )

    @api.depends("level_id", "partner_id", "date")
    def _compute_display_name(self):
        format_date = self.env["dso.reminder.dispatch"]._format_helpers()["format_date"]
        for reminder in self:
            reminder.display_name = self.env._(
                "%(level)s - %(customer)s - %(date)s",
                level=reminder.level_id.name,
                customer=reminder.partner_id.display_name,
                date=format_date(reminder.date),
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        reminders = super().create(vals_list)
        # the ORM sets every x2many of a new record empty in its cache: the
        # lines shown are a view over what was just written, read when asked
        reminders.invalidate_recordset(["recipient_line_ids"])
        return reminders

    def write(self, vals):
        # the history is never rewritten, whoever asks (superuser included):
        # only what Odoo's queues and the customer's answers add to it
        if HISTORY_FIELDS.intersection(vals) and self.filtered(lambda r: not r.is_draft):
            raise UserError(
                self.env._(
                    "A payment reminder once sent is never rewritten: its recipients, "
                    "date, level and texts stay as they were sent. Use Send again to "
                    "send a new reminder."
                )
            )
        return super().write(vals)

    def _write_merged_partners(self, vals):
        """Write the partners of a merge on sent reminders (Odoo's *Merge*,
        see ``base.partner.merge.automatic.wizard``): the same persons, not a
        rewrite of the history. Private: never reachable over RPC."""
        # the write below this class's guard, on purpose
        return super().write(vals)  # pylint: disable=super-method-mismatch

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_resend(self):
        """Send the reminder again, as a new reminder of the same level (this
        one stays as it was sent), on the channels that failed, to the
        customer's contact for collection of today. The engine finds what is
        due today and says what holds it if nothing is."""
        self.ensure_one()
        engine = self.env["dso.reminder.engine"].with_company(self.company_id)
        engine._check_send_rights()
        self.check_access("read")
        reminders = engine._send(self.partner_id, options={"resend_of": self})
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_reminder_action"
        )
        if len(reminders) == 1:
            action.update(
                {"res_id": reminders.id, "view_mode": "form", "views": [(False, "form")]}
            )
        else:
            action["domain"] = [("id", "in", reminders.ids)]
        action["context"] = {}
        return action

    def action_view_invoices(self):
        self.ensure_one()
        return self.move_ids._dso_action_view()

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.autovacuum
    def _gc_draft_reminders(self):
        """Drop the drafts of manual sends that were never sent."""
        limit = fields.Datetime.now() - timedelta(days=1)
        self.sudo().search([("is_draft", "=", True), ("create_date", "<", limit)]).unlink()
