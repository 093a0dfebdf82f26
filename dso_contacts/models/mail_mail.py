# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        """Tell each payment reminder how its email went (sent, or failed),
        as the queue knows it, before an auto-deleted email is gone."""
        reminder_mails = self.filtered(
            lambda mail: mail.model == "dso.reminder" and mail.res_id
        )
        for state, mails in reminder_mails.grouped("state").items():
            reminders = self.env["dso.reminder"].sudo().browse(mails.mapped("res_id")).exists()
            reminders.write({"mail_state": state})
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
