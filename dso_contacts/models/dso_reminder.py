# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import logging
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from uuid import uuid4

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import email_normalize, format_amount, format_date, split_every

_logger = logging.getLogger(__name__)

EMAIL_STATES = [
    ("none", "Not used"),
    ("queued", "Queued"),
    ("missing_contact", "No contact for collection"),
    ("missing_email", "No email address"),
    ("blacklisted", "Blacklisted"),
    ("error", "Error"),
]
SMS_STATES = [
    ("none", "Not used"),
    ("queued", "Queued"),
    ("missing_contact", "No contact for collection"),
    ("missing_number", "No mobile or phone number"),
    ("blacklisted", "Blacklisted"),
    ("error", "Error"),
]
# customers handled per transaction by the scheduled action
DEFAULT_BATCH_SIZE = 200
# seconds after which the scheduled action stops and lets ir.cron run it again
DEFAULT_TIME_BUDGET = 900


class DsoReminder(models.Model):
    _name = "dso.reminder"
    _description = "Payment Reminder"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    # accounting users read the history only, and may still log notes on it
    _mail_post_access = "read"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact for collection",
        readonly=True,
        help="The customer's contact for collection when the reminder was sent.",
    )
    recipient_ids = fields.Many2many(
        "res.partner",
        "dso_reminder_recipient_rel",
        "reminder_id",
        "partner_id",
        string="Email recipients",
        readonly=True,
    )
    level_id = fields.Many2one(
        "dso.reminder.level",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
        check_company=True,
    )
    move_ids = fields.Many2many(
        "account.move",
        "dso_reminder_account_move_rel",
        "reminder_id",
        "move_id",
        string="Invoices",
        readonly=True,
    )
    trigger_move_id = fields.Many2one(
        "account.move",
        string="Oldest overdue invoice",
        index="btree_not_null",
        readonly=True,
        ondelete="set null",
        help="The invoice whose due date set the level of this reminder.",
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount_due = fields.Monetary(readonly=True, currency_field="currency_id")
    date = fields.Date(
        required=True,
        readonly=True,
        index=True,
        default=fields.Date.context_today,
    )
    is_manual = fields.Boolean(string="Sent by hand", readonly=True)
    channel = fields.Selection(
        [("email", "Email"), ("sms", "SMS"), ("both", "Email and SMS")],
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one("res.users", string="Sender", readonly=True)
    author_id = fields.Many2one("res.partner", string="From", readonly=True)
    email_from = fields.Char(readonly=True)
    email_to = fields.Char(string="Email sent to", readonly=True)
    sms_number = fields.Char(string="SMS sent to", readonly=True)
    sms_uuid = fields.Char(
        string="SMS UUID", readonly=True, index="btree_not_null", copy=False
    )
    email_state = fields.Selection(EMAIL_STATES, required=True, default="none", readonly=True)
    sms_state = fields.Selection(SMS_STATES, required=True, default="none", readonly=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("partial", "Partly sent"),
            ("failed", "Not sent"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
    )
    is_draft = fields.Boolean(readonly=True, help="Prepared by the manual send, not sent yet.")
    problem = fields.Text(readonly=True, help="What prevented a channel from being used.")
    mail_id = fields.Many2one("mail.mail", string="Email", compute="_compute_mail_id")
    mail_state = fields.Selection(
        selection="_selection_mail_state", string="Email status", compute="_compute_mail_id"
    )
    sms_id = fields.Many2one("sms.sms", string="SMS", compute="_compute_sms_id")
    sms_sms_state = fields.Selection(
        selection="_selection_sms_state", string="SMS status", compute="_compute_sms_id"
    )

    # shown in the templates: plain field paths, so that Odoo renders them
    # without compiling QWeb per record (see mail_allowed_qweb_expressions)
    render_lang = fields.Char(compute="_compute_render_lang")
    amount_due_text = fields.Char(string="Amount due (text)", compute="_compute_texts")
    invoice_names = fields.Char(string="Invoice numbers", compute="_compute_texts")
    invoice_table_html = fields.Html(
        string="Invoices (table)", compute="_compute_texts", sanitize=False
    )

    _sql_constraints = [
        (
            "trigger_level_uniq",
            "unique (trigger_move_id, level_id)",
            "This reminder level was already sent for this invoice.",
        ),
    ]

    @api.depends("is_draft", "email_state", "sms_state")
    def _compute_state(self):
        for reminder in self:
            states = {reminder.email_state, reminder.sms_state} - {"none"}
            if reminder.is_draft:
                reminder.state = "draft"
            elif states == {"queued"}:
                reminder.state = "sent"
            elif "queued" in states:
                reminder.state = "partial"
            else:
                reminder.state = "failed"

    @api.depends("contact_id.lang", "partner_id.lang")
    def _compute_render_lang(self):
        for reminder in self:
            reminder.render_lang = reminder.contact_id.lang or reminder.partner_id.lang

    @api.depends_context("lang")
    @api.depends("move_ids", "amount_due", "currency_id")
    def _compute_texts(self):
        headers = Markup("<tr>%s</tr>") % Markup("").join(
            Markup('<th style="%s">%s</th>') % (style, title)
            for style, title in (
                ("text-align: left;", self.env._("Invoice")),
                ("text-align: left;", self.env._("Due date")),
                ("text-align: right;", self.env._("Amount due")),
            )
        )
        for reminder in self:
            moves = reminder.move_ids.sorted(lambda m: (m.invoice_date_due, m.id))
            reminder.amount_due_text = format_amount(
                self.env, reminder.amount_due, reminder.currency_id
            )
            reminder.invoice_names = ", ".join(moves.mapped("name"))
            rows = Markup("").join(
                Markup('<tr><td>%s</td><td>%s</td><td style="text-align: right;">%s</td></tr>')
                % (
                    move.name,
                    format_date(self.env, move.invoice_date_due),
                    format_amount(self.env, move.amount_residual, move.currency_id),
                )
                for move in moves
            )
            reminder.invoice_table_html = Markup(
                '<table border="1" cellpadding="4" style="border-collapse: collapse; '
                'width: 100%%;"><thead>%s</thead><tbody>%s</tbody></table>'
            ) % (headers, rows)

    @api.model
    def mail_allowed_qweb_expressions(self):
        # the values the reminder templates show, allowed to the users who are
        # not template editors, and rendered without QWeb compilation
        return (
            *super().mail_allowed_qweb_expressions(),
            "object.contact_id.name",
            "object.company_id.name",
            "object.level_id.name",
            "object.amount_due_text",
            "object.invoice_names",
            "object.invoice_table_html",
            "object.email_from",
            "object.render_lang",
            "object.contact_id.id",
        )

    @api.depends("level_id", "partner_id", "date")
    def _compute_display_name(self):
        for reminder in self:
            reminder.display_name = self.env._(
                "%(level)s - %(customer)s - %(date)s",
                level=reminder.level_id.name,
                customer=reminder.partner_id.display_name,
                date=format_date(self.env, reminder.date),
            )

    @api.model
    def _selection_mail_state(self):
        return self.env["mail.mail"]._fields["state"]._description_selection(self.env)

    @api.model
    def _selection_sms_state(self):
        return self.env["sms.sms"]._fields["state"]._description_selection(self.env)

    def _compute_mail_id(self):
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", self._name), ("res_id", "in", self.ids)], order="id")
        )
        by_reminder = {mail.res_id: mail for mail in mails}
        for reminder in self:
            mail = by_reminder.get(reminder.id)
            reminder.mail_id = mail.id if mail else False
            reminder.mail_state = mail.state if mail else False

    def _compute_sms_id(self):
        uuids = [uuid for uuid in self.mapped("sms_uuid") if uuid]
        sms_list = self.env["sms.sms"].sudo().search([("uuid", "in", uuids)]) if uuids else []
        by_uuid = {sms.uuid: sms for sms in sms_list}
        for reminder in self:
            sms = by_uuid.get(reminder.sms_uuid)
            reminder.sms_id = sms.id if sms else False
            reminder.sms_sms_state = sms.state if sms else False

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_retry(self):
        """Send again, on the channels that could not be used, the reminders
        whose contact data has been fixed since."""
        self.env["dso.reminder.send"]._dso_check_send_rights()
        self.check_access("read")
        self._dso_retry()
        return True

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.move_ids.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------

    @api.model
    def _cron_send_reminders(self, batch_size=None, time_budget=None):
        """Send the automatic reminders of every company that has them on.

        Customers are handled in batches, each in its own transaction: a crash
        keeps the batches done, and the history (``trigger_level_uniq``) makes
        the next run skip what they sent.
        """
        params = self.env["ir.config_parameter"].sudo()
        batch_size = batch_size or int(
            params.get_param("dso_contacts.reminder_batch_size", DEFAULT_BATCH_SIZE)
        )
        time_budget = time_budget or int(
            params.get_param("dso_contacts.reminder_time_budget", DEFAULT_TIME_BUDGET)
        )
        # never commit under tests: the test transaction is rolled back at the end
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        started = time.monotonic()
        work = []
        for company in self.env["res.company"].search([("dso_reminder_auto", "=", True)]):
            reminders = self.with_company(company)
            now = fields.Datetime.now()
            if not reminders._dso_in_sending_window(company, now):
                reminders._dso_schedule_next_window(company, now)
                continue
            today = reminders._dso_company_today(company)
            customers = reminders._dso_due_customers(company, today)
            if customers:
                work.append((company, today, customers))
        total = sum(len(customers) for _company, _today, customers in work)
        done = 0
        for company, today, customers in work:
            reminders = self.with_company(company)
            for batch in split_every(batch_size, customers.ids, customers.browse):
                if time.monotonic() - started > time_budget:
                    # ir.cron runs the job again soon while work remains
                    self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                    self._dso_trigger_queues()
                    return
                reminders._dso_process_batch(company, batch, today)
                done += len(batch)
                self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                if auto_commit:
                    # one transaction per batch: what was queued stays queued
                    # (and recorded) if a later batch crashes
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        self._dso_trigger_queues()

    @api.model
    def _dso_trigger_queues(self):
        """Wake Odoo's own email and SMS queues up: they do the sending."""
        for xmlid in (
            "mail.ir_cron_mail_scheduler_action",
            "sms.ir_cron_sms_scheduler_action",
        ):
            cron = self.env.ref(xmlid, raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger()

    @api.model
    def _dso_company_tz(self, company):
        return pytz.timezone(company.partner_id.tz or "UTC")

    @api.model
    def _dso_company_today(self, company):
        tz = self._dso_company_tz(company)
        return pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()

    @api.model
    def _dso_in_sending_window(self, company, now):
        """Whether ``now`` (naive UTC) is a sending day and hour of ``company``."""
        local = pytz.utc.localize(now).astimezone(self._dso_company_tz(company))
        hour = local.hour + local.minute / 60.0
        return (
            local.weekday() in company._dso_reminder_weekdays()
            and company.dso_reminder_hour_from <= hour < company.dso_reminder_hour_to
        )

    @api.model
    def _dso_schedule_next_window(self, company, now):
        """Ask ir.cron to run the reminders again when ``company``'s next
        sending window opens."""
        weekdays = company._dso_reminder_weekdays()
        cron = self.env.ref("dso_contacts.ir_cron_send_reminders", raise_if_not_found=False)
        if not weekdays or not cron:
            return
        tz = self._dso_company_tz(company)
        local = pytz.utc.localize(now).astimezone(tz)
        hours, minutes = divmod(round(company.dso_reminder_hour_from * 60), 60)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            start = tz.localize(datetime(day.year, day.month, day.day, hours, minutes))
            if day.weekday() in weekdays and start > local:
                at = start.astimezone(pytz.utc).replace(tzinfo=None)
                # the hourly runs outside the window ask for the same time once
                triggers = self.env["ir.cron.trigger"].sudo()
                if not triggers.search_count(
                    [("cron_id", "=", cron.id), ("call_at", "=", at)]
                ):
                    cron.sudo()._trigger(at=at)
                return

    # ------------------------------------------------------------------
    # Finding what is due
    # ------------------------------------------------------------------

    @api.model
    def _dso_levels(self, company):
        return (
            self.env["dso.reminder.level"]
            .sudo()
            .search([("company_id", "=", company.id)], order="days, sequence, id")
        )

    @api.model
    def _get_reminder_domain(self, company, today):
        """Unpaid posted customer invoices of ``company`` that reached at least
        its lowest reminder level on ``today``."""
        levels = self._dso_levels(company)
        if not levels:
            return None
        return [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("amount_residual", ">", 0),
            ("invoice_date_due", "<=", today - timedelta(days=levels[0].days)),
        ]

    @api.model
    def _dso_excluded_customers(self, today):
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("dso_reminder_exclude", "=", True),
                    "|",
                    ("dso_reminder_exclude_until", "=", False),
                    ("dso_reminder_exclude_until", ">=", today),
                ]
            )
        )

    @api.model
    def _dso_due_customers(self, company, today):
        """Customers of ``company`` that may have a reminder to receive."""
        domain = self._get_reminder_domain(company, today)
        if domain is None:
            return self.env["res.partner"]
        excluded = self._dso_excluded_customers(today)
        if excluded:
            domain.append(("commercial_partner_id", "not in", excluded.ids))
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(domain, ["commercial_partner_id"], order="commercial_partner_id")
        )
        return self.env["res.partner"].sudo().browse(partner.id for (partner,) in groups)

    @api.model
    def _dso_due_groups(self, company, customers, today, automatic=True):
        """What each customer owes, per currency, with the level reached.

        :return: list of dicts with keys ``partner``, ``currency``, ``moves``
            (oldest due first), ``trigger`` (the oldest), ``amount_due``,
            ``amount_company`` and ``level`` (False when none is reached)
        """
        domain = self._get_reminder_domain(company, today)
        if domain is None:
            return []
        domain.append(("commercial_partner_id", "in", customers.ids))
        if automatic:
            excluded = self._dso_excluded_customers(today)
            if excluded:
                domain.append(("commercial_partner_id", "not in", excluded.ids))
        Move = self.env["account.move"].sudo()
        rows = Move._read_group(
            domain,
            ["commercial_partner_id", "currency_id"],
            ["amount_residual:sum", "amount_residual_signed:sum", "id:array_agg"],
        )
        levels = self._dso_levels(company)
        moves_all = Move.browse(
            move_id for *_groupby, _amount, _signed, ids in rows for move_id in ids
        )
        # one query for the due dates and names of the whole batch
        moves_all.fetch(["invoice_date_due", "name", "amount_residual"])
        groups = []
        for partner, currency, amount, amount_company, ids in rows:
            moves = Move.browse(ids).sorted(lambda m: (m.invoice_date_due, m.id))
            trigger = moves[0]
            late = (today - trigger.invoice_date_due).days
            reached = levels.filtered(lambda lvl, late=late: lvl.days <= late)
            groups.append(
                {
                    "partner": partner,
                    "currency": currency,
                    "moves": moves,
                    "trigger": trigger,
                    "amount_due": amount,
                    "amount_company": amount_company,
                    "level": reached[-1:] if reached else levels.browse(),
                }
            )
        return groups

    @api.model
    def _dso_already_sent(self, triggers):
        """Highest level days already sent per invoice of ``triggers``, by the
        scheduled action or by hand: {move id: days}."""
        sent = {}
        if not triggers:
            return sent
        reminders = self.sudo().search(
            [("move_ids", "in", triggers.ids), ("is_draft", "=", False)]
        )
        reminders.fetch(["level_id", "move_ids"])
        for reminder in reminders:
            days = reminder.level_id.days
            for move_id in set(reminder.move_ids.ids) & set(triggers.ids):
                sent[move_id] = max(sent.get(move_id, days), days)
        return sent

    # ------------------------------------------------------------------
    # Processing a batch of customers
    # ------------------------------------------------------------------

    @api.model
    def _dso_process_batch(self, company, customers, today):
        """Create and send the reminders due to ``customers``. A failing batch
        is retried customer by customer so that one customer's error is logged
        on it and does not stop the others."""
        if len(customers) > 1:
            try:
                with self.env.cr.savepoint():
                    return self._dso_create_and_send(company, customers, today)
            except Exception:  # retried customer by customer below
                _logger.warning(
                    "Payment reminders: a batch of %s customers failed, retrying them "
                    "one by one",
                    len(customers),
                    exc_info=True,
                )
                self.env.invalidate_all()
        reminders = self.browse()
        for customer in customers:
            try:
                with self.env.cr.savepoint():
                    reminders |= self._dso_create_and_send(company, customer, today)
            except Exception as error:  # logged on the customer
                _logger.exception(
                    "Payment reminders: customer %s (id %s) failed",
                    customer.display_name,
                    customer.id,
                )
                self.env.invalidate_all()
                customer._dso_log_reminder_failure(error)
        return reminders

    @api.model
    def _dso_create_and_send(self, company, customers, today):
        groups = self._dso_due_groups(company, customers, today)
        min_amount = company.dso_reminder_min_amount
        groups = [
            group
            for group in groups
            if group["level"]
            and company.currency_id.compare_amounts(group["amount_company"], min_amount) >= 0
        ]
        sent = self._dso_already_sent(
            self.env["account.move"].browse(group["trigger"].id for group in groups)
        )
        contacts = self.env["res.partner"].union(*(g["partner"] for g in groups))
        checker = self.with_context(
            dso_blacklist_cache=self._dso_blacklist_cache(contacts.collection_contact_id)
        )
        vals_list = []
        for group in groups:
            if sent.get(group["trigger"].id, group["level"].days - 1) >= group["level"].days:
                continue
            vals_list.append(
                checker._dso_prepare_vals(
                    company,
                    group["partner"],
                    group["level"],
                    group["moves"],
                    group["currency"],
                    group["amount_due"],
                    trigger=group["trigger"],
                    date=today,
                )
            )
        if not vals_list:
            return self.browse()
        reminders = (
            self.sudo()
            .with_context(
                mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
            )
            .create(vals_list)
        )
        reminders._dso_send()
        return reminders

    @api.model
    def _dso_sender(self, company, customer):
        """(user, author partner, email_from) of the reminders of ``customer``."""
        user = company.dso_reminder_user_id or customer.user_id
        if user and user.email:
            return user, user.partner_id, user.email_formatted
        return user, company.partner_id, company.email_formatted or user.email_formatted

    @api.model
    def _dso_prepare_vals(
        self,
        company,
        customer,
        level,
        moves,
        currency,
        amount_due,
        trigger=None,
        date=None,
        contacts=None,
        channel=None,
    ):
        """Values of one reminder, recipients checked: the state of each
        channel says whether it can be used and, if not, why."""
        channel = channel or level.channel
        contact = customer.collection_contact_id
        email_contacts = contacts if contacts is not None else contact
        user, author, email_from = self._dso_sender(company, customer)
        vals = {
            "company_id": company.id,
            "partner_id": customer.id,
            "contact_id": contact.id,
            "level_id": level.id,
            "move_ids": [fields.Command.set(moves.ids)],
            "trigger_move_id": trigger.id if trigger else False,
            "currency_id": currency.id,
            "amount_due": amount_due,
            "date": date or fields.Date.context_today(self),
            "is_manual": contacts is not None,
            "channel": channel,
            "user_id": user.id,
            "author_id": author.id,
            "email_from": email_from,
        }
        problems = []
        if channel in ("email", "both"):
            vals.update(self._dso_check_email(email_contacts, problems))
        if channel in ("sms", "both"):
            vals.update(self._dso_check_sms(contact, problems))
        vals["problem"] = "\n".join(problems) or False
        return vals

    @api.model
    def _dso_check_email(self, contacts, problems):
        if not contacts:
            problems.append(self.env._("No contact for collection: no email sent."))
            return {"email_state": "missing_contact"}
        emails = {contact: email_normalize(contact.email) for contact in contacts}
        for contact, email in emails.items():
            if not email:
                problems.append(
                    self.env._(
                        "%(name)s has no valid email address: no email sent.",
                        name=contact.name,
                    )
                )
        blacklisted = self._dso_blacklisted_emails([e for e in emails.values() if e])
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
    def _dso_check_sms(self, contact, problems):
        if not contact:
            problems.append(self.env._("No contact for collection: no SMS sent."))
            return {"sms_state": "missing_contact"}
        number = contact._dso_reminder_sms_number()
        if not number:
            problems.append(
                self.env._(
                    "%(name)s has no valid mobile or phone number: no SMS sent.",
                    name=contact.name,
                )
            )
            return {"sms_state": "missing_number"}
        if self._dso_blacklisted_numbers([number]):
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
    def _dso_blacklist_cache(self, contacts):
        """Blacklisted emails and numbers among ``contacts``, in two queries."""
        emails = [email_normalize(c.email) for c in contacts if c.email]
        numbers = [contact._dso_reminder_sms_number() for contact in contacts]
        return {
            "emails": self._dso_blacklisted_emails([e for e in emails if e]),
            "numbers": self._dso_blacklisted_numbers([n for n in numbers if n]),
        }

    @api.model
    def _dso_blacklisted_emails(self, emails):
        if not emails:
            return set()
        cache = self.env.context.get("dso_blacklist_cache")
        if cache is not None:
            return {email for email in emails if email in cache["emails"]}
        records = self.env["mail.blacklist"].sudo().search([("email", "in", emails)])
        return set(records.mapped("email"))

    @api.model
    def _dso_blacklisted_numbers(self, numbers):
        if not numbers:
            return set()
        cache = self.env.context.get("dso_blacklist_cache")
        if cache is not None:
            return {number for number in numbers if number in cache["numbers"]}
        records = self.env["phone.blacklist"].sudo().search([("number", "in", numbers)])
        return set(records.mapped("number"))

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _dso_send(self, email_values=None):
        """Queue the emails (mail.mail) and SMS (sms.sms) of the reminders of
        ``self`` whose channel state is ``queued``, then log them on the
        customers and invoices and raise the problems found.

        :param dict email_values: {reminder id: values overriding the rendered
            email (subject, body_html, sms_body)}, from the manual send
        """
        reminders = self.sudo()
        reminders._dso_queue_emails(
            reminders.filtered(lambda r: r.email_state == "queued"), email_values or {}
        )
        reminders._dso_queue_sms(
            reminders.filtered(lambda r: r.sms_state == "queued"), email_values or {}
        )
        reminders._dso_log_chatter()
        reminders._dso_flag_problems()

    def _dso_queue_emails(self, reminders, overrides):
        mail_vals_list = []
        for level, template_reminders in reminders.grouped("level_id").items():
            template = level.mail_template_id
            rendered = template._generate_template(
                template_reminders.ids,
                (
                    "subject",
                    "body_html",
                    "reply_to",
                    "mail_server_id",
                    "scheduled_date",
                    "attachment_ids",
                    "report_template_ids",
                    "auto_delete",
                ),
            )
            for reminder in template_reminders:
                values = rendered[reminder.id]
                values.update(overrides.get(reminder.id, {}))
                body = values.get("body_html") or ""
                mail_vals_list.append(
                    {
                        "model": self._name,
                        "res_id": reminder.id,
                        "record_name": reminder.display_name,
                        "message_type": "email_outgoing",
                        "subject": values.get("subject"),
                        "body_html": body,
                        "body": body,
                        "email_from": reminder.email_from,
                        "author_id": reminder.author_id.id,
                        "reply_to": values.get("reply_to") or reminder.email_from,
                        "recipient_ids": [fields.Command.set(reminder.recipient_ids.ids)],
                        "auto_delete": values.get("auto_delete", False),
                        "mail_server_id": values.get("mail_server_id") or False,
                        "scheduled_date": values.get("scheduled_date") or False,
                        "attachment_ids": [
                            fields.Command.link(att_id)
                            for att_id in values.get("attachment_ids") or []
                        ],
                        "_attachments": values.get("attachments") or [],
                        "_reminder": reminder,
                    }
                )
        if not mail_vals_list:
            return self.env["mail.mail"]
        extras = [(vals.pop("_attachments"), vals.pop("_reminder")) for vals in mail_vals_list]
        mails = self.env["mail.mail"].sudo().create(mail_vals_list)
        for mail, (attachments, reminder) in zip(mails, extras, strict=True):
            attachment_vals = [{"name": name, "datas": datas} for name, datas in attachments]
            if reminder.level_id.attach_invoices:
                attachment_vals += reminder._dso_invoice_pdf_vals()
            if attachment_vals:
                mail.with_context(default_type=None).write(
                    {
                        "attachment_ids": [
                            fields.Command.create(
                                dict(
                                    vals,
                                    type="binary",
                                    res_model="mail.message",
                                    res_id=mail.mail_message_id.id,
                                )
                            )
                            for vals in attachment_vals
                            if "datas" in vals
                        ]
                        + [
                            fields.Command.link(vals["id"])
                            for vals in attachment_vals
                            if "id" in vals
                        ]
                    }
                )
        return mails

    def _dso_invoice_pdf_vals(self):
        """Attachments of the invoices' PDFs: the PDF already issued, else one
        generated now."""
        self.ensure_one()
        vals = []
        for move in self.move_ids:
            if move.invoice_pdf_report_id:
                vals.append({"id": move.invoice_pdf_report_id.id})
                continue
            document = move._get_invoice_legal_documents("pdf", allow_fallback=True)
            if document:
                vals.append(
                    {
                        "name": document["filename"],
                        "datas": base64.b64encode(document["content"]),
                    }
                )
        return vals

    def _dso_queue_sms(self, reminders, overrides):
        sms_vals_list = []
        for level, level_reminders in reminders.grouped("level_id").items():
            bodies = level.sms_template_id._render_field(
                "body", level_reminders.ids, compute_lang=True
            )
            for reminder in level_reminders:
                body = overrides.get(reminder.id, {}).get("sms_body") or bodies[reminder.id]
                sms_vals_list.append(
                    {
                        "number": reminder.sms_number,
                        "body": body,
                        "partner_id": reminder.contact_id.id,
                        "uuid": reminder.sms_uuid,
                        "state": "outgoing",
                    }
                )
        return self.env["sms.sms"].sudo().create(sms_vals_list)

    def _dso_channel_summary(self):
        """Lines saying what went where, for the chatter."""
        self.ensure_one()
        lines = []
        if self.email_state == "queued":
            lines.append(
                self.env._(
                    "Email to %(recipients)s",
                    recipients=", ".join(f"{p.name} <{p.email}>" for p in self.recipient_ids),
                )
            )
        elif self.email_state != "none":
            lines.append(
                self.env._(
                    "Email not sent: %(reason)s",
                    reason=dict(EMAIL_STATES)[self.email_state],
                )
            )
        if self.sms_state == "queued":
            lines.append(
                self.env._(
                    "SMS to %(name)s (%(number)s)",
                    name=self.contact_id.name,
                    number=self.sms_number,
                )
            )
        elif self.sms_state != "none":
            lines.append(
                self.env._("SMS not sent: %(reason)s", reason=dict(SMS_STATES)[self.sms_state])
            )
        return lines

    def _dso_reminder_link(self):
        self.ensure_one()
        return Markup('<a href="#" data-oe-model="%s" data-oe-id="%s">%s</a>') % (
            self._name,
            self.id,
            self.level_id.name,
        )

    def _dso_log_chatter(self):
        """One note per reminder on its customer, one per invoice reminded."""
        customer_bodies = defaultdict(list)
        move_bodies = defaultdict(list)
        for reminder in self:
            lines = Markup("").join(
                Markup("<li>%s</li>") % line for line in reminder._dso_channel_summary()
            )
            invoices = Markup(", ").join(
                Markup("%s (%s, %s)")
                % (
                    move.name,
                    format_date(self.env, move.invoice_date_due),
                    format_amount(self.env, move.amount_residual, move.currency_id),
                )
                for move in reminder.move_ids
            )
            link = reminder._dso_reminder_link()
            customer_bodies[reminder.partner_id].append(
                Markup("<p>%s</p><ul>%s</ul><p>%s</p>")
                % (
                    self.env._(
                        "Payment reminder %(level)s, %(amount)s due:",
                        level=link,
                        amount=format_amount(
                            self.env, reminder.amount_due, reminder.currency_id
                        ),
                    ),
                    lines,
                    self.env._("Invoices: %(invoices)s", invoices=invoices),
                )
            )
            move_body = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Payment reminder %(level)s:", level=link),
                lines,
            )
            for move in reminder.move_ids:
                move_bodies[move].append(move_body)
        self._dso_log_batch(customer_bodies)
        self._dso_log_batch(move_bodies)

    def _dso_log_batch(self, bodies_by_record):
        """Post the notes of ``bodies_by_record`` ({record: [bodies]}), one
        ``_message_log_batch`` call per author."""
        by_model = defaultdict(dict)
        for record, bodies in bodies_by_record.items():
            by_model[record._name][record.id] = Markup("").join(bodies)
        for model, bodies in by_model.items():
            records = self.env[model].browse(bodies)
            records._message_log_batch(bodies=bodies, author_id=self.env.user.partner_id.id)

    def _dso_flag_problems(self):
        """Flag the customers whose reminder could not use a channel, with an
        activity saying what is missing; clear the flag of the others."""
        problems = self.filtered("problem")
        ok_customers = (self - problems).partner_id - problems.partner_id
        ok_customers.filtered("dso_reminder_problem").write({"dso_reminder_problem": False})
        if not problems:
            return
        by_text = defaultdict(lambda: self.env["res.partner"])
        for reminder in problems:
            by_text[reminder.problem] |= reminder.partner_id
        for text, customers in by_text.items():
            customers.write({"dso_reminder_problem": text})
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        partner_model = self.env["ir.model"]._get_id("res.partner")
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": partner_model,
                    "res_id": reminder.partner_id.id,
                    "activity_type_id": todo.id if todo else False,
                    "summary": self.env._(
                        "Payment reminder %(level)s not fully sent",
                        level=reminder.level_id.name,
                    ),
                    "note": Markup("<p>%s</p>")
                    % Markup("<br/>").join(reminder.problem.splitlines()),
                    "user_id": (
                        reminder.user_id
                        or reminder.partner_id.user_id
                        or reminder.trigger_move_id.invoice_user_id
                        or self.env.user
                    ).id,
                    "date_deadline": reminder.date,
                }
                for reminder in problems
            ]
        )

    def _dso_retry(self):
        """Use again the channels that could not be used, with the current
        data of the contact for collection."""
        retried = self.browse()
        for reminder in self.sudo().filtered(lambda r: r.state in ("failed", "partial")):
            customer = reminder.partner_id
            vals = self._dso_prepare_vals(
                reminder.company_id,
                customer,
                reminder.level_id,
                reminder.move_ids,
                reminder.currency_id,
                reminder.amount_due,
                channel=reminder.channel,
                contacts=reminder.recipient_ids if reminder.is_manual else None,
            )
            update = {"contact_id": vals["contact_id"], "problem": vals["problem"]}
            for state, keys in (
                ("email_state", ("email_state", "recipient_ids", "email_to")),
                ("sms_state", ("sms_state", "sms_number", "sms_uuid")),
            ):
                if reminder[state] not in ("queued", "none"):
                    update.update({key: vals[key] for key in keys if key in vals})
            # a channel already queued is not sent twice
            requeue = {
                state
                for state in ("email_state", "sms_state")
                if reminder[state] != "queued" and update.get(state) == "queued"
            }
            reminder.write(update)
            if requeue:
                retried |= reminder
                reminder._dso_queue_emails(
                    reminder if "email_state" in requeue else reminder.browse(), {}
                )
                reminder._dso_queue_sms(
                    reminder if "sms_state" in requeue else reminder.browse(), {}
                )
        retried._dso_log_chatter()
        self.sudo()._dso_flag_problems()
        self._dso_trigger_queues()
        return retried

    @api.autovacuum
    def _gc_draft_reminders(self):
        """Drop the drafts of manual sends that were never sent."""
        limit = fields.Datetime.now() - timedelta(days=1)
        self.sudo().search([("is_draft", "=", True), ("create_date", "<", limit)]).unlink()
