# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .dso_reminder import EMAIL_STATUSES, MAIL_DELIVERY, SMS_STATUSES


class DsoReminder(models.Model):
    """Where a reminder's email and SMS are: the link to Odoo's queues
    (``mail.mail``, ``sms.sms``), their queue states kept by the queues' writes
    (mail_mail.py, sms_sms.py, sms_tracker.py) and one status per channel."""

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

    @api.depends("sms_uuid")
    def _compute_sms_id(self):
        uuids = [uuid for uuid in self.mapped("sms_uuid") if uuid]
        sms_list = self.env["sms.sms"].sudo().search([("uuid", "in", uuids)]) if uuids else []
        by_uuid = {sms.uuid: sms for sms in sms_list}
        for reminder in self:
            sms = by_uuid.get(reminder.sms_uuid)
            reminder.sms_id = sms.id if sms else False
