# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, models
from odoo.tools import format_amount, format_date


class DsoReminderEngine(models.AbstractModel):
    """Why nothing is due to a customer: the invoices held out, the lowest
    level not reached, the open credits, the exclusion, the minimum amount;
    read by the same rules as what is due (dso_reminder_due.py), for the
    manual send's refusal and its wizard."""

    _inherit = "dso.reminder.engine"

    @api.model
    def _hold_reasons(self, customers, today, automatic=False):
        """Why no reminder is due to each of ``customers`` that has none on
        ``today``: {customer: [texts]}, read by the same rules as
        ``_due_groups`` (the invoices held out, the lowest level's delay, the
        open credits; with ``automatic``, also the exclusion and the
        company's minimum amount). Customers with something due are left out.
        """
        company = self.env.company
        groups = self._due_groups(customers, today, automatic=automatic)
        below = {}
        if automatic:
            below = {
                group["partner"]: self._min_amount(group)
                for group in groups
                if group["level"]
                and company.currency_id.compare_amounts(
                    group["amount_company"], self._min_amount(group)
                )
                < 0
            }
            groups = [group for group in groups if group["partner"] not in below]
        # a group without level: its plan's first level is not reached yet
        due = {group["partner"] for group in groups if group["level"]}
        held = customers.filtered(lambda customer: customer not in due)
        if not held:
            return {}
        levels = company._dso_reminder_levels()
        if not levels:
            return {
                customer: [
                    self.env._(
                        "%(company)s has no reminder level.", company=company.display_name
                    )
                ]
                for customer in held
            }
        Move = self.env["account.move"]
        moves = Move.search(
            [*self._get_unpaid_domain(), ("commercial_partner_id", "in", held.ids)],
            order="invoice_date_due, id",
        )
        not_held = Move.search(
            [("id", "in", moves.ids), *Move._dso_reminder_hold_domain(today)]
        )
        by_customer = moves.grouped("commercial_partner_id")
        plans = self._customer_plans(held)
        reasons = {}
        for customer in held:
            texts = reasons[customer] = []
            plan = plans[customer.id][0]
            first = plan._sorted_levels()[:1]
            if not first:
                texts.append(
                    self.env._(
                        "The reminder plan %(plan)s has no level: it sends nothing.",
                        plan=plan.name or self.env._("(none)"),
                    )
                )
                continue
            if automatic and not customer.filtered_domain(
                self._get_not_excluded_domain(today)
            ):
                texts.append(self._excluded_text(customer))
            customer_moves = by_customer.get(customer, Move)
            if not customer_moves:
                texts.append(self.env._("No unpaid invoice."))
                continue
            for move in customer_moves - not_held:
                texts.extend(self._held_texts(move, today))
            late = customer_moves & not_held
            for move in late.filtered(
                lambda m, first=first: (today - m.invoice_date_due).days < first.days
            ):
                texts.append(self._not_reached_text(move, first))
            if customer in below:
                texts.append(
                    self.env._(
                        "What is due is below the minimum amount of the automatic "
                        "reminders (%(amount)s).",
                        amount=format_amount(self.env, below[customer], company.currency_id),
                    )
                )
            elif late.filtered(
                lambda m, first=first: (today - m.invoice_date_due).days >= first.days
            ):
                texts.append(
                    self.env._(
                        "The open credits (credit notes, payments not yet matched) cover "
                        "what is due."
                    )
                )
        return reasons

    @api.model
    def _held_texts(self, move, today):
        """Why ``move`` is held out of the reminders on ``today``."""
        texts = []
        blocked = move.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and line.blocked
        )
        if blocked and move.dso_dispute_ids.filtered(lambda d: d.state == "open"):
            texts.append(self.env._("%(invoice)s is disputed.", invoice=move.name))
        elif blocked:
            texts.append(self.env._("%(invoice)s is marked No Follow-up.", invoice=move.name))
        if move.payment_state == "blocked":
            texts.append(
                self.env._("The payment of %(invoice)s is blocked.", invoice=move.name)
            )
        Promise = self.env["dso.payment.promise"]
        for promise in move.dso_promise_ids.filtered_domain(Promise._hold_domain(today)):
            texts.append(
                self.env._(
                    "%(invoice)s is promised until %(date)s (no reminder before %(until)s).",
                    invoice=move.name,
                    date=format_date(self.env, promise.date),
                    until=format_date(self.env, promise.hold_until + timedelta(days=1)),
                )
            )
        return texts

    @api.model
    def _not_reached_text(self, move, level):
        """``move`` has not reached ``level`` (the lowest) yet."""
        values = {
            "invoice": move.name,
            "date": format_date(self.env, move.invoice_date_due),
            "level": level.name,
            "days": abs(level.days),
        }
        if level.days < 0:
            return self.env._(
                "%(invoice)s is due on %(date)s: below the delay of level %(level)s "
                "(%(days)s days before the due date).",
                **values,
            )
        return self.env._(
            "%(invoice)s is due on %(date)s: below the delay of level %(level)s "
            "(%(days)s days after the due date).",
            **values,
        )

    @api.model
    def _excluded_text(self, customer):
        if customer.dso_reminder_exclude_until:
            return self.env._(
                "Excluded from the automatic reminders until %(date)s.",
                date=format_date(self.env, customer.dso_reminder_exclude_until),
            )
        return self.env._("Excluded from the automatic reminders.")
