# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .dso_reminder import EMAIL_STATES, SMS_STATES

# the email's delivery, as mail.mail's states say it
MAIL_DELIVERY = {
    "outgoing": "outgoing",
    "sent": "sent",
    "received": "sent",
    "exception": "exception",
    "cancel": "cancel",
}

# the channel's check, then the queue's delivery, in one status per channel
EMAIL_STATUSES = [
    *(state for state in EMAIL_STATES if state[0] != "queued"),
    ("outgoing", "Queued"),
    ("sent", "Sent"),
    ("exception", "Delivery failed"),
    ("cancel", "Canceled"),
]
SMS_STATUSES = [
    *(state for state in SMS_STATES if state[0] != "queued"),
    ("outgoing", "Queued"),
    ("process", "Processing"),
    ("pending", "Sent"),
    ("sent", "Delivered"),
    ("sms_error", "Delivery failed"),
    ("canceled", "Canceled"),
]
# the statuses of a channel whose message is on its way or delivered
EMAIL_OK = ("outgoing", "sent")
SMS_OK = ("outgoing", "process", "pending", "sent")


class DsoReminder(models.Model):
    """Where a reminder's email and SMS are: the link to Odoo's queues
    (``mail.mail``, ``sms.sms``), their queue states kept by the queues' writes
    (mail_mail.py, sms_sms.py, sms_tracker.py), one status per channel, the
    reminder's state that sums them up and the chatter's lines saying what
    went where."""

    _inherit = "dso.reminder"

    mail_id = fields.Many2one(
        "mail.mail",
        string="Email",
        readonly=True,
        ondelete="set null",
        help="The email in Odoo's queue, until the queue deletes it once sent.",
    )
    # the state of the email and of the SMS in Odoo's queues, kept by their
    # writes (mail_mail.py, sms_sms.py: the queues delete what they sent)
    mail_state = fields.Selection(
        selection="_selection_mail_state", string="Email queue state", readonly=True
    )
    sms_delivery = fields.Selection(
        selection="_selection_sms_state", string="SMS queue state", readonly=True
    )
    sms_id = fields.Many2one("sms.sms", string="SMS", compute="_compute_sms_id")
    # one delivery status per channel: why it was not used, else what Odoo's
    # queue says of the email (mail.mail) or SMS (sms.sms)
    email_status = fields.Selection(
        EMAIL_STATUSES,
        string="Email status",
        compute="_compute_email_status",
        store=True,
        help="Why no email was sent, else the delivery of the email as Odoo's email "
        "queue reports it.",
    )
    sms_status = fields.Selection(
        SMS_STATUSES,
        string="SMS status",
        compute="_compute_sms_status",
        store=True,
        help="Why no SMS was sent, else the delivery of the SMS as Odoo's SMS queue "
        "reports it (the queue deletes the SMS it sent).",
    )
    # the order of the flow, as the status bar shows it: what did not reach
    # "Sent" stops before it
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("failed", "Not sent"),
            ("partial", "Partly sent"),
            ("sent", "Sent"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
        help="Sent: every channel's message is queued or delivered. Partly sent: one "
        "channel failed. Not sent: no channel could be used, or every delivery failed.",
    )

    @api.model
    def _selection_mail_state(self):
        return self.env["mail.mail"]._fields["state"]._description_selection(self.env)

    @api.model
    def _selection_sms_state(self):
        return self.env["sms.sms"]._fields["state"]._description_selection(self.env)

    @api.depends("email_state", "mail_state")
    def _compute_email_status(self):
        for reminder in self:
            if reminder.email_state != "queued":
                reminder.email_status = reminder.email_state
            else:
                reminder.email_status = MAIL_DELIVERY.get(reminder.mail_state, "outgoing")

    @api.depends("sms_state", "sms_delivery")
    def _compute_sms_status(self):
        for reminder in self:
            if reminder.sms_state != "queued":
                reminder.sms_status = reminder.sms_state
            elif reminder.sms_delivery == "error":
                reminder.sms_status = "sms_error"
            else:
                reminder.sms_status = reminder.sms_delivery or "outgoing"

    @api.depends("is_draft", "email_status", "sms_status", "channel", "activity_user_id")
    def _compute_state(self):
        for reminder in self:
            if reminder.channel == "activity":
                reminder.state = (
                    "draft"
                    if reminder.is_draft
                    else "sent"
                    if reminder.activity_user_id
                    else "failed"
                )
                continue
            used = [
                status in ok
                for status, ok in (
                    (reminder.email_status, EMAIL_OK),
                    (reminder.sms_status, SMS_OK),
                )
                if status and status != "none"
            ]
            if reminder.is_draft:
                reminder.state = "draft"
            elif used and all(used):
                reminder.state = "sent"
            elif any(used):
                reminder.state = "partial"
            else:
                reminder.state = "failed"

    @api.depends("sms_uuid")
    def _compute_sms_id(self):
        uuids = [uuid for uuid in self.mapped("sms_uuid") if uuid]
        sms_list = self.env["sms.sms"].sudo().search([("uuid", "in", uuids)]) if uuids else []
        by_uuid = {sms.uuid: sms for sms in sms_list}
        for reminder in self:
            sms = by_uuid.get(reminder.sms_uuid)
            reminder.sms_id = sms.id if sms else False

    def _channel_summary(self):
        """Lines saying what went where, for the chatter."""
        self.ensure_one()
        lines = []
        if self.email_state == "queued":
            lines.append(
                self.env._(
                    "Email to %(recipients)s",
                    recipients=", ".join(f"{p.name} <{p.email}>" for p in self.recipient_ids),
                )
            )
        elif self.email_state != "none":
            lines.append(
                self.env._(
                    "Email not sent: %(reason)s",
                    reason=dict(EMAIL_STATES)[self.email_state],
                )
            )
        if self.email_state == "queued" and self.email_cc:
            lines.append(self.env._("In copy: %(cc)s", cc=self.email_cc))
        if self.level_id.escalation_role_ids:
            # always stored (never the reminder's own contact's lines)
            lines += [
                line._summary_line()
                for line in self.stored_recipient_ids
                if line.reason_code in ("no_role", "role_unreachable")
            ]
        if self.channel == "activity":
            lines.append(
                self.env._(
                    "Call scheduled for %(user)s (activity)", user=self.activity_user_id.name
                )
            )
        if self.sms_state == "queued":
            lines.append(
                self.env._(
                    "SMS to %(name)s (%(number)s)",
                    name=(self.sms_contact_id or self.contact_id).name,
                    number=self.sms_number,
                )
            )
        elif self.sms_state != "none":
            lines.append(
                self.env._("SMS not sent: %(reason)s", reason=dict(SMS_STATES)[self.sms_state])
            )
        return lines
