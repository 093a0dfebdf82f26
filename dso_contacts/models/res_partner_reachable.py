# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Whether a contact of a customer can still be reached by the reminders:
an email address that bounced (core's ``message_bounce``) or is blacklisted,
a number an SMS could not reach (``dso_sms_bounce``). A corrected address or
number makes the contact reachable again."""

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    dso_sms_bounce = fields.Integer(
        string="SMS failures",
        copy=False,
        help="Number of SMS reminders that could not reach this contact's number "
        "(a wrong number); reset when the mobile or phone number changes.",
    )
    dso_collection_unreachable = fields.Boolean(
        string="No reachable contact for collection",
        compute="_compute_dso_collection_unreachable",
        search="_search_dso_collection_unreachable",
        help="The customer has no contact for collection, or its address bounced, is "
        "blacklisted, or its number could not receive an SMS, or it has neither an "
        "email nor a phone number.",
    )

    @api.depends(
        "customer_rank",
        "parent_id",
        "collection_contact_id.message_bounce",
        "collection_contact_id.dso_sms_bounce",
        "collection_contact_id.email_normalized",
        "collection_contact_id.mobile",
        "collection_contact_id.phone",
    )
    def _compute_dso_collection_unreachable(self):
        for partner in self:
            contact = partner.collection_contact_id
            partner.dso_collection_unreachable = (
                partner.customer_rank > 0
                and not partner.parent_id
                and (not contact or contact._dso_unreachable())
            )

    def _search_dso_collection_unreachable(self, operator, value):
        if operator not in ("=", "!="):
            raise NotImplementedError(f"Operator {operator} on dso_collection_unreachable")
        # one query: the blacklist through core's own search of is_blacklisted
        unreachable = [
            ("customer_rank", ">", 0),
            ("parent_id", "=", False),
            "|",
            ("collection_contact_id", "=", False),
            ("collection_contact_id", "any", self._dso_unreachable_domain()),
        ]
        if (operator == "=") == bool(value):
            return unreachable
        return ["!", *unreachable]

    @api.model
    def _dso_unreachable_domain(self):
        """The contacts known not to reach anyone: their email bounced or is
        blacklisted, their number failed, or they have no address at all."""
        return [
            "|",
            "|",
            "|",
            ("message_bounce", ">", 0),
            ("dso_sms_bounce", ">", 0),
            ("is_blacklisted", "=", True),
            "&",
            "&",
            ("email_normalized", "=", False),
            ("mobile", "=", False),
            ("phone", "=", False),
        ]

    def write(self, vals):
        # a corrected address or number is reachable again (core keeps the
        # bounce counter when the email changes)
        emails = (
            {p: p.email_normalized for p in self if p.message_bounce}
            if "email" in vals and "message_bounce" not in vals
            else {}
        )
        numbers = (
            {p: (p.mobile, p.phone) for p in self if p.dso_sms_bounce}
            if {"mobile", "phone"} & set(vals) and "dso_sms_bounce" not in vals
            else {}
        )
        result = super().write(vals)
        corrected = [p for p, email in emails.items() if p.email_normalized != email]
        if corrected:
            self.browse(p.id for p in corrected).write({"message_bounce": 0})
        renumbered = [p for p, nums in numbers.items() if (p.mobile, p.phone) != nums]
        if renumbered:
            self.browse(p.id for p in renumbered).write({"dso_sms_bounce": 0})
        return result

    def _dso_unreachable(self):
        """Whether this contact is known not to reach anyone (see
        ``_dso_unreachable_domain``)."""
        self.ensure_one()
        return bool(
            self.message_bounce
            or self.dso_sms_bounce
            or self.is_blacklisted
            or not (self.email_normalized or self.mobile or self.phone)
        )

    def _dso_reachable(self, channel):
        """Whether a reminder on ``channel`` (email, sms, both) can reach this
        partner: an address that never bounced and is not blacklisted, a
        number an SMS reached (not known to fail, not opted out)."""
        self.ensure_one()
        email = bool(
            self.email_normalized and not self.message_bounce and not self.is_blacklisted
        )
        sms = False
        if channel in ("sms", "both") and not self.dso_sms_bounce:
            number = self._dso_sms_number()
            sms = bool(
                number and not self.env["dso.reminder.dispatch"]._blacklisted_numbers([number])
            )
        if channel == "email":
            return email
        if channel == "sms":
            return sms
        return email or sms

    def _dso_fallback_candidates(self, company):
        """The partners a reminder of this customer may fall back on, in order:
        the contact for collection, the contacts by the company's fallback
        order of roles (``dso.fallback.role``; none set: every contact in the
        roles' order), then the customer's own address."""
        self.ensure_one()
        customer = self.commercial_partner_id
        contacts = customer.child_ids.filtered(
            lambda c: c.type == "contact" and not c.is_company
        )
        order = (
            self.env["dso.fallback.role"]
            .sudo()
            .search([("company_id", "=", company.id)])
            .role_id
        )
        if order:
            rank = {role: index for index, role in enumerate(order)}
            contacts = contacts.filtered(lambda c: c.contact_role_id in rank).sorted(
                lambda c: (rank[c.contact_role_id], c.id)
            )
        else:
            contacts = contacts.sorted(
                lambda c: (
                    not c.contact_role_id,
                    c.contact_role_id.sequence,
                    c.contact_role_id.id,
                    c.id,
                )
            )
        first = customer.collection_contact_id
        return first + (contacts - first) + customer

    def _dso_reminder_reachable_contact(self, channel, company):
        """The person this customer's reminders on ``channel`` go to: the
        contact for collection, unless its address is known to bounce (or its
        number to fail); then the next reachable one (see
        ``_dso_fallback_candidates``). Nobody reachable: the contact for
        collection (the dispatch says what keeps it)."""
        self.ensure_one()
        # an "Email and SMS" reminder is addressed (greeted) by its email: its
        # person is the email's; its SMS person is chosen apart (``sms``)
        channel = "email" if channel == "both" else channel
        contact = self.collection_contact_id
        # the usual case costs no query: the flags are read for the batch
        if not contact or not contact._dso_known_to_fail(channel):
            return contact
        for candidate in self._dso_fallback_candidates(company) - contact:
            if candidate._dso_reachable(channel):
                return candidate
        return contact

    def _dso_known_to_fail(self, channel):
        """Whether a reminder on ``channel`` already failed to reach this
        contact (a bounce, a wrong number). A missing or blacklisted address
        is the dispatch's problem (said in the history and the banner), not a
        reason to write to someone else."""
        self.ensure_one()
        if channel == "activity":
            # a call level writes to nobody: the collector calls the contact
            # for collection, whose bounced email does not keep it from a call
            return False
        if channel == "sms":
            return bool(self.dso_sms_bounce)
        return bool(self.message_bounce)

    def _dso_get_collection_warning(self):
        """The customer's banner also says when its contact for collection is
        known not to receive the reminders any more."""
        warning = super()._dso_get_collection_warning()
        contact = self.collection_contact_id
        if warning or not contact or self.commercial_partner_id != self:
            return warning
        if contact.message_bounce:
            return self.env._(
                "Reminders to the email address of %(name)s (%(email)s) came back: they go "
                "to the customer's next reachable contact until the address is corrected.",
                name=contact.name,
                email=contact.email,
            )
        if contact.dso_sms_bounce:
            return self.env._(
                "SMS reminders could not reach the number of %(name)s: they go to the "
                "customer's next reachable contact until the number is corrected.",
                name=contact.name,
            )
        return False
