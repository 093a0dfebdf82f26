# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

from odoo import models

# an SMTP refusal that names the recipient (RCPT TO refused, or a 5.1.x
# "bad destination mailbox" status): not a problem of the mail server
RECIPIENT_REFUSED = re.compile(r"SMTPRecipientsRefused|(?<![\d.])5\.1\.\d{1,2}(?![\d.])")


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

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        """A reminder's email refused by the SMTP server for its recipient (the
        address does not exist) did not arrive, as if it had bounced: count it
        on the contact as core's gateway counts a bounce, and tell the
        reminder (``dso.reminder._dso_undelivered``)."""
        refused = {}
        if failure_type == "mail_email_invalid" or (
            failure_type and RECIPIENT_REFUSED.search(failure_reason or "")
        ):
            refused = self._dso_refused_recipients(success_pids, failure_reason)
        result = super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
        for reminder, contacts in refused.items():
            for contact in contacts:
                contact._message_receive_bounce(contact.email_normalized, contact)
            reminder._dso_undelivered(
                "email",
                contacts,
                ("smtp_refused", {"detail": failure_reason or ""}),
            )
        return result

    def _dso_refused_recipients(self, success_pids, failure_reason):
        """{reminder: the recipients its email did not reach}: those the refusal
        names, else the first one not reached (core sends to each recipient in
        turn and stops at the refusal)."""
        refused = {}
        reason = (failure_reason or "").lower()
        for mail in self.filtered(lambda m: m.model == "dso.reminder" and m.res_id):
            reminder = self.env["dso.reminder"].sudo().browse(mail.res_id).exists()
            if not reminder or reminder.mail_id != mail:
                continue
            missed = mail.recipient_ids.sudo().filtered(lambda p: p.id not in success_pids)
            named = missed.filtered(
                lambda p: p.email_normalized and p.email_normalized in reason
            )
            if named or missed:
                refused[reminder] = named or missed[:1]
        return refused
