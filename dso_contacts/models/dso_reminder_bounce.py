# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A reminder that did not arrive: its email bounced (a delivery status
notification processed by Odoo's mail gateway, or a recipient refused by the
SMTP server) or its SMS could not reach the number. The reminder is marked
undelivered, the collector gets one activity to fix the contact, and the same
reminder goes out again at once to the customer's next reachable contact
(dso_reminder_fallback.py)."""

from odoo import api, fields, models
from odoo.tools import file_open

# the SMS failures that say the number cannot receive an SMS: the answers at
# sending, and the provider's delivery reports that come later (core's
# sms.sms DELIVERY_ERRORS but "expired": a phone switched off for days has
# a good number)
SMS_UNDELIVERED = frozenset(
    (
        "sms_number_format",
        "sms_number_missing",
        "sms_invalid_destination",
        "sms_not_delivered",
        "sms_not_allowed",
        "sms_rejected",
    )
)
# what an SMS's state never goes back from (core's sms.tracker rule, kept on
# the reminder: a late report never undoes a later one)
SMS_STATES_KEPT = {
    "canceled": ("canceled", "process", "pending", "sent"),
    "outgoing": ("process", "pending", "sent"),
    "process": ("pending", "sent"),
    "pending": ("sent",),
    "sent": (),
    "error": ("sent",),
}


class DsoReminder(models.Model):
    _inherit = "dso.reminder"

    email_bounced = fields.Boolean(
        readonly=True,
        copy=False,
        help="The email came back: the recipient's mail server refused it or "
        "returned a delivery failure notice.",
    )
    sms_undelivered = fields.Boolean(
        string="SMS undelivered",
        readonly=True,
        copy=False,
        help="The SMS provider could not reach the number (wrong number).",
    )
    # an "Email and SMS" reminder whose SMS went to another person than its
    # contact, whose number is known to fail (empty: the contact)
    sms_contact_id = fields.Many2one("res.partner", string="SMS to", readonly=True, copy=False)
    undelivered_contact_ids = fields.Many2many(
        "res.partner",
        "dso_reminder_undelivered_rel",
        "reminder_id",
        "partner_id",
        string="Not reached",
        readonly=True,
        copy=False,
        help="The recipients this reminder did not reach.",
    )
    # why it did not arrive, as ``[code, params]`` (see ``_undelivered_line``),
    # shown in the reader's language; ``undelivered_reason``: the text stored
    # in the language of whoever processed the failure before the codes
    undelivered_data = fields.Json(readonly=True, copy=False)
    undelivered_reason = fields.Text(readonly=True, copy=False)
    undelivered_text = fields.Text(
        string="Why not delivered", compute="_compute_undelivered_text"
    )
    # the statuses of a reminder sent but not arrived: after "Sent", as the
    # status bar tells it (it was sent, then came back)
    state = fields.Selection(selection_add=[("undelivered", "Undelivered")])
    email_status = fields.Selection(selection_add=[("bounced", "Bounced")])
    sms_status = fields.Selection(selection_add=[("wrong_number", "Wrong number")])

    @api.depends_context("lang")
    @api.depends("undelivered_data", "undelivered_reason")
    def _compute_undelivered_text(self):
        for reminder in self:
            data = reminder.undelivered_data
            reminder.undelivered_text = (
                reminder._undelivered_line(data[0], data[1] or {})
                if data
                else reminder.undelivered_reason
            )

    def _undelivered_line(self, code, params):
        """The text of an undelivered reason (``undelivered_data``) in the
        reader's language."""
        env = self.env
        match code:
            case "email_returned":
                return env._(
                    "The mail server of %(email)s returned the email.",
                    email=params.get("email"),
                )
            case "smtp_refused":
                # the server's own words when it gave them (not translatable)
                return params.get("detail") or env._("The mail server refused the recipient.")
            case "sms_wrong_number":
                failure_type = params.get("failure_type")
                # the notifications' list: the answers at sending and the
                # delivery reports' ("Invalid Destination")
                labels = dict(
                    env["mail.notification"]
                    ._fields["failure_type"]
                    ._description_selection(env)
                )
                return labels.get(failure_type, failure_type)
        return ""

    @api.depends("email_state", "mail_state", "email_bounced")
    def _compute_email_status(self):
        result = super()._compute_email_status()
        for reminder in self.filtered("email_bounced"):
            reminder.email_status = "bounced"
        return result

    @api.depends("sms_state", "sms_delivery", "sms_undelivered")
    def _compute_sms_status(self):
        result = super()._compute_sms_status()
        for reminder in self.filtered("sms_undelivered"):
            reminder.sms_status = "wrong_number"
        return result

    @api.depends("is_draft", "email_status", "sms_status")
    def _compute_state(self):
        result = super()._compute_state()
        # sent but not arrived, and no other channel arrived: undelivered
        for reminder in self.filtered(
            lambda r: r.state == "failed" and (r.email_bounced or r.sms_undelivered)
        ):
            reminder.state = "undelivered"
        return result

    # ------------------------------------------------------------------
    # Odoo's mail gateway
    # ------------------------------------------------------------------

    def _message_receive_bounce(self, email, partner):
        """A delivery failure notice came back for this reminder's email
        (core's ``_routing_handle_bounce``: the notice's original Message-Id is
        the reminder's message). Core already counted the bounce on the
        partners of that address (``message_bounce``)."""
        result = super()._message_receive_bounce(email, partner)
        for reminder in self:
            bounced = reminder.recipient_ids.filtered(
                lambda p, email=email: p.email_normalized == email
            ) or (partner & reminder.recipient_ids)
            reminder._dso_undelivered(
                "email",
                bounced or reminder.recipient_ids,
                ("email_returned", {"email": email}),
            )
        return result

    # ------------------------------------------------------------------
    # Odoo's SMS queue and the provider's delivery reports
    # ------------------------------------------------------------------

    def _dso_sms_delivery(self, state, failure_type=False):
        """The SMS of these reminders is in ``state`` (an ``sms.sms`` state),
        as the SMS queue says at sending (sms_sms.py) or the provider's
        delivery report later (sms_tracker.py): written on each reminder
        whose SMS has not gone further; an SMS that cannot reach its number
        (``SMS_UNDELIVERED``) did not arrive: counted on the contact, and the
        reminder falls back (``_dso_undelivered``). Told twice, once."""
        kept = SMS_STATES_KEPT.get(state, ())
        reminders = self.sudo().filtered(
            lambda r: r.sms_delivery != state and r.sms_delivery not in kept
        )
        if not reminders:
            return
        reminders.write({"sms_delivery": state})
        if state != "error" or failure_type not in SMS_UNDELIVERED:
            return
        reason = ("sms_wrong_number", {"failure_type": failure_type})
        for reminder in reminders.filtered(lambda r: not r.sms_undelivered):
            contact = reminder._dso_sms_contact()
            if contact:
                contact.dso_sms_bounce += 1
            reminder._dso_undelivered("sms", contact, reason)

    # ------------------------------------------------------------------
    # Undelivered: mark, warn, fall back
    # ------------------------------------------------------------------

    def _dso_undelivered(self, channel, contacts, reason):
        """Record that the ``channel`` (email or sms) of these reminders did not
        reach ``contacts``, ``reason`` as ``(code, params)`` (see
        ``_undelivered_line``); the first time, raise the collector's activity and
        send the reminder again to the customer's next reachable contact. Run
        by Odoo's gateway and queues (as superuser): the history and what it
        triggers are the engine's own writes."""
        flag = "email_bounced" if channel == "email" else "sms_undelivered"
        for reminder in self.sudo().filtered(lambda r: not r.is_draft):
            new = contacts
            if channel == "email":
                # the recipients whose email is already known not to have
                # arrived (not the contact whose SMS only failed)
                missed_sms = reminder._dso_sms_contact().filtered(
                    lambda c, r=reminder: r.sms_undelivered
                )
                new = contacts - (reminder.undelivered_contact_ids - missed_sms)
            if reminder[flag] or not new:
                continue  # the same failure told twice: one activity, one fallback
            missed = reminder.undelivered_contact_ids | new
            # an email to several people arrived unless all of them missed it
            # (a level's other recipients: the customer was reached)
            arrived = channel == "email" and reminder.recipient_ids - missed
            reminder.write(
                {
                    "undelivered_contact_ids": [fields.Command.link(c.id) for c in new],
                    "undelivered_data": [reason[0], reason[1]],
                    **({} if arrived else {flag: True}),
                }
            )
            reminder._dso_fix_contact_activity(new)
            if not arrived:
                reminder._dso_fall_back(channel)

    def _dso_fix_contact_activity(self, contacts):
        """One open activity on the customer for the collector to fix its
        contact: a second failure before it is done adds nothing."""
        self.ensure_one()
        customer = self.partner_id
        activity_type = self.env.ref(
            "dso_contacts.mail_activity_type_fix_contact", raise_if_not_found=False
        )
        if not activity_type:
            return
        Activity = self.env["mail.activity"].sudo()
        if Activity.search_count(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", customer.id),
                ("activity_type_id", "=", activity_type.id),
            ],
            limit=1,
        ):
            return
        # the collector: as for the reminder's problems (dso_reminder_notes.py),
        # never the inactive superuser the gateway and the queues run as
        user = next(
            (
                user
                for user in (
                    self.user_id,
                    customer.user_id,
                    self.trigger_move_id.invoice_user_id,
                    self.env.user,
                )
                if user and user.active
            ),
            self.env.ref("base.user_admin", raise_if_not_found=False),
        )
        in_lang = self.with_context(lang=user.lang or self.env.lang) if user else self
        customer.activity_schedule(
            activity_type_id=activity_type.id,
            summary=in_lang.env._("Fix the contact for collection"),
            note=in_lang.env._(
                "The payment reminder %(reminder)s did not reach %(contacts)s: "
                "correct the address or number, or choose another contact for collection.",
                reminder=self.display_name,
                contacts=", ".join(contacts.mapped("display_name")),
            ),
            user_id=user.id if user else self.env.uid,
            date_deadline=fields.Date.context_today(self),
        )

    def _dso_sms_contact(self):
        """The person the SMS of this reminder went to."""
        self.ensure_one()
        return self.sms_contact_id or self.contact_id

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------

    @api.model
    def _load_demo_bounce(self, customer_ids):
        """Demo data (demo/dso_reminder_bounce_demo.xml): the emails of the
        reminders of ``customer_ids`` come back, as a Postfix server returns
        them (demo/dso_reminder_bounce_dsn.eml), through Odoo's mail gateway."""
        with file_open("dso_contacts/demo/dso_reminder_bounce_dsn.eml") as dsn_file:
            dsn = dsn_file.read()
        reminders = self.sudo().search(
            [
                ("partner_id", "in", customer_ids),
                ("email_state", "=", "queued"),
                ("email_bounced", "=", False),
                ("is_fallback", "=", False),
            ]
        )
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "in", reminders.ids),
                    ("message_type", "=", "email_outgoing"),
                ]
            )
        )
        for message in messages:
            reminder = reminders.browse(message.res_id)
            email = reminder.recipient_ids[:1].email_normalized
            text = (
                dsn.replace("{message_id}", message.message_id)
                .replace("{recipient}", email)
                .replace("{domain}", email.split("@")[-1])
            )
            self.env["mail.thread"].sudo().message_process(False, text)


class DsoReminderDispatch(models.AbstractModel):
    _inherit = "dso.reminder.dispatch"

    @api.model
    def _queue_sms(self, reminders, overrides):
        """Each reminder's SMS gets core's tracker (``sms.tracker``, by the
        SMS's uuid): the provider's delivery report, received later by the
        webhook, finds the reminder through it (sms_tracker.py)."""
        sms = super()._queue_sms(reminders, overrides)
        self.env["sms.tracker"].sudo().create([{"sms_uuid": s.uuid} for s in sms if s.uuid])
        return sms
