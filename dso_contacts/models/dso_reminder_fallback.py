# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""After a reminder did not arrive (dso_reminder_bounce.py): the same reminder
sent again at once, on the channel that failed, to the customer's next
reachable contact, through the engine's one path (``_send`` with
``resend_of``); what happened said in the history and on the customer."""

import logging

from markupsafe import Markup

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# what happened after a reminder did not arrive
FALLBACK_STATES = [
    ("resent", "Sent again to another contact"),
    ("nobody", "No other reachable contact: not sent again"),
    ("not_due", "Nothing is due any more: not sent again"),
    ("superseded", "A newer reminder was sent since: not sent again"),
    ("error", "Could not be sent again"),
]


class DsoReminder(models.Model):
    _inherit = "dso.reminder"

    fallback_state = fields.Selection(
        FALLBACK_STATES, string="After the failure", readonly=True, copy=False
    )
    is_fallback = fields.Boolean(
        string="Sent to another contact",
        readonly=True,
        copy=False,
        help="Sent again at once to another contact of the customer, because the "
        "reminder before it did not arrive.",
    )

    def _dso_fall_back(self, channel):
        """Send this reminder again at once, on the ``channel`` that failed
        (email or sms) and on it alone, to the customer's next contact
        reachable on that channel that this chain of resends never wrote to;
        say in the history and on the customer what happened. Each channel
        falls back on its own: an email that bounced goes to the next usable
        email address, an SMS that failed to the next usable mobile, and the
        other channel, delivered, is not sent again."""
        self.ensure_one()
        customer = self.partner_id
        if self.resend_ids.filtered(
            lambda r: not r.is_fallback or r.channel in (channel, "both")
        ):
            return  # already sent again (by hand, or on this channel by an earlier failure)
        Reminder = self.env["dso.reminder"].sudo()
        chain = self._dso_resend_chain()
        # a newer reminder of the customer (a fallback of this one on the
        # other channel is not newer: it is this reminder again)
        newer = Reminder.search_count(
            [
                ("partner_id", "=", customer.id),
                ("currency_id", "=", self.currency_id.id),
                ("is_draft", "=", False),
                ("is_fallback", "=", False),
                ("id", ">", self.id),
                ("id", "not in", chain.ids),
            ],
            limit=1,
        )
        if newer:
            return self._dso_fallback_done("superseded")
        tried = (
            chain.contact_id
            | chain.sms_contact_id
            | chain.recipient_ids
            | chain.undelivered_contact_ids
        )
        contact = next(
            (
                candidate
                for candidate in customer._dso_fallback_candidates(self.company_id)
                if candidate not in tried and candidate._dso_reachable(channel)
            ),
            None,
        )
        if not contact:
            return self._dso_fallback_done("nobody")
        engine = self.env["dso.reminder.engine"].sudo().with_company(self.company_id)
        try:
            with self.env.cr.savepoint():
                resent = engine._send(
                    customer,
                    options={"resend_of": self, "contact": contact, "channel": channel},
                )
        except Exception as error:  # said in the history, logged
            _logger.info(
                "Payment reminder %s: not sent again to %s: %s", self.id, contact.id, error
            )
            state = "not_due" if not self._dso_still_due() else "error"
            return self._dso_fallback_done(state, error=str(error))
        resent.write({"is_fallback": True})
        return self._dso_fallback_done("resent", contact=contact)

    def _dso_resend_chain(self):
        """This reminder and those it sends again, back to the first one."""
        chain = self
        previous = self.previous_id
        while previous and previous not in chain:
            chain |= previous
            previous = previous.previous_id
        return chain

    def _dso_still_due(self):
        """Whether an invoice of this reminder is still open."""
        return any(
            not move.currency_id.is_zero(move.amount_residual) for move in self.move_ids.sudo()
        )

    def _dso_fallback_done(self, state, contact=None, error=None):
        """Write what happened after the failure on the reminder and say it on
        the customer's chatter. When its two channels failed one after the
        other, "Sent again" stays once one of them was sent again."""
        if self.fallback_state != "resent":
            self.write({"fallback_state": state})
        lines = [
            self.env._(
                "The payment reminder %(reminder)s did not reach %(contacts)s.",
                reminder=self.display_name,
                contacts=", ".join(self.undelivered_contact_ids.mapped("display_name")),
            ),
            self.env._("Sent again to %(contact)s.", contact=contact.display_name)
            if contact
            else dict(self._fields["fallback_state"]._description_selection(self.env))[state],
        ]
        if error and state == "error":
            lines.append(error)
        self.partner_id.sudo()._message_log(
            body=Markup("<br/>").join(lines),
        )
        return True


class DsoReminderDispatch(models.AbstractModel):
    _inherit = "dso.reminder.dispatch"

    @api.model
    def _check_sms(self, contact, problems):
        # a contact the batch did not read ahead (the next reachable contact
        # of a customer whose contact for collection bounced): its number and
        # the SMS blacklist read for it alone, not from the batch's cache
        numbers = self.env.context.get("dso_sms_numbers")
        if numbers is not None and contact and contact.id not in numbers:
            self = self.with_context(dso_sms_numbers=None, dso_blacklisted_numbers=None)
        return super()._check_sms(contact, problems)
