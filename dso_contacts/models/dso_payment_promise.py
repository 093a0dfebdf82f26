# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount, format_date

PAID_STATES = ("paid", "in_payment", "reversed")


class DsoPaymentPromise(models.Model):
    _name = "dso.payment.promise"
    _description = "Promise to Pay"
    _inherit = ["dso.customer.answer.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('is_company', '=', True)]",
        tracking=True,
    )
    contact_id = fields.Many2one(help="Who made the promise.")
    move_ids = fields.Many2many(
        "account.move",
        "dso_payment_promise_account_move_rel",
        "promise_id",
        "move_id",
        string="Invoices",
        required=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_amount", store=True, precompute=True
    )
    # what the invoices owed when the promise was made: a promise is kept when
    # its invoices are paid in full (``_cron_check_promises``), so a partial
    # amount typed by hand would say something the promise does not track
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        precompute=True,
        help="Amount promised: what the invoices owed when the promise was made.",
    )
    date = fields.Date(string="Promised date", required=True, tracking=True)
    hold_until = fields.Date(
        string="Reminders paused until",
        compute="_compute_hold_until",
        store=True,
        index=True,
        help="Promised date plus the company's grace period: the invoices get no "
        "automatic reminder until then.",
    )
    state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken"), ("cancel", "Cancelled")],
        required=True,
        default="open",
        index=True,
        tracking=True,
    )
    note = fields.Text()

    @api.depends("move_ids")
    def _compute_amount(self):
        """What the invoices owe: in their currency when they share one, else
        in the company's (each invoice's amount due converted as booked)."""
        for promise in self:
            moves = promise.move_ids
            if len(moves.currency_id) == 1:
                promise.currency_id = moves.currency_id
                promise.amount = sum(moves.mapped("amount_residual"))
            else:
                promise.currency_id = promise.company_id.currency_id
                promise.amount = sum(moves.mapped("amount_residual_signed"))

    @api.depends("date", "company_id.dso_promise_grace_days")
    def _compute_hold_until(self):
        for promise in self:
            promise.hold_until = promise.date and promise.date + timedelta(
                days=promise.company_id.dso_promise_grace_days
            )

    @api.depends("partner_id", "date", "amount")
    def _compute_display_name(self):
        for promise in self:
            promise.display_name = self.env._(
                "%(customer)s: %(amount)s on %(date)s",
                customer=promise.partner_id.display_name or "",
                amount=format_amount(self.env, promise.amount, promise.currency_id),
                date=format_date(self.env, promise.date),
            )

    @api.constrains("date")
    def _check_date(self):
        """A promised date is from today to the company's limit, when it is
        made and whenever it is moved."""
        today = fields.Date.context_today(self)
        for promise in self:
            limit = today + timedelta(days=promise.company_id.dso_promise_max_days)
            if not today <= promise.date <= limit:
                raise ValidationError(
                    self.env._(
                        "The promised date must be between %(today)s and %(limit)s.",
                        today=format_date(self.env, today),
                        limit=format_date(self.env, limit),
                    )
                )

    @api.constrains("move_ids", "partner_id", "company_id")
    def _check_move_ids(self):
        """A promise covers invoices of its customer in its company only."""
        for promise in self:
            foreign = promise.move_ids.filtered(
                lambda m, p=promise: (
                    m.commercial_partner_id != p.partner_id.commercial_partner_id
                    or m.company_id != p.company_id
                )
            )
            if foreign or not promise.move_ids:
                raise ValidationError(
                    self.env._("A promise covers invoices of its customer only.")
                )
            held = self._holds(promise.move_ids)
            if held:
                raise ValidationError(
                    self.env._(
                        "These invoices cannot be promised: %(reasons)s.",
                        reasons="; ".join(held.values()),
                    )
                )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        """A promise taken for another customer covers that customer's overdue
        invoices, as the customer form's "Record a promise" does."""
        customer = self.partner_id.commercial_partner_id
        if customer and self.move_ids.commercial_partner_id != customer:
            self.move_ids = self._overdue_moves(customer, self.company_id)

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        promises._log_on_documents()
        return promises

    def action_cancel(self):
        self.filtered(lambda p: p.state == "open").write({"state": "cancel"})
        return True

    def action_view_invoices(self):
        self.ensure_one()
        return self.move_ids._dso_action_view()

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _holds(self, moves):
        """{invoice: why it cannot be promised} among ``moves``: an invoice
        under an open dispute is settled before anyone promises to pay it.
        The one rule of the customer's page and the back office (the page
        greys the invoice out and says why, the constraint refuses it). Reads
        the disputes as superuser: the rule holds whoever asks."""
        return {
            move: self.env._("%(invoice)s is disputed", invoice=move.name)
            for move in self.env["dso.invoice.dispute"]._disputed(moves)
        }

    @api.model
    def _overdue_moves(self, customer, company):
        """The open overdue invoices of ``customer`` in ``company`` that can be
        promised, oldest first: what a promise taken by phone covers unless
        the collector says otherwise. Read with the caller's rights."""
        today = fields.Date.context_today(self)
        moves = self.env["account.move"].search(
            [
                *self.env["dso.customer.access"]._open_invoices_domain(customer, company),
                ("invoice_date_due", "<", today),
            ],
            order="invoice_date_due, id",
        )
        held = self._holds(moves)
        return moves.filtered(lambda move: move not in held)

    @api.model
    def _action_record(self, customer):
        """The dialog of a promise taken by phone for ``customer``, in the
        current company: its contact for collection and its overdue invoices
        filled in; saving it goes through the rules of every promise (its
        constraints), as a promise made on the customer's page."""
        self.check_access("create")
        customer = customer.commercial_partner_id
        company = self.env.company
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record a promise"),
            "res_model": self._name,
            "views": [(self.env.ref("dso_contacts.dso_payment_promise_view_form").id, "form")],
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": customer.id,
                "default_company_id": company.id,
                "default_source": "phone",
                "default_contact_id": customer.collection_contact_id.id,
                "default_move_ids": [Command.set(self._overdue_moves(customer, company).ids)],
            },
        }

    def _log_on_documents(self):
        """Say on the customer and the invoices that a promise was made."""
        sources = dict(self._fields["source"]._description_selection(self.env))
        for promise in self:
            body = self.env._(
                "Promise to pay %(amount)s by %(date)s (%(channel)s) for %(invoices)s.",
                amount=format_amount(self.env, promise.amount, promise.currency_id),
                date=format_date(self.env, promise.date),
                channel=sources[promise.source],
                invoices=", ".join(promise.move_ids.mapped("name")),
            )
            promise._post_on_documents(
                (promise.partner_id.commercial_partner_id, *promise.move_ids), body
            )

    @api.model
    def _cron_check_promises(self):
        """Daily: an open promise whose invoices are paid is kept; one whose
        grace period ended with invoices unpaid is broken, and its collector
        gets an activity (the reminders resume at the level reached)."""
        today = fields.Date.context_today(self)
        promises = self.search([("state", "=", "open")])
        kept = promises.filtered(
            lambda p: all(m.payment_state in PAID_STATES for m in p.move_ids)
        )
        kept.write({"state": "kept"})
        broken = (promises - kept).filtered(lambda p: p.hold_until < today)
        broken.write({"state": "broken"})
        for promise in broken:
            user = promise.user_id or promise.partner_id.user_id or self.env.user
            # in the language of the collector who reads it
            env = self.with_context(lang=user.lang or self.env.lang).env
            promise.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=env._("Promise to pay broken"),
                note=env._(
                    "%(customer)s promised to pay %(amount)s by %(date)s and has not "
                    "paid: the reminders start again.",
                    customer=promise.partner_id.display_name,
                    amount=format_amount(env, promise.amount, promise.currency_id),
                    date=format_date(env, promise.date),
                ),
            )
        return True

    @api.model
    def _hold_domain(self, today):
        """Promises that pause the reminders of their invoices on ``today``."""
        return [("state", "=", "open"), ("hold_until", ">=", today)]
