# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict
from datetime import timedelta

from odoo import api, models


class DsoReminderEngine(models.AbstractModel):
    """What is due, to whom: the unpaid invoices that reached a level, less
    those held and the open credits, grouped per customer and currency. The
    engine's first step (see ``dso_reminder_engine.py``)."""

    _inherit = "dso.reminder.engine"

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
        levels = self.env.company._dso_reminder_levels()
        if not levels:
            return None
        domain = [
            *self._get_unpaid_domain(),
            *self.env["account.move"]._dso_reminder_hold_domain(today),
        ]
        if not all_open:
            domain.append(("invoice_date_due", "<=", today - timedelta(days=levels[0].days)))
        return domain

    @api.model
    def _get_unpaid_domain(self):
        """Unpaid posted customer invoices of the company, held or not."""
        return [
            ("company_id", "=", self.env.company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("amount_residual", ">", 0),
        ]

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
            (the net), ``amount_company`` (the net in the company currency),
            ``plan`` (the customer's, see ``_customer_plans``) and ``level``
            (the highest of the plan's levels reached by the oldest invoice's
            days late; empty when none is)
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
        # each customer's plan and its ladder, read once for the batch
        plans = self._customer_plans(customers.browse({row[0].id for row in rows}))
        ladders = {}
        # one query for the due dates and names of the whole batch
        Move.union(*(row[4] for row in rows)).fetch(["invoice_date_due", "name"])
        groups = []
        for partner, currency, amount, amount_company, moves in rows:
            plan = plans[partner.id][0]
            if plan not in ladders:
                ladders[plan] = plan._sorted_levels()
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
                    "plan": plan,
                    "level": ladders[plan]._reached((today - trigger.invoice_date_due).days),
                }
            )
        return groups

    @api.model
    def _customer_plans(self, customers):
        """The reminder plan each of ``customers`` follows in the company, and
        why: {customer id: (plan, reason)}. The plan set on the customer (for
        this company), else the first plan (by sequence) whose rule matches
        it, else the company's default. Plans and customers are read once for
        the whole batch: the one place that says which levels apply."""
        company = self.env.company
        plans = company._dso_reminder_plans()
        default = plans.filtered("is_default")[:1]
        ruled = plans.filtered(
            lambda plan: (
                not plan.is_default
                and (
                    plan.partner_category_ids
                    or plan.payment_term_ids
                    or plan.country_ids
                    or plan.user_ids
                )
            )
        )
        customers = customers.with_company(company)
        # saved customers read in one query (a form's new record reads its cache)
        customers.filtered(lambda customer: isinstance(customer.id, int)).fetch(
            [
                "dso_reminder_plan_id",
                "category_id",
                "country_id",
                "user_id",
                "property_payment_term_id",
            ]
        )
        result = {}
        for customer in customers:
            own = customer.dso_reminder_plan_id
            if own and own.id in plans.ids:
                result[customer.id] = (
                    plans.browse(own.id),
                    self.env._("Set on the customer."),
                )
                continue
            plan = next((plan for plan in ruled if plan._matches(customer)), None)
            if plan:
                result[customer.id] = (plan, plan._match_reason(customer))
            else:
                result[customer.id] = (default, self.env._("The company's default plan."))
            if own and not own.sudo().active:
                # the plan set by hand was archived: say why it is not followed
                result[customer.id] = (
                    result[customer.id][0],
                    self.env._(
                        "The plan set on the customer, %(name)s, is archived. %(reason)s",
                        name=own.sudo().name,
                        reason=result[customer.id][1],
                    ),
                )
        return result

    @api.model
    def _min_amount(self, group):
        """The minimum amount of the automatic reminders of ``group``: its
        plan's, else the company's."""
        return group["plan"].min_amount or self.env.company.dso_reminder_min_amount

    @api.model
    def _already_sent(self, triggers):
        """Highest level days already sent per invoice of ``triggers``, by the
        scheduled action or by hand, whatever the plan of the level: {move
        id: days}. A level's days after the due date is its rank: a customer
        moved to another plan is sent a level of its new plan only when no
        level of the same or more days was sent for that invoice."""
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
