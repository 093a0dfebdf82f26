# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def write(self, vals):
        """Tell each payment reminder how its email goes (queued, sent,
        failed, canceled, queued again), as the queue knows it, before an
        auto-deleted email is gone."""
        result = super().write(vals)
        if "state" in vals:
            reminder_mails = self.filtered(
                lambda mail: mail.model == "dso.reminder" and mail.res_id
            )
            for state, mails in reminder_mails.grouped("state").items():
                # the history is the engine's record: the queue's state is
                # written on it whoever runs the queue
                reminders = (
                    self.env["dso.reminder"].sudo().browse(mails.mapped("res_id")).exists()
                )
                reminders.filtered(lambda r, mails=mails: r.mail_id in mails).write(
                    {"mail_state": state}
                )
        return result
