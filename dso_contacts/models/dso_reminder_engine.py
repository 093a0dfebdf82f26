# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
import threading
import time
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import split_every

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
    The reminders it prepares are queued by ``dso.reminder.dispatch``.
    """

    _name = "dso.reminder.engine"
    _description = "Payment Reminder Engine"

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
        dispatch = self.env["dso.reminder.dispatch"]
        work = self._cron_due_work()
        total = sum(len(customers) for _engine, _today, customers in work)
        done = 0
        for engine, today, customers in work:
            for batch in split_every(batch_size, customers.ids, customers.browse):
                if time.monotonic() - started > time_budget:
                    # ir.cron runs the job again soon while work remains
                    self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                    dispatch._trigger_queues()
                    return
                engine._process_batch(batch, today)
                done += len(batch)
                self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                if auto_commit:
                    # one transaction per batch: what was queued stays queued
                    # (and recorded) if a later batch crashes
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        dispatch._trigger_queues()

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
    # Finding what is due
    # ------------------------------------------------------------------

    @api.model
    def _get_reminder_domain(self, today, all_open=False):
        """Unpaid posted customer invoices of the company that reached at least
        its lowest reminder level on ``today`` (every unpaid one with
        ``all_open``), less those held out of the reminders (see
        ``account.move._dso_reminder_hold_domain``); None when the company has
        no level."""
        company = self.env.company
        levels = company._dso_reminder_levels()
        if not levels:
            return None
        domain = [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("amount_residual", ">", 0),
            *self.env["account.move"]._dso_reminder_hold_domain(today),
        ]
        if not all_open:
            domain.append(("invoice_date_due", "<=", today - timedelta(days=levels[0].days)))
        return domain

    @api.model
    def _get_credit_domain(self, customers):
        """Open credits of ``customers``: receivable lines not yet matched
        whose balance is in the customer's favour (credit notes, payments
        received and not reconciled)."""
        return [
            ("company_id", "=", self.env.company.id),
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "<", 0),
            ("partner_id", "child_of", customers.ids),
        ]

    @api.model
    def _get_not_excluded_domain(self, today):
        """Domain of the customers not excluded from the automatic reminders
        on ``today``: one rule for the search of due invoices and for a batch
        of customers."""
        return [
            "|",
            ("dso_reminder_exclude", "=", False),
            "&",
            ("dso_reminder_exclude_until", "!=", False),
            ("dso_reminder_exclude_until", "<", today),
        ]

    @api.model
    def _due_customers(self, today):
        """Customers of the company that may have a reminder to receive."""
        domain = self._get_reminder_domain(today)
        if domain is None:
            return self.env["res.partner"]
        groups = self.env["account.move"]._read_group(
            [
                *domain,
                ("commercial_partner_id", "any", self._get_not_excluded_domain(today)),
            ],
            ["commercial_partner_id"],
            order="commercial_partner_id",
        )
        return self.env["res.partner"].browse(partner.id for (partner,) in groups)

    @api.model
    def _due_groups(self, customers, today, automatic=True, all_open=False):
        """What each customer owes, per currency, open credits deducted, with
        the level reached. A customer whose open credits cover what is due in
        a currency has no group in that currency.

        :param automatic: leave out the customers excluded from the automatic
            reminders
        :param all_open: every unpaid invoice, not only those that reached a
            level (for the next reminder planned)
        :return: list of dicts with keys ``partner``, ``currency``, ``moves``
            (oldest due first), ``trigger`` (the oldest), ``credit_lines``,
            ``amount_overdue``, ``amount_credit`` (positive), ``amount_due``
            (the net), ``amount_company`` (the net in the company currency)
            and ``level`` (empty when none is reached)
        """
        domain = self._get_reminder_domain(today, all_open=all_open)
        if domain is None or not customers:
            return []
        if automatic:
            customers = customers.filtered_domain(self._get_not_excluded_domain(today))
        Move = self.env["account.move"]
        rows = Move._read_group(
            [*domain, ("commercial_partner_id", "in", customers.ids)],
            ["commercial_partner_id", "currency_id"],
            ["amount_residual:sum", "amount_residual_signed:sum", "id:recordset"],
        )
        if not rows:
            return []
        credits = defaultdict(lambda: [0.0, 0.0, self.env["account.move.line"]])
        for partner, currency, amount, amount_company, lines in self.env[
            "account.move.line"
        ]._read_group(
            self._get_credit_domain(customers.browse({row[0].id for row in rows})),
            ["partner_id", "currency_id"],
            ["amount_residual_currency:sum", "amount_residual:sum", "id:recordset"],
        ):
            credit = credits[partner.commercial_partner_id, currency]
            credit[0] -= amount
            credit[1] -= amount_company
            credit[2] |= lines
        levels = self.env.company._dso_reminder_levels()
        # one query for the due dates and names of the whole batch
        Move.union(*(row[4] for row in rows)).fetch(["invoice_date_due", "name"])
        groups = []
        for partner, currency, amount, amount_company, moves in rows:
            amount_credit, credit_company, credit_lines = credits[partner, currency]
            if currency.compare_amounts(amount - amount_credit, 0) <= 0:
                continue
            moves = moves.sorted(lambda m: (m.invoice_date_due, m.id))
            trigger = moves[0]
            groups.append(
                {
                    "partner": partner,
                    "currency": currency,
                    "moves": moves,
                    "trigger": trigger,
                    "credit_lines": credit_lines,
                    "amount_overdue": amount,
                    "amount_credit": amount_credit,
                    "amount_due": amount - amount_credit,
                    "amount_company": amount_company - credit_company,
                    "level": levels._reached((today - trigger.invoice_date_due).days),
                }
            )
        return groups

    @api.model
    def _already_sent(self, triggers):
        """Highest level days already sent per invoice of ``triggers``, by the
        scheduled action or by hand: {move id: days}."""
        sent = {}
        if not triggers:
            return sent
        # the history is the engine's own record: read whole, whoever asks
        reminders = (
            self.env["dso.reminder"]
            .sudo()
            .search([("move_ids", "in", triggers.ids), ("is_draft", "=", False)])
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
    def _process_batch(self, customers, today):
        """Create and send the reminders due to ``customers``. A failing batch
        is retried customer by customer so that one customer's error is logged
        on it and does not stop the others."""
        if len(customers) > 1:
            try:
                with self.env.cr.savepoint():
                    return self._create_and_send(customers, today)
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
                    reminders |= self._create_and_send(customer, today)
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
    def _create_and_send(self, customers, today):
        company = self.env.company
        groups = self._due_groups(customers, today)
        min_amount = company.dso_reminder_min_amount
        groups = [
            group
            for group in groups
            if group["level"]
            and company.currency_id.compare_amounts(group["amount_company"], min_amount) >= 0
        ]
        sent = self._already_sent(
            self.env["account.move"].browse(group["trigger"].id for group in groups)
        )
        customers = self.env["res.partner"].union(*(g["partner"] for g in groups))
        numbers = [c._dso_reminder_sms_number() for c in customers.collection_contact_id]
        checker = self.with_context(
            dso_blacklisted_numbers=self.env["dso.reminder.dispatch"]._blacklisted_numbers(
                [n for n in numbers if n]
            )
        )
        vals_list = [
            checker._prepare_vals(group, date=today)
            for group in groups
            if sent.get(group["trigger"].id, group["level"].days - 1) < group["level"].days
        ]
        if not vals_list:
            return self.env["dso.reminder"]
        reminders = self._create_reminders(vals_list)
        self.env["dso.reminder.dispatch"]._send(reminders)
        return reminders

    @api.model
    def _create_reminders(self, vals_list):
        # the history is the engine's own record, written after the caller's
        # rights were checked (accounting users read it, never write it)
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
    def _prepare_vals(self, group, date=None, level=None, contacts=None, channel=None):
        """Values of the reminder of one due group (see ``_due_groups``),
        recipients checked: the state of each channel says whether it can be
        used and, if not, why.

        :param level: the level to send (the group's, by default)
        :param contacts: the email recipients chosen by hand (manual send);
            None: the customer's contact for collection
        """
        company = self.env.company
        customer = group["partner"]
        level = level or group["level"]
        channel = channel or level.channel
        contact = customer.collection_contact_id
        email_contacts = contacts if contacts is not None else contact
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
        vals.update(
            self.env["dso.reminder.dispatch"]._check_recipients(
                channel, email_contacts, contact
            )
        )
        return vals
