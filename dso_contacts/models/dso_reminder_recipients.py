# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from uuid import uuid4

from odoo import api, fields, models


class DsoReminderDispatch(models.AbstractModel):
    """Who a reminder can reach: the address and number of each channel
    checked (present, valid, not blacklisted) before anything is queued."""

    _inherit = "dso.reminder.dispatch"

    # ------------------------------------------------------------------
    # Recipients
    # ------------------------------------------------------------------

    @api.model
    def _check_recipients(self, channel, email_contacts, contact):
        """Values of the channels of a reminder: for each channel, whether it
        can be used (``queued``) and, if not, why; ``problem`` says it."""
        problems = []
        vals = {}
        if channel in ("email", "both"):
            vals.update(self._check_email(email_contacts, problems))
        if channel in ("sms", "both"):
            vals.update(self._check_sms(contact, problems))
        vals["problem"] = "\n".join(problems) or False
        return vals

    @api.model
    def _check_email(self, contacts, problems):
        if not contacts:
            problems.append(self.env._("No contact for collection: no email sent."))
            return {"email_state": "missing_contact"}
        emails = {contact: contact.email_normalized for contact in contacts}
        for contact, email in emails.items():
            if not email:
                problems.append(
                    self.env._(
                        "%(name)s has no valid email address: no email sent.",
                        name=contact.name,
                    )
                )
        # mail.thread.blacklist's own flag: one query for the whole batch
        blacklisted = {email for contact, email in emails.items() if contact.is_blacklisted}
        for contact, email in emails.items():
            if email and email in blacklisted:
                problems.append(
                    self.env._(
                        "The email address of %(name)s (%(email)s) is blacklisted: "
                        "no email sent.",
                        name=contact.name,
                        email=email,
                    )
                )
        valid = [c for c, e in emails.items() if e and e not in blacklisted]
        if valid:
            return {
                "email_state": "queued",
                "recipient_ids": [fields.Command.set([c.id for c in valid])],
                "email_to": ", ".join(c.email for c in valid),
            }
        if any(emails.values()):
            return {"email_state": "blacklisted"}
        return {"email_state": "missing_email"}

    @api.model
    def _check_sms(self, contact, problems):
        if not contact:
            problems.append(self.env._("No contact for collection: no SMS sent."))
            return {"sms_state": "missing_contact"}
        numbers = self.env.context.get("dso_sms_numbers")
        number = numbers[contact.id] if numbers and contact.id in numbers else None
        if number is None:
            number = contact._dso_reminder_sms_number()
        if not number:
            problems.append(
                self.env._(
                    "%(name)s has no valid mobile or phone number: no SMS sent.",
                    name=contact.name,
                )
            )
            return {"sms_state": "missing_number"}
        if self._blacklisted_numbers([number]):
            problems.append(
                self.env._(
                    "The number of %(name)s (%(number)s) is blacklisted (SMS opt-out): "
                    "no SMS sent.",
                    name=contact.name,
                    number=number,
                )
            )
            return {"sms_state": "blacklisted", "sms_number": number}
        return {"sms_state": "queued", "sms_number": number, "sms_uuid": uuid4().hex}

    @api.model
    def _blacklisted_numbers(self, numbers):
        """The numbers of ``numbers`` (E.164) in ``phone.blacklist``. The
        contact's number is read in its customer's country, which the
        contact's own ``phone_sanitized`` does not know: the blacklist is
        searched with it, once per batch (see ``_create_and_send``)."""
        if not numbers:
            return set()
        cache = self.env.context.get("dso_blacklisted_numbers")
        if cache is not None:
            return set(numbers) & cache
        # a tuple, not a list: the numbers are E.164 already, and phone.blacklist
        # parses again each number of a list (0.1 s per 1,000 customers)
        records = self.env["phone.blacklist"].sudo().search([("number", "in", tuple(numbers))])
        return set(records.mapped("number"))
