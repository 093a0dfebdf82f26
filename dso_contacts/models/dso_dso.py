# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .dso_ageing_report import BUCKET_FIELDS

SCOPES = ("company", "customer", "salesperson")
# how far back the countback DSO walks before it gives up
COUNTBACK_MONTHS = 24


class DsoDso(models.AbstractModel):
    """The DSO engine: receivables, credit sales, DSO (standard and
    countback) and the ageing at a date, per company, customer or
    salesperson, each in one SQL aggregate (no Python loop over journal
    items). Read by the customer form, the monthly snapshots and the
    dashboard.

    - Receivables at a date: the sum of the balances of the posted
      receivable journal items dated on or before it (in the company's
      currency): what was owed that evening.
    - Credit sales of a period: the posted customer invoices less the
      posted credit notes (``amount_total_signed``, taxes included as in the
      receivables) whose invoice date is in the period.
    - DSO = receivables / credit sales x days of the period.
    - Countback DSO: from the date, walk back month by month, subtracting
      each month's credit sales from the receivables until they are covered;
      the days walked (the last month prorated) are the DSO.
    """

    _name = "dso.dso"
    _description = "DSO Engine"

    # ------------------------------------------------------------------
    # Rights and keys
    # ------------------------------------------------------------------

    @api.model
    def _check_companies(self, companies):
        """The companies the figures are read for: those asked, which must be
        among the user's selected companies (SQL skips the record rules)."""
        self.env["account.move.line"].check_access("read")
        companies = companies if companies is not None else self.env.companies
        if companies - self.env.companies:
            raise AccessError(
                self.env._(
                    "You may not read the figures of %(companies)s.",
                    companies=", ".join((companies - self.env.companies).mapped("name")),
                )
            )
        return companies

    @api.model
    def _key_sql(self, scope, partner, user_expr):
        """The grouping key of ``scope``: 0 for the company, the commercial
        partner for a customer, the customer's salesperson for a salesperson;
        0 when there is none."""
        if scope not in SCOPES:
            raise UserError(self.env._("Unknown scope %(scope)s.", scope=scope))
        if scope == "company":
            return SQL("0")
        if scope == "customer":
            return SQL("COALESCE(%s, 0)", partner)
        return SQL("COALESCE(%s, 0)", user_expr)

    @api.model
    def _line_key(self, scope):
        return self._key_sql(
            scope,
            SQL("COALESCE(partner.commercial_partner_id, aml.partner_id)"),
            SQL("partner.user_id"),
        )

    @api.model
    def _line_from(self, companies, partner_ids, joins=None):
        where = SQL(
            "aml.account_id IN (SELECT id FROM account_account "
            "WHERE account_type = 'asset_receivable') AND aml.parent_state = 'posted' "
            "AND aml.company_id IN %s",
            tuple(companies.ids),
        )
        where = self._of_customers(where, SQL("aml.partner_id"), partner_ids)
        return SQL(
            """account_move_line aml
          LEFT JOIN res_partner partner ON partner.id = aml.partner_id
               JOIN res_company company ON company.id = aml.company_id
                    %s
              WHERE %s""",
            joins or SQL(""),
            where,
        )

    @api.model
    def _of_customers(self, where, partner_column, partner_ids):
        """``where``, and ``partner_column`` a partner of the commercial
        entities ``partner_ids`` (None: of every customer)."""
        if partner_ids is None:
            return where
        return SQL(
            "%s AND %s IN (SELECT id FROM res_partner WHERE commercial_partner_id IN %s)",
            where,
            partner_column,
            tuple(partner_ids) or (0,),
        )

    @api.model
    def _sales_sql(self, scope, companies, partner_ids, date_from, date_to, key_extra=None):
        key = self._key_sql(
            scope,
            SQL("m.commercial_partner_id"),
            SQL("cp.user_id"),
        )
        where = SQL(
            "m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') "
            "AND m.company_id IN %s AND m.invoice_date >= %s AND m.invoice_date <= %s",
            tuple(companies.ids),
            date_from,
            date_to,
        )
        # by the invoice's partner: account_move has an index on it
        where = self._of_customers(where, SQL("m.partner_id"), partner_ids)
        extra = key_extra or SQL("0")
        return SQL(
            """SELECT m.company_id AS company_id, %(key)s AS key_id, %(extra)s AS extra,
                      SUM(m.amount_total_signed) AS amount
                 FROM account_move m
            LEFT JOIN res_partner cp ON cp.id = m.commercial_partner_id
                WHERE %(where)s
             GROUP BY 1, 2, 3""",
            key=key,
            extra=extra,
            where=where,
        )

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    @api.model
    def _receivables(self, date, scope="company", companies=None, partner_ids=None):
        """{(company id, key): receivables at ``date``}."""
        companies = self._check_companies(companies)
        self.env["account.move.line"].flush_model()
        if scope == "company" and partner_ids is None and self._is_database_today(date):
            return self._receivables_today(date, companies)
        self.env.cr.execute(
            SQL(
                """SELECT aml.company_id, %s, SUM(aml.balance)
                     FROM %s AND aml.date <= %s
                 GROUP BY 1, 2""",
                self._line_key(scope),
                self._line_from(companies, partner_ids),
                date,
            )
        )
        return {(company, key): amount for company, key, amount in self.env.cr.fetchall()}

    @api.model
    def _is_database_today(self, date):
        """Whether ``date`` is the database's date, the one the stored
        ageing totals age on."""
        self.env.cr.execute(SQL("SELECT CURRENT_DATE = %s", date))
        return self.env.cr.fetchone()[0]

    @api.model
    def _receivables_today(self, date, companies):
        """{(company id, 0): receivables at ``date``, today}: the open
        residuals of the ageing by customer (stored totals, about a row per
        customer) less the balance of the receivable items dated after
        ``date``, instead of the balance of every receivable item ever
        posted. The same amount: a reconciliation takes the same amount off
        a debit and a credit item of one receivable account, so the
        residuals of a company's posted receivable items sum to their
        balances (``TestCockpitFigures`` compares both with the journal
        items)."""
        self.env["dso.ageing.change"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT company_id, 0, SUM(amount) FROM (
                       SELECT company_id, amount_residual AS amount
                         FROM %(ageing)s ageing WHERE company_id IN %(companies)s
                        UNION ALL
                       SELECT aml.company_id, -aml.balance
                         FROM %(line_from)s AND aml.date > %(date)s
                   ) amounts
                   GROUP BY 1""",
                ageing=self.env["dso.ageing.customer"]._table_sql,
                companies=tuple(companies.ids),
                line_from=self._line_from(companies, None),
                date=date,
            )
        )
        return {(company, key): amount for company, key, amount in self.env.cr.fetchall()}

    @api.model
    def _credit_sales(
        self, date_from, date_to, scope="company", companies=None, partner_ids=None
    ):
        """{(company id, key): credit sales from ``date_from`` to ``date_to``}."""
        companies = self._check_companies(companies)
        self.env["account.move"].flush_model()
        self.env.cr.execute(self._sales_sql(scope, companies, partner_ids, date_from, date_to))
        return {(company, key): amount for company, key, _x, amount in self.env.cr.fetchall()}

    @api.model
    def _countback(
        self, date, scope="company", companies=None, partner_ids=None, receivables=None
    ):
        """{(company id, key): countback DSO at ``date``}; a key whose
        receivables the credit sales of ``COUNTBACK_MONTHS`` months do not
        cover has none, a key that is owed nothing has 0. ``receivables``:
        those of ``_receivables`` at ``date``, when the caller has them."""
        companies = self._check_companies(companies)
        self.env["account.move.line"].flush_model()
        if receivables is None:
            receivables = self._receivables(date, scope, companies, partner_ids)
        if not receivables:
            return {}
        first = date.replace(day=1)
        start = (first - timedelta(days=1)).replace(day=1)
        for _month in range(COUNTBACK_MONTHS - 2):
            start = (start - timedelta(days=1)).replace(day=1)
        month_back = SQL(
            "((EXTRACT(YEAR FROM %(d)s::date) * 12 + EXTRACT(MONTH FROM %(d)s::date)) "
            "- (EXTRACT(YEAR FROM m.invoice_date) * 12 "
            "+ EXTRACT(MONTH FROM m.invoice_date)))::int",
            d=date,
        )
        self.env.cr.execute(
            SQL(
                """
            WITH rec AS (
                SELECT * FROM (VALUES %(receivables)s) r(company_id, key_id, amount)
            ), sales AS (%(sales)s),
            cum AS (
                SELECT s.company_id, s.key_id, s.extra AS k, s.amount,
                       SUM(s.amount) OVER (
                           PARTITION BY s.company_id, s.key_id ORDER BY s.extra
                       ) AS cum
                  FROM sales s
            ), hit AS (
                SELECT DISTINCT ON (c.company_id, c.key_id)
                       c.company_id, c.key_id, c.k, c.amount, c.cum, r.amount AS rec
                  FROM cum c
                  JOIN rec r ON r.company_id = c.company_id AND r.key_id = c.key_id
                 WHERE r.amount > 0 AND c.cum >= r.amount AND c.amount > 0
              ORDER BY c.company_id, c.key_id, c.k
            )
            SELECT company_id, key_id,
                   CASE WHEN k = 0 THEN 0
                        ELSE %(date)s::date
                             - (%(first)s::date - make_interval(months => k - 1))::date + 1
                   END
                   + (rec - (cum - amount)) / amount
                   * CASE WHEN k = 0 THEN %(date)s::date - %(first)s::date + 1
                          ELSE (%(first)s::date - make_interval(months => k - 1))::date
                               - (%(first)s::date - make_interval(months => k))::date
                     END
              FROM hit
            UNION ALL
            SELECT company_id, key_id, 0 FROM rec WHERE amount <= 0
                """,
                receivables=SQL(", ").join(
                    SQL("(%s, %s, %s::numeric)", company, key, amount)
                    for (company, key), amount in receivables.items()
                ),
                date=date,
                first=first,
                sales=self._sales_sql(
                    scope, companies, partner_ids, start, date, key_extra=month_back
                ),
            )
        )
        return {(company, key): float(days) for company, key, days in self.env.cr.fetchall()}

    @api.model
    def _ageing_at(self, date, scope="company", companies=None, partner_ids=None):
        """{(company id, key): {bucket field: amount}}: the ageing as it was
        on ``date``, each item's residual then being its balance less the
        reconciliations dated on or before ``date`` (``max_date`` of the
        partial reconciliation), aged on ``date`` with the company's
        limits."""
        companies = self._check_companies(companies)
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        Report = self.env["dso.ageing.report"]
        # the reconciliations are summed per journal item once (hash joins),
        # not per item
        self.env.cr.execute(
            SQL(
                """
            WITH debit AS (
                SELECT debit_move_id AS id, SUM(amount) AS amount
                  FROM account_partial_reconcile WHERE max_date <= %(date)s GROUP BY 1
            ), credit AS (
                SELECT credit_move_id AS id, SUM(amount) AS amount
                  FROM account_partial_reconcile WHERE max_date <= %(date)s GROUP BY 1
            ), later AS (
                SELECT debit_move_id AS id FROM account_partial_reconcile
                 WHERE max_date > %(date)s
                 UNION
                SELECT credit_move_id FROM account_partial_reconcile
                 WHERE max_date > %(date)s
            )
            SELECT company_id, key_id, bucket, SUM(residual)
              FROM (
                SELECT aml.company_id AS company_id, %(key)s AS key_id,
                       %(bucket)s AS bucket, r.residual AS residual
                  FROM %(line_from)s AND aml.date <= %(date)s
                   AND (aml.reconciled IS NOT TRUE OR aml.id IN (SELECT id FROM later))
              ) items
             WHERE residual != 0
          GROUP BY 1, 2, 3
                """,
                key=self._line_key(scope),
                bucket=Report._bucket_sql(
                    SQL("%s::date - COALESCE(aml.date_maturity, aml.date)", date),
                    SQL("r.residual"),
                ),
                line_from=self._line_from(
                    companies,
                    partner_ids,
                    joins=SQL(
                        """LEFT JOIN debit ON debit.id = aml.id
                           LEFT JOIN credit ON credit.id = aml.id
                          CROSS JOIN LATERAL (
                             SELECT aml.balance - COALESCE(debit.amount, 0)
                                    + COALESCE(credit.amount, 0) AS residual
                          ) r"""
                    ),
                ),
                date=date,
            )
        )
        ageing = {}
        for company, key, bucket, amount in self.env.cr.fetchall():
            ageing.setdefault((company, key), dict.fromkeys(BUCKET_FIELDS.values(), 0.0))
            ageing[company, key][BUCKET_FIELDS[bucket]] = amount
        return ageing

    @api.model
    def _figures(
        self, date, days, scope="company", companies=None, partner_ids=None, ageing=False
    ):
        """Every figure at ``date`` with credit sales over ``days`` days:
        {(company id, key): {"receivables", "credit_sales", "dso",
        "countback_dso"} (and the bucket amounts with ``ageing``)}. ``dso``
        is None where there was no credit sale."""
        companies = self._check_companies(companies)
        args = (scope, companies, partner_ids)
        receivables = self._receivables(date, *args)
        sales = self._credit_sales(date - timedelta(days=days - 1), date, *args)
        countback = self._countback(date, *args, receivables=receivables)
        buckets = self._ageing_at(date, *args) if ageing else {}
        figures = {}
        for key in set(receivables) | set(sales):
            rec = receivables.get(key, 0.0)
            sold = sales.get(key, 0.0)
            figures[key] = {
                "receivables": rec,
                "credit_sales": sold,
                "dso": rec / sold * days if sold > 0 else None,
                "countback_dso": countback.get(key),
            }
            if ageing:
                figures[key].update(
                    buckets.get(key, dict.fromkeys(BUCKET_FIELDS.values(), 0.0))
                )
        return figures

    @api.model
    def get_company_dso(self, days=90, date=None):
        """The DSO of each selected company at ``date`` (today): for the
        dashboard and integrations. [{company_id, receivables,
        credit_sales, dso, countback_dso}]"""
        if days not in (30, 90, 365):
            raise UserError(self.env._("The DSO period is 30, 90 or 365 days."))
        date = fields.Date.to_date(date) or self.env.company._dso_reminder_today()
        figures = self._figures(date, days)
        return [
            {"company_id": company, **values}
            for (company, _key), values in sorted(figures.items())
        ]
