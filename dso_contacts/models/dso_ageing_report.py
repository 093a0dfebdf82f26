# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import SQL, drop_view_if_exists
from odoo.tools.sql import create_index

BUCKET_FIELDS = {
    "0_not_due": "amount_not_due",
    "1_period": "amount_period_1",
    "2_period": "amount_period_2",
    "3_period": "amount_period_3",
    "4_period": "amount_period_4",
    "5_credit": "amount_credit",
}


class DsoAgeingReport(models.Model):
    """Ageing of the open receivables: one row per open receivable journal
    item (posted, not reconciled, a residual), in the company's currency,
    with its bucket by days past due on today (the company's limits) and the
    open credits (negative residuals) in a bucket and a column of their own.

    A SQL view, as Odoo's reports are (``account.invoice.report``): the
    buckets are computed by PostgreSQL, grouped by ``read_group``, never by a
    Python loop over the lines."""

    _name = "dso.ageing.report"
    _description = "Ageing of Open Receivables"
    _auto = False
    _order = "date_maturity, id"
    _rec_name = "move_line_id"

    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    line_partner_id = fields.Many2one(
        "res.partner",
        string="Partner",
        readonly=True,
        help="The journal item's own partner (a contact of the customer at times); "
        "searched with child_of the customer, it uses the index.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        readonly=True,
        help="The customer's salesperson: a customer's open items are followed by one person.",
    )
    date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(string="Days Past Due", readonly=True)
    # a static selection (an export writes its labels; a selection method
    # would be exported as its keys), labelled with the company's limits in
    # the views by fields_get
    bucket = fields.Selection(
        [
            ("0_not_due", "Not due"),
            ("1_period", "Period 1"),
            ("2_period", "Period 2"),
            ("3_period", "Period 3"),
            ("4_period", "Period 4"),
            ("5_credit", "Open credits"),
        ],
        readonly=True,
    )
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)
    amount_due = fields.Monetary(string="Receivable", readonly=True)
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    amount_period_1 = fields.Monetary(string="Period 1", readonly=True)
    amount_period_2 = fields.Monetary(string="Period 2", readonly=True)
    amount_period_3 = fields.Monetary(string="Period 3", readonly=True)
    amount_period_4 = fields.Monetary(string="Period 4", readonly=True)
    amount_credit = fields.Monetary(string="Open Credits", readonly=True)
    disputed = fields.Boolean(readonly=True, help="The invoice has an open dispute.")
    promised = fields.Boolean(
        readonly=True, help="The invoice is under a promise to pay (reminders paused)."
    )
    no_follow_up = fields.Boolean(
        string="No Follow-up",
        readonly=True,
        help="The journal item is out of the reminders (a dispute, or No Follow-up).",
    )

    _depends = {
        "account.move.line": [
            "move_id",
            "company_id",
            "partner_id",
            "account_id",
            "parent_state",
            "reconciled",
            "amount_residual",
            "date",
            "date_maturity",
            "blocked",
        ],
        "res.partner": ["commercial_partner_id", "user_id"],
        "res.company": [
            "currency_id",
            "dso_ageing_limit_1",
            "dso_ageing_limit_2",
            "dso_ageing_limit_3",
        ],
        "dso.invoice.dispute": ["move_id", "state"],
        "dso.payment.promise": ["move_ids", "state", "hold_until"],
    }

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """The buckets and their columns are labelled with the current
        company's limits (1-30 days ...)."""
        result = super().fields_get(allfields=allfields, attributes=attributes)
        return self.env.company._dso_label_bucket_columns(result)

    # ------------------------------------------------------------------
    # The view
    # ------------------------------------------------------------------

    @api.model
    def _open_item_where(self, alias="aml"):
        """The rule of an open receivable item, the one the reminders use for
        unpaid invoices and open credits (``_get_unpaid_domain``,
        ``_get_credit_domain`` of ``dso.reminder.engine``), on every
        receivable line (entries and payments included). Written as the
        partial index ``dso_account_move_line_open_receivable_idx`` is, so
        that PostgreSQL uses it."""
        return SQL(
            "%(a)s.account_id IN (SELECT id FROM account_account "
            "WHERE account_type = 'asset_receivable') AND %(a)s.parent_state = 'posted' "
            "AND %(a)s.reconciled IS NOT TRUE AND %(a)s.amount_residual != 0",
            a=SQL.identifier(alias),
        )

    @api.model
    def _bucket_sql(self, days, residual):
        """The bucket of an item ``days`` past due with ``residual``: SQL."""
        return SQL(
            """CASE WHEN %(residual)s < 0 THEN '5_credit'
                    WHEN %(days)s <= 0 THEN '0_not_due'
                    WHEN %(days)s <= company.dso_ageing_limit_1 THEN '1_period'
                    WHEN %(days)s <= company.dso_ageing_limit_2 THEN '2_period'
                    WHEN %(days)s <= company.dso_ageing_limit_3 THEN '3_period'
                    ELSE '4_period' END""",
            days=days,
            residual=residual,
        )

    @api.model
    def _view_query(self):
        amounts = SQL(", ").join(
            SQL(
                "CASE WHEN b.bucket = %s THEN aml.amount_residual ELSE 0 END AS %s",
                bucket,
                SQL.identifier(name),
            )
            for bucket, name in BUCKET_FIELDS.items()
        )
        return SQL(
            """
            SELECT aml.id AS id,
                   aml.id AS move_line_id,
                   aml.move_id AS move_id,
                   aml.company_id AS company_id,
                   company.currency_id AS currency_id,
                   COALESCE(partner.commercial_partner_id, aml.partner_id) AS partner_id,
                   aml.partner_id AS line_partner_id,
                   partner.user_id AS user_id,
                   aml.date AS date,
                   COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                   CURRENT_DATE - COALESCE(aml.date_maturity, aml.date) AS days_overdue,
                   b.bucket AS bucket,
                   aml.amount_residual AS amount_residual,
                   GREATEST(aml.amount_residual, 0) AS amount_due,
                   %(amounts)s,
                   dispute.move_id IS NOT NULL AS disputed,
                   promise.move_id IS NOT NULL AS promised,
                   COALESCE(aml.blocked, FALSE) AS no_follow_up
              FROM account_move_line aml
              JOIN res_company company ON company.id = aml.company_id
         LEFT JOIN res_partner partner ON partner.id = aml.partner_id
         LEFT JOIN (SELECT DISTINCT move_id FROM dso_invoice_dispute WHERE state = 'open')
                   dispute ON dispute.move_id = aml.move_id
         LEFT JOIN (SELECT DISTINCT rel.move_id
                      FROM dso_payment_promise_account_move_rel rel
                      JOIN dso_payment_promise p ON p.id = rel.promise_id
                     WHERE p.state = 'open' AND p.hold_until >= CURRENT_DATE)
                   promise ON promise.move_id = aml.move_id
        CROSS JOIN LATERAL (SELECT %(bucket)s AS bucket) b
             WHERE %(where)s
            """,
            amounts=amounts,
            bucket=self._bucket_sql(
                SQL("CURRENT_DATE - COALESCE(aml.date_maturity, aml.date)"),
                SQL("aml.amount_residual"),
            ),
            where=self._open_item_where(),
        )

    def init(self):
        # the open receivable items are a small part of the journal items:
        # a partial index on them (the receivable accounts are few) serves
        # the ageing and the customer's figures; account_type is not stored
        # on the journal items in 18.0, hence account_id first
        create_index(
            self.env.cr,
            indexname="dso_account_move_line_open_receivable_idx",
            tablename="account_move_line",
            expressions=["account_id", "partner_id", "date_maturity"],
            where="parent_state = 'posted' AND reconciled IS NOT TRUE "
            "AND amount_residual != 0",
        )
        # the list's order (the view's ``date_maturity, id``) on the same
        # items: the first page of the open items reads 80 entries of it,
        # not every open item sorted
        create_index(
            self.env.cr,
            indexname="dso_account_move_line_open_receivable_due_idx",
            tablename="account_move_line",
            expressions=["(COALESCE(date_maturity, date))", "id"],
            where="parent_state = 'posted' AND reconciled IS NOT TRUE "
            "AND amount_residual != 0",
        )
        # and the credit sales of a period
        create_index(
            self.env.cr,
            indexname="dso_account_move_customer_invoice_date_idx",
            tablename="account_move",
            expressions=["company_id", "invoice_date"],
            where="state = 'posted' AND move_type IN ('out_invoice', 'out_refund')",
        )
        drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._view_query(),
            )
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @api.model
    def _customer_domain(self, customers):
        """The open items of ``customers`` (commercial partners), by the
        journal item's partner: what the index serves."""
        return [("line_partner_id", "child_of", customers.ids)]

    def action_open_move(self):
        self.ensure_one()
        return self.move_id._get_records_action()
