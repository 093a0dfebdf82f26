# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models
from odoo.exceptions import UserError


class DsoReminderEngine(models.AbstractModel):
    """Which reminders each door asks for, before the engine prepares each one
    (``_prepare_vals``): the automatic rules of the scheduled action
    (``_prepare_automatic``), a user's choices (``_prepare_manual``), a
    reminder sent again (``_resend_options``), and the batch's lookups read
    once for all of them (``_with_blacklist``)."""

    _inherit = "dso.reminder.engine"

    @api.model
    def _prepare_automatic(self, customers, today):
        """Values of the automatic reminders due to ``customers``: the level
        of their plan reached, above the minimum amount, not sent yet at that
        rank (see ``_already_sent``)."""
        company = self.env.company
        groups = self._due_groups(customers, today)
        groups = [
            group
            for group in groups
            if group["level"]
            and company.currency_id.compare_amounts(
                group["amount_company"], self._min_amount(group)
            )
            >= 0
        ]
        sent = self._already_sent(
            self.env["account.move"].browse(group["trigger"].id for group in groups)
        )
        groups = [
            group
            for group in groups
            if sent.get(group["trigger"].id, group["level"].days - 1) < group["level"].days
        ]
        checker = self._with_blacklist(groups)
        return [checker._prepare_vals(group, date=today) for group in groups]

    @api.model
    def _prepare_manual(self, customers, today, options):
        """Values of the reminders a user sends by hand to ``customers``: at
        the level and on the channel chosen, to the recipients chosen (a
        single customer's own contacts), read with the user's rights."""
        customers.check_access("read")
        recipients = options.get("recipients")
        # a fallback after a failure (dso_reminder_bounce.py): its one contact
        fallback = options.get("contact") or self.env["res.partner"]
        if len(customers) == 1 and recipients is not None:
            if recipients - customers._dso_collection_contacts() - fallback:
                raise UserError(
                    self.env._(
                        "The email recipients must be contacts of %(customer)s.",
                        customer=customers.display_name,
                    )
                )
        else:
            recipients = None
        groups = self._due_groups(customers, today, automatic=False)
        if options.get("currency"):
            groups = [group for group in groups if group["currency"] == options["currency"]]
        if not groups:
            reasons = self._hold_reasons(customers, today)
            raise UserError(
                self.env._(
                    "Nothing can be sent: %(reasons)s",
                    reasons="\n".join(
                        self.env._(
                            "%(customer)s: %(reasons)s",
                            customer=customer.display_name,
                            reasons=" ".join(texts),
                        )
                        for customer, texts in reasons.items()
                    )
                    or self.env._("no unpaid invoice in this currency reached a level."),
                )
            )
        checker = self._with_blacklist(groups, options["level"])
        previous = options.get("previous")
        return [
            dict(
                checker._prepare_vals(
                    group,
                    date=today,
                    level=options["level"],
                    contacts=(
                        recipients
                        if recipients is not None
                        else group["partner"]._dso_reminder_reachable_contact(
                            options.get("channel") or options["level"].channel,
                            self.env.company,
                        )
                    ),
                    channel=options.get("channel"),
                    cc_salesperson=options.get("cc_salesperson"),
                    contact=fallback,
                ),
                previous_id=previous.id if previous else False,
            )
            for group in groups
        ]

    @api.model
    def _resend_options(self, previous, options):
        """The options of sending ``previous`` again: a new reminder of its
        level and currency, on the channels that failed (all of them when
        none did), to the customer's contact for collection of today. It is
        sent by hand: the scheduled action's rule, each level once per
        invoice, still counts both and never sends the level again."""
        previous.check_access("read")
        previous.ensure_one()
        if previous.is_draft:
            raise UserError(self.env._("A preview is not sent: it cannot be sent again."))
        email = previous.email_status not in ("none", "outgoing", "sent")
        sms = previous.sms_status not in ("none", "outgoing", "process", "pending", "sent")
        # a fallback after a failure names its one channel (dso_reminder_bounce.py)
        channel = options.get("channel") or {
            (True, True): "both",
            (True, False): "email",
            (False, True): "sms",
        }.get((email, sms), previous.channel)
        return dict(
            options,
            level=previous.level_id,
            channel=channel,
            currency=previous.currency_id,
            previous=previous,
            recipients=self._resend_contact(previous, options.get("contact")),
            resend_of=False,
        )

    @api.model
    def _resend_contact(self, previous, contact):
        """The email recipients of sending ``previous`` again: ``contact`` (a
        fallback after a failure, one of the customer's partners), else None
        (the customer's contact for collection of today)."""
        if not contact:
            return None
        customer = previous.partner_id.commercial_partner_id
        if contact.commercial_partner_id != customer:
            raise UserError(
                self.env._(
                    "%(contact)s is not a contact of %(customer)s.",
                    contact=contact.display_name,
                    customer=customer.display_name,
                )
            )
        return contact

    @api.model
    def _with_blacklist(self, groups, level=None):
        """The engine with the SMS numbers of the groups' contacts and those of
        them blacklisted, read once for the batch (see the dispatch's
        ``_check_sms`` and ``_blacklisted_numbers``), and the holders of the
        escalation roles of ``level`` (default: the groups' levels), see
        ``_role_holders``."""
        customers = self.env["res.partner"].union(*(g["partner"] for g in groups))
        numbers = {
            contact.id: contact._dso_reminder_sms_number()
            for contact in customers.collection_contact_id
        }
        dispatch = self.env["dso.reminder.dispatch"]
        levels = level or self.env["dso.reminder.level"].union(*(g["level"] for g in groups))
        return self.with_context(
            dso_sms_numbers=numbers,
            dso_blacklisted_numbers=dispatch._blacklisted_numbers(
                [number for number in numbers.values() if number]
            ),
            **dispatch._with_role_contacts(customers, levels),
        )
