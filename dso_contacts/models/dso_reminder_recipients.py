# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from uuid import uuid4

from odoo import api, fields, models

# a problem stored as text before the codes (migrations/18.0.1.4.0): {"text"}
LEGACY_TEXT = "text"


class DsoReminderDispatch(models.AbstractModel):
    """Who a reminder can reach: the address and number of each channel
    checked (present, valid, not blacklisted) before anything is queued. The
    customer's banner (``res.partner.dso_reminder_problem``) runs the same
    checks on the current data."""

    _inherit = "dso.reminder.dispatch"

    # ------------------------------------------------------------------
    # Recipients
    # ------------------------------------------------------------------

    @api.model
    def _check_recipients(self, channel, email_contacts, contact):
        """Values of the channels of a reminder: for each channel, whether it
        can be used (``queued``) and, if not, why; ``problem_data`` says it,
        as ``[[code, params], ...]`` (see ``_problem_line``), shown in the
        reader's language."""
        problems = []
        vals = {}
        if channel in ("email", "both"):
            vals.update(self._check_email(email_contacts, problems))
        if channel in ("sms", "both"):
            vals.update(self._check_sms(contact, problems))
        vals["problem_data"] = problems or False
        return vals

    @api.model
    def _check_email(self, contacts, problems):
        if not contacts:
            problems.append(["email_no_contact", {}])
            return {"email_state": "missing_contact"}
        emails = {contact: contact.email_normalized for contact in contacts}
        for contact, email in emails.items():
            if not email:
                problems.append(["email_missing", {"name": contact.name}])
        # mail.thread.blacklist's own flag: one query for the whole batch
        blacklisted = {email for contact, email in emails.items() if contact.is_blacklisted}
        for contact, email in emails.items():
            if email and email in blacklisted:
                problems.append(["email_blacklisted", {"name": contact.name, "email": email}])
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
            problems.append(["sms_no_contact", {}])
            return {"sms_state": "missing_contact"}
        numbers = self.env.context.get("dso_sms_numbers")
        number = numbers[contact.id] if numbers and contact.id in numbers else None
        if number is None:
            number = contact._dso_reminder_sms_number()
        if not number:
            typed = ", ".join(filter(None, (contact.mobile, contact.phone)))
            if typed:
                problems.append(["sms_not_mobile", {"name": contact.name, "numbers": typed}])
            else:
                problems.append(["sms_missing", {"name": contact.name}])
            return {"sms_state": "missing_number"}
        if self._blacklisted_numbers([number]):
            problems.append(["sms_blacklisted", {"name": contact.name, "number": number}])
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

    # ------------------------------------------------------------------
    # Problems, in the reader's language
    # ------------------------------------------------------------------

    @api.model
    def _problem_lines(self, problem_data):
        """The lines saying ``problem_data`` (see ``_check_recipients``), in
        the environment's language."""
        return [self._problem_line(code, params or {}) for code, params in problem_data or []]

    @api.model
    def _problem_text(self, problem_data):
        return "\n".join(self._problem_lines(problem_data)) or False

    @api.model
    def _problem_line(self, code, params):
        """The text of one problem of ``_check_recipients``: what keeps a
        channel from being used."""
        match code:
            case "email_no_contact":
                return self.env._("No contact for collection: no email sent.")
            case "email_missing":
                return self.env._(
                    "%(name)s has no valid email address: no email sent.", **params
                )
            case "email_blacklisted":
                return self.env._(
                    "The email address of %(name)s (%(email)s) is blacklisted: no email sent.",
                    **params,
                )
            case "sms_no_contact":
                return self.env._("No contact for collection: no SMS sent.")
            case "sms_missing":
                return self.env._(
                    "%(name)s has no valid mobile or phone number: no SMS sent.", **params
                )
            case "sms_not_mobile":
                return self.env._(
                    "%(name)s has no mobile number that can receive an SMS (%(numbers)s): "
                    "no SMS sent.",
                    **params,
                )
            case "sms_blacklisted":
                return self.env._(
                    "The number of %(name)s (%(number)s) is blacklisted (SMS opt-out): "
                    "no SMS sent.",
                    **params,
                )
        # the text of a problem stored before the codes
        return params.get(LEGACY_TEXT) or code
