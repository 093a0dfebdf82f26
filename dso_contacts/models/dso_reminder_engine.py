# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
import time

from odoo import api, fields, models
from odoo.tools import split_every

from ..tools.guards import can_commit, check_collector

_logger = logging.getLogger(__name__)

# customers handled per transaction by the scheduled action
DEFAULT_BATCH_SIZE = 200
# seconds after which the scheduled action stops and lets ir.cron run it again
DEFAULT_TIME_BUDGET = 900


class DsoReminderEngine(models.AbstractModel):
    """What is due, to whom, and the reminders that say it.

    One engine behind every door: the scheduled action (``_cron_send_reminders``)
    and the manual send (``dso.reminder.send``) both call it, as
    ``account.move.send`` serves its wizards and its cron. It works for
    ``self.env.company``, with the caller's rights: the scheduled action runs
    it as superuser for each company, the wizard as the user who clicks.
    The reminders it prepares are queued by ``dso.reminder.dispatch``; which
    reminders each door asks for is in dso_reminder_prepare.py, what is due
    in dso_reminder_due.py.
    """

    _name = "dso.reminder.engine"
    _description = "Payment Reminder Engine"

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------

    @api.model
    def _cron_send_reminders(self, batch_size=None, time_budget=None):
        """Send the automatic reminders of every company that has them on.

        Customers are handled in batches (``_run_batches``), each in its own
        transaction: a crash keeps the batches done, and the history
        (``trigger_level_uniq``) makes the next run skip what they sent.
        """
        params = self.env["ir.config_parameter"].sudo()
        batch_size = batch_size or int(
            params.get_param("dso_contacts.reminder_batch_size", DEFAULT_BATCH_SIZE)
        )
        time_budget = time_budget or int(
            params.get_param("dso_contacts.reminder_time_budget", DEFAULT_TIME_BUDGET)
        )
        self._run_batches(self._cron_due_work(), batch_size, time_budget)
        self.env["dso.reminder.dispatch"]._trigger_queues()

    @api.model
    def _run_batches(self, work, batch_size, time_budget):
        """Send the reminders of ``work`` (see ``_cron_due_work``), batch after
        batch, each committed. The hook a job queue overrides to run the
        batches elsewhere (``dso_contacts_queue_job``)."""
        started = time.monotonic()
        total = sum(len(customers) for _engine, _today, customers in work)
        done = 0
        for engine, today, customers in work:
            for batch in split_every(batch_size, customers.ids, customers.browse):
                if time.monotonic() - started > time_budget:
                    # ir.cron runs the job again soon while work remains
                    self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                    return
                engine._process_batch(batch, today)
                done += len(batch)
                self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                if can_commit():
                    # one transaction per batch: what was queued stays queued
                    # (and recorded) if a later batch crashes
                    self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_due_work(self):
        """What the scheduled action has to do now: ``[(engine, today,
        customers)]``, one entry per company in its sending window that has
        customers with something due (the engine set to that company, as
        superuser); the companies out of their window get a run scheduled
        when it opens."""
        work = []
        companies = self.env["res.company"].sudo().search([("dso_reminder_auto", "=", True)])
        for company in companies:
            now = fields.Datetime.now()
            if not company._dso_reminder_in_window(now):
                self._schedule_next_window(company, now)
                continue
            # the scheduled action sends for every company: it reads each
            # company's invoices as superuser, scoped by the company
            engine = self.sudo().with_company(company)
            today = company._dso_reminder_today()
            customers = engine._due_customers(today)
            if customers:
                work.append((engine, today, customers))
        return work

    @api.model
    def _schedule_next_window(self, company, now):
        """Ask ir.cron to run the reminders again when ``company``'s next
        sending window opens (once, whatever the number of hourly runs)."""
        cron = self.env.ref("dso_contacts.ir_cron_send_reminders", raise_if_not_found=False)
        at = company._dso_reminder_next_window(now)
        if not cron or not at:
            return
        triggers = self.env["ir.cron.trigger"].sudo()
        if not triggers.search_count([("cron_id", "=", cron.id), ("call_at", "=", at)]):
            cron.sudo()._trigger(at=at)

    # ------------------------------------------------------------------
    # Processing a batch of customers
    # ------------------------------------------------------------------

    @api.model
    def _process_batch(self, customers, today):
        """Create and send the reminders due to ``customers``. A failing batch
        is retried customer by customer so that one customer's error is logged
        on it and does not stop the others."""
        if len(customers) > 1:
            try:
                with self.env.cr.savepoint():
                    return self._send(customers, today)
            except Exception:  # retried customer by customer below
                _logger.warning(
                    "Payment reminders: a batch of %s customers failed, retrying them "
                    "one by one",
                    len(customers),
                    exc_info=True,
                )
                self.env.invalidate_all()
        reminders = self.env["dso.reminder"]
        for customer in customers:
            try:
                with self.env.cr.savepoint():
                    reminders |= self._send(customer, today)
            except Exception as error:  # logged on the customer
                _logger.exception(
                    "Payment reminders: customer %s (id %s) failed",
                    customer.display_name,
                    customer.id,
                )
                self.env.invalidate_all()
                customer._dso_log_reminder_failure(error)
        return reminders

    # ------------------------------------------------------------------
    # The one path: due -> groups -> prepare -> dispatch -> history
    # ------------------------------------------------------------------

    @api.model
    def _send(self, customers, today=None, options=None):
        """Send the reminders due to ``customers``: what they owe
        (``_due_groups``), the reminders prepared (``_prepare_vals``) and
        recorded (``_create_reminders``), then queued by the dispatch. The
        scheduled action, its queue jobs and the manual send all come here.

        :param today: the company's today by default
        :param dict options: a manual send's choices (None: the automatic
            rules: customers excluded left out, minimum amount, each level
            once per invoice). Keys: ``level`` (dso.reminder.level, required),
            ``channel``, ``recipients`` (the email contacts of a single
            customer, which must be its own; None: each customer's contact for
            collection), ``texts`` ({"subject", "body_html", "sms_body"}
            replacing the rendered ones of a single reminder), ``preview``
            (drafts, not sent: see ``_render``), ``resend_of`` (a reminder
            sent before, sent again as a new reminder: see ``_resend_options``),
            ``contact`` (with ``resend_of``: the partner a reminder that did
            not arrive falls back on, see dso_reminder_bounce.py)
        :return: the reminders (drafts for a preview)
        """
        self._check_send_rights()
        today = today or self.env.company._dso_reminder_today()
        if options and options.get("resend_of"):
            options = self._resend_options(options["resend_of"], options)
        if options is None:
            vals_list = self._prepare_automatic(customers, today)
        else:
            vals_list = self._prepare_manual(customers, today, options)
        if not vals_list:
            return self.env["dso.reminder"]
        preview = bool(options and options.get("preview"))
        reminders = self._create_reminders(vals_list, draft=preview)
        # the customers' page links the templates show exist before rendering
        self.env["dso.customer.access"]._ensure_for_reminders(reminders)
        if preview:
            return reminders
        texts = (options or {}).get("texts")
        overrides = {reminders.id: texts} if texts and len(reminders) == 1 else {}
        dispatch = self.env["dso.reminder.dispatch"]
        dispatch._send(reminders, email_values=overrides)
        if options is not None:
            dispatch._trigger_queues()
        return reminders

    @api.model
    def _check_send_rights(self):
        """Every door's check before sending (tools.guards.check_collector)."""
        check_collector(
            self.env,
            self.env._("Only accounting users (Invoicing) may send payment reminders."),
        )

    @api.model
    def _render(self, reminders):
        """What ``reminders`` send, rendered as the dispatch renders it when
        sending: {reminder id: {"subject", "body_html", "sms_body"}}."""
        dispatch = self.env["dso.reminder.dispatch"].sudo()
        reminders = reminders.sudo()
        emails = dispatch._render_emails(
            reminders.filtered(lambda r: r.channel in ("email", "both"))
        )
        sms = dispatch._render_sms(reminders.filtered(lambda r: r.channel in ("sms", "both")))
        return {
            reminder.id: {
                "subject": emails.get(reminder.id, {}).get("subject"),
                "body_html": emails.get(reminder.id, {}).get("body_html"),
                "sms_body": sms.get(reminder.id),
            }
            for reminder in reminders
        }

    @api.model
    def _create_reminders(self, vals_list, draft=False):
        # the history is the engine's own record, written after the caller's
        # rights were checked (accounting users read it, never write it)
        if draft:
            vals_list = [dict(vals, is_draft=True) for vals in vals_list]
        return (
            self.env["dso.reminder"]
            .sudo()
            .with_context(
                mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
            )
            .create(vals_list)
        )

    @api.model
    def _load_demo_reminders(self, customer_ids):
        """Demo data (demo/dso_reminder_demo.xml): the reminders of the demo
        customers, sent as the scheduled action sends them."""
        company = self.env.company
        customers = self.env["res.partner"].browse(customer_ids)
        return self.with_company(company)._process_batch(
            customers, company._dso_reminder_today()
        )

    # ------------------------------------------------------------------
    # Preparing one reminder
    # ------------------------------------------------------------------

    @api.model
    def _prepare_vals(
        self,
        group,
        date=None,
        level=None,
        contacts=None,
        channel=None,
        cc_salesperson=None,
        contact=None,
    ):
        """Values of the reminder of one due group (see ``_due_groups``),
        recipients checked: the state of each channel says whether it can be
        used and, if not, why.

        :param level: the level to send (the group's, by default)
        :param contacts: the email recipients chosen by hand (manual send);
            None: the customer's contact for collection (and the holders of
            the level's escalation roles)
        :param cc_salesperson: the salesperson in copy (manual send); None:
            as the level says
        :param contact: the person reminded (a fallback after a failure);
            None: the contact for collection, or the next reachable contact
            when its address is known to bounce (res_partner_reachable.py);
            on "Email and SMS", each channel's own: the SMS goes to the next
            contact with a usable mobile when the number is known to fail
        """
        company = self.env.company
        customer = group["partner"]
        level = level or group["level"]
        channel = channel or level._reminder_channel()
        sms_contact = None
        if not contact:
            contact = customer._dso_reminder_reachable_contact(channel, company)
            if channel == "both":
                sms_contact = customer._dso_reminder_reachable_contact("sms", company)
        user, author, email_from = company._dso_reminder_sender(customer)
        vals = {
            "company_id": company.id,
            "partner_id": customer.id,
            "contact_id": contact.id,
            "level_id": level.id,
            "move_ids": [fields.Command.set(group["moves"].ids)],
            "trigger_move_id": group["trigger"].id if contacts is None else False,
            "credit_line_ids": [fields.Command.set(group["credit_lines"].ids)],
            "currency_id": group["currency"].id,
            "amount_overdue": group["amount_overdue"],
            "amount_credit": group["amount_credit"],
            "amount_due": group["amount_due"],
            "date": date or fields.Date.context_today(self),
            "is_manual": contacts is not None,
            "channel": channel,
            "user_id": user.id,
            "author_id": author.id,
            "email_from": email_from,
        }
        if sms_contact and sms_contact != contact:
            vals["sms_contact_id"] = sms_contact.id
        vals.update(
            self.env["dso.reminder.dispatch"]._recipients_vals(
                customer,
                level,
                channel,
                contacts=contacts,
                cc_salesperson=cc_salesperson,
                contact=contact,
                sms_contact=sms_contact,
            )
        )
        return vals
