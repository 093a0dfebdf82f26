# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict
from itertools import chain
from uuid import uuid4

from odoo import api, fields, models

# the context key of the role contacts of a batch's customers (see
# _with_role_contacts): {customer id: contacts holding the batch's roles}
ROLE_CONTACTS_KEY = "dso_role_contacts"

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
    def _recipients_vals(
        self,
        customer,
        level,
        channel,
        contacts=None,
        cc_salesperson=None,
        contact=None,
        sms_contact=None,
    ):
        """Values of the recipients of one reminder of ``level`` to
        ``customer``: the channels checked (``_check_recipients``), and each
        person it goes to with the reason (``stored_recipient_ids``, all but
        the lines the reminder says itself: ``dso.reminder.recipient.line``). The email
        goes To the contact for collection and to the customer's contacts
        holding the level's escalation roles (each gets one email, once even
        when both), in copy (Cc) to the salesperson if the level says so; a
        call level (``channel`` "activity") goes to the collector.

        :param contacts: the email recipients chosen by hand (manual send);
            None: the contact for collection and the role holders
        :param cc_salesperson: the manual send's choice; None: the level's
        :param contact: the person reminded; None: the contact for collection
            (another one when the reminder falls back, dso_reminder_bounce.py)
        :param sms_contact: the person the SMS goes to; None: ``contact``
        """
        contact = contact or customer.collection_contact_id
        sms_contact = sms_contact or contact
        # the person reminded instead of the contact for collection
        fallback = contact != customer.collection_contact_id
        emailed = channel in ("email", "both")
        holders = self._role_holders(customer, level) if emailed else self.env["res.partner"]
        # a holder whose address is known not to arrive (it bounced, it is
        # blacklisted) is not written to, as the fallback skips it: the flags
        # are read with the batch (the holders keep its prefetch)
        unreachable = holders.filtered(
            lambda h: h != contact and (h.message_bounce or h.is_blacklisted)
        )
        if contacts is not None:
            email_contacts = contacts
        elif holders - unreachable:
            holders_sent = (holders - unreachable).with_prefetch(holders._prefetch_ids)
            # a union prefetches only its own records: keep the batch's, so
            # that the blacklist flags are read once for the batch
            email_contacts = (contact | holders_sent).with_prefetch(
                tuple(chain(contact._prefetch_ids, holders._prefetch_ids))
            )
        else:
            email_contacts = contact
        vals = self._check_recipients(channel, email_contacts, sms_contact)
        queued = set(vals["recipient_ids"][0][2]) if vals.get("recipient_ids") else set()
        # the reminder's own lines are not stored: it says them itself (its
        # email to the contact for collection alone, first line, and its SMS:
        # dso.reminder.recipient.line), one recipient row less per channel and
        # reminder (bench/README.md), and not even built (issue 20's run)
        own_email = queued == {contact.id} and not fallback
        lines = []
        if emailed:
            for index, person in enumerate(email_contacts):
                held = person in holders
                if not index and own_email and person == contact and not held:
                    lines.append(None)
                    continue
                if person == contact:
                    reason = "fallback" if fallback else "collection"
                elif held:
                    reason = "role"
                else:
                    reason = "manual"
                lines.append(
                    {
                        "partner_id": person.id,
                        "send_as": "to" if person.id in queued else "none",
                        "address": person.email_normalized or person.email or False,
                        "reason_code": reason,
                        "role_id": person.contact_role_id.id if held else False,
                    }
                )
            if contacts is None:
                for person in unreachable:
                    lines.append(
                        {
                            "partner_id": person.id,
                            "send_as": "none",
                            "address": person.email_normalized or person.email or False,
                            "reason_code": "role_unreachable",
                            "role_id": person.contact_role_id.id,
                        }
                    )
            for role in level.escalation_role_ids - holders.contact_role_id:
                lines.append({"send_as": "none", "reason_code": "no_role", "role_id": role.id})
            cc = level.cc_salesperson if cc_salesperson is None else cc_salesperson
            # never in copy of the email already sent to them
            if cc and queued:
                salesperson = customer.user_id
                if salesperson.email and salesperson.partner_id.id not in queued:
                    vals["email_cc"] = salesperson.email_formatted
                    lines.append(
                        {
                            "partner_id": salesperson.partner_id.id,
                            "user_id": salesperson.id,
                            "send_as": "cc",
                            "address": salesperson.email,
                            "reason_code": "salesperson",
                        }
                    )
        if channel in ("sms", "both") and sms_contact:
            lines.append(self._sms_line(customer, contact, sms_contact, vals))
        if channel == "activity":
            collector = self._collector(customer)
            vals["activity_user_id"] = collector.id
            lines.append(
                {
                    "partner_id": collector.partner_id.id,
                    "user_id": collector.id,
                    "send_as": "activity",
                    "reason_code": "collector",
                }
            )
        vals["own_lines_derived"] = True
        # the lines keep their place among all of them (the own ones included);
        # none to store, no key: the ORM writes even an empty x2many per batch
        stored = [
            fields.Command.create(dict(line, sequence=index))
            for index, line in enumerate(lines, 1)
            if line
        ]
        if stored:
            vals["stored_recipient_ids"] = stored
        return vals

    @api.model
    def _sms_line(self, customer, contact, sms_contact, vals):
        """The recipient line of a reminder's SMS; None when it is the
        reminder's own (queued to its contact for collection: not stored)."""
        collection = sms_contact == customer.collection_contact_id
        queued = vals.get("sms_state") == "queued"
        if sms_contact == contact and collection and queued:
            return None
        return {
            "partner_id": sms_contact.id,
            "send_as": "sms" if queued else "none",
            "address": vals.get("sms_number") or False,
            "reason_code": "collection" if collection else "fallback",
        }

    @api.model
    def _collector(self, customer):
        """Who calls the customer when a level is a call: the company's
        reminders user (the collector), else the customer's salesperson, else
        the user who sends."""
        return self.env.company.dso_reminder_user_id or customer.user_id or self.env.user

    @api.model
    def _role_holders(self, customer, level):
        """The contacts of ``customer`` holding one of ``level``'s escalation
        roles: read once for the batch (``_with_role_contacts``), else now."""
        roles = level.escalation_role_ids
        if not roles:
            return self.env["res.partner"]
        batch = self.env.context.get(ROLE_CONTACTS_KEY) or {}
        holders = batch.get(customer.id)
        if holders is None:
            holders = self._role_contacts(customer, roles).get(customer.id)
        # filtered() prefetches only its own records: keep the batch's
        return holders.filtered(lambda c: c.contact_role_id in roles).with_prefetch(
            holders._prefetch_ids
        )

    @api.model
    def _role_contacts(self, customers, roles):
        """{customer id: its contacts holding one of ``roles``} for every one
        of ``customers``, one search; contacts of another company are never
        read (a contact shares its customer's company)."""
        Partner = self.env["res.partner"]
        holders = {customer.id: Partner for customer in customers}
        if not roles or not customers:
            return holders
        contacts = Partner.search(
            [
                ("commercial_partner_id", "in", customers.ids),
                ("contact_role_id", "in", roles.ids),
                ("type", "=", "contact"),
                ("is_company", "=", False),
                ("company_id", "in", [self.env.company.id, False]),
            ],
            order="id",
        )
        ids = defaultdict(list)
        for contact in contacts:
            customer_id = contact.commercial_partner_id.id
            if customer_id in holders and contact.id != customer_id:
                ids[customer_id].append(contact.id)
        for customer_id, contact_ids in ids.items():
            # the batch's prefetch kept (blacklist flags read once)
            holders[customer_id] = contacts.browse(contact_ids).with_prefetch(contacts._ids)
        return holders

    @api.model
    def _with_role_contacts(self, customers, levels):
        """The context of a batch: the role holders of ``customers`` for the
        escalation roles of ``levels``, read once (nothing when no level
        escalates)."""
        roles = levels.escalation_role_ids
        if not roles:
            return {}
        return {ROLE_CONTACTS_KEY: self._role_contacts(customers, roles)}

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
