# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_unique_index

from .dso_ageing_report import BUCKET_FIELDS

_logger = logging.getLogger(__name__)

OVERDUE_BUCKETS = ("1_period", "2_period", "3_period", "4_period")
# the columns of the totals, in the order of the queries below
AMOUNT_FIELDS = (*BUCKET_FIELDS.values(), "amount_residual", "amount_overdue")
# the days after the database's date each refresh stores the totals of
# (0: today, 1: tomorrow)
DAYS_AHEAD = (0, 1)


class DsoAgeingTotal(models.Model):
    """The open receivables per company and customer (the journal item's
    partner's commercial partner) by bucket, as the ageing view ages them on
    the ``date`` they were computed at: what the ageing by customer and the
    Collection dashboard read instead of every open item.

    Filled by set-based SQL (one ``INSERT ... SELECT ... GROUP BY`` over the
    open items, the rule of ``dso.ageing.report``), never by a loop over
    records: in full when the module is installed or updated and when no
    totals are stored for tomorrow, and for the customers of the change log
    (``dso.ageing.change``) by the scheduled action every 10 minutes. Between
    two refreshes ``dso.ageing.customer`` reads the logged customers live, so
    its figures are never stale.

    Each refresh stores two sets of rows: the items aged today and the same
    items aged tomorrow (``DAYS_AHEAD``, one pass over the items). The
    buckets move with the days; computed ahead, the set of the new day is
    there at midnight, and the first user of a day reads it as fast as any
    other (rather than every open item live until the scheduled action's
    first run of the day)."""

    _name = "dso.ageing.total"
    _description = "Ageing: Stored Totals per Customer"
    _log_access = False
    _order = "company_id, partner_id"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, ondelete="cascade"
    )
    date = fields.Date(required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    # the labels of the ageing by customer's columns
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    amount_period_1 = fields.Monetary(string="Period 1", readonly=True)
    amount_period_2 = fields.Monetary(string="Period 2", readonly=True)
    amount_period_3 = fields.Monetary(string="Period 3", readonly=True)
    amount_period_4 = fields.Monetary(string="Period 4", readonly=True)
    amount_credit = fields.Monetary(string="Open Credits", readonly=True)
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    # the customer's open item of the smallest id: the id of its row in the
    # ageing by customer (an int4, as XML-RPC carries; unique, since an item
    # has one company and one customer; the same until that item is settled)
    first_item = fields.Integer(string="Journal Item", readonly=True)

    def init(self):
        # one row per company, customer and day (the items without partner
        # in a row of their own): the refresh deletes and inserts by customer
        self.env.cr.execute(SQL("DROP INDEX IF EXISTS dso_ageing_total_company_partner_uniq"))
        create_unique_index(
            self.env.cr,
            "dso_ageing_total_company_partner_date_uniq",
            self._table,
            ["COALESCE(partner_id, 0)", "company_id", "date"],
        )
        self._refresh(full=True)

    # ------------------------------------------------------------------
    # The query
    # ------------------------------------------------------------------

    @api.model
    def _sums_query(self, where=None, days_ahead=(0,)):
        """SQL: the open amounts per company and customer by bucket on
        today (``CURRENT_DATE``, as the ageing view) and on each day
        ``days_ahead`` after it, of the open items that also match ``where``
        (on ``aml`` and its partner ``partner``); columns company_id,
        partner_id, then ``AMOUNT_FIELDS``, then the smallest id of the items
        (``first_item``), then the day they are aged on (``date``).

        One pass and one group per customer for every day: each day's
        buckets are columns of the same group, turned into a row per day
        afterwards (a group per customer and day cost twice the time)."""
        Report = self.env["dso.ageing.report"]
        buckets, sums, days = [], [], []
        for n, ahead in enumerate(days_ahead):
            bucket = SQL.identifier(f"bucket_{n}")
            buckets.append(
                SQL(
                    "%s AS %s",
                    Report._bucket_sql(
                        SQL(
                            "CURRENT_DATE + %s - COALESCE(aml.date_maturity, aml.date)", ahead
                        ),
                        SQL("aml.amount_residual"),
                    ),
                    bucket,
                )
            )
            columns = []
            for key, name in (*BUCKET_FIELDS.items(), (OVERDUE_BUCKETS, "amount_overdue")):
                column = SQL.identifier(f"{name}_{n}")
                sums.append(
                    SQL(
                        "SUM(CASE WHEN b.%s IN %s THEN aml.amount_residual ELSE 0 END) AS %s",
                        bucket,
                        key if isinstance(key, tuple) else (key,),
                        column,
                    )
                )
                columns.append(SQL("s.%s", column))
            days.append(SQL("((CURRENT_DATE + %s)::date, %s)", ahead, SQL(", ").join(columns)))
        day_columns = SQL(", ").join(
            SQL.identifier(name) for name in (*BUCKET_FIELDS.values(), "amount_overdue")
        )
        return SQL(
            """SELECT s.company_id, s.partner_id, %(bucket_columns)s, s.amount_residual,
                      day.amount_overdue, s.first_item, day.date
                 FROM (
               SELECT aml.company_id AS company_id,
                      COALESCE(partner.commercial_partner_id, aml.partner_id) AS partner_id,
                      SUM(aml.amount_residual) AS amount_residual,
                      MIN(aml.id) AS first_item,
                      %(sums)s
                 FROM account_move_line aml
                 JOIN res_company company ON company.id = aml.company_id
            LEFT JOIN res_partner partner ON partner.id = aml.partner_id
           CROSS JOIN LATERAL (SELECT %(buckets)s) b
                WHERE %(open)s AND %(where)s
             GROUP BY 1, 2
                 ) s
           CROSS JOIN LATERAL (VALUES %(days)s) day(date, %(day_columns)s)""",
            bucket_columns=SQL(", ").join(
                SQL("day.%s", SQL.identifier(name)) for name in BUCKET_FIELDS.values()
            ),
            sums=SQL(", ").join(sums),
            buckets=SQL(", ").join(buckets),
            open=Report._open_item_where(),
            where=where or SQL("TRUE"),
            days=SQL(", ").join(days),
            day_columns=day_columns,
        )

    @api.model
    def _customers_sums_query(self, customers_sql, days_ahead=(0,)):
        """SQL: ``_sums_query`` of the customers ``customers_sql`` returns
        (0 for the items without partner). By the item's partner, without
        OR, so that PostgreSQL reads the items by the open items' partial
        index (account, partner); the items without partner apart, behind a
        filter evaluated once."""
        return SQL(
            """%(of_partners)s
                UNION ALL
               %(without_partner)s""",
            of_partners=self._sums_query(
                SQL(
                    """aml.partner_id IN (SELECT id FROM res_partner
                                          WHERE commercial_partner_id IN (%s))""",
                    customers_sql,
                ),
                days_ahead,
            ),
            without_partner=self._sums_query(
                SQL(
                    "aml.partner_id IS NULL "
                    "AND EXISTS (SELECT FROM (%s) c(id) WHERE c.id = 0)",
                    customers_sql,
                ),
                days_ahead,
            ),
        )

    @api.model
    def _next_day_query(self):
        """SQL: tomorrow's totals from today's stored ones (the columns of
        ``_sums_query``), for the refresh in full. Overnight only the items
        due today or a limit's number of days ago change bucket (credits keep
        theirs): they alone are read, by the index on the due date
        (``dso_account_move_line_open_receivable_due_idx``), and what they
        move from one bucket to the next is added to today's amounts. Aging
        every item again for tomorrow doubled the refresh (bench/README.md);
        ``TestAgeingTotals`` compares the result with the items aged on
        tomorrow."""
        self.env.cr.execute(
            SQL(
                "SELECT id, dso_ageing_limit_1, dso_ageing_limit_2, dso_ageing_limit_3 "
                "FROM res_company"
            )
        )
        due = SQL("COALESCE(aml.date_maturity, aml.date)")
        crossing = SQL(" OR ").join(
            SQL(
                "(aml.company_id = %s AND %s IN (CURRENT_DATE, CURRENT_DATE - %s, "
                "CURRENT_DATE - %s, CURRENT_DATE - %s))",
                company_id,
                due,
                *limits,
            )
            for company_id, *limits in self.env.cr.fetchall()
        )
        moved = [SQL.identifier(name) for name in (*BUCKET_FIELDS.values(), "amount_overdue")]
        buckets = [SQL.identifier(name) for name in BUCKET_FIELDS.values()]
        return SQL(
            """SELECT t.company_id, t.partner_id, %(buckets)s, t.amount_residual,
                      t.amount_overdue + COALESCE(m.amount_overdue, 0), t.first_item,
                      t.date + 1
                 FROM dso_ageing_total t
            LEFT JOIN (SELECT company_id, COALESCE(partner_id, 0) AS partner_id, %(moves)s
                         FROM (%(sums)s) crossing
                     GROUP BY 1, 2) m
                   ON m.company_id = t.company_id
                  AND m.partner_id = COALESCE(t.partner_id, 0)
                WHERE t.date = CURRENT_DATE""",
            buckets=SQL(", ").join(
                SQL("t.%s + COALESCE(m.%s, 0)", name, name) for name in buckets
            ),
            moves=SQL(", ").join(
                SQL("SUM(CASE WHEN date = CURRENT_DATE THEN -%s ELSE %s END) AS %s", n, n, n)
                for n in moved
            ),
            sums=self._sums_query(crossing or SQL("FALSE"), DAYS_AHEAD),
        )

    # ------------------------------------------------------------------
    # The refresh
    # ------------------------------------------------------------------

    @api.model
    def _fresh_sql(self, ahead=0):
        """SQL: whether totals are stored for the database's date plus
        ``ahead`` days (0: today, the day the ageing view ages on)."""
        return SQL(
            "EXISTS (SELECT FROM dso_ageing_total WHERE date = CURRENT_DATE + %s)", ahead
        )

    @api.model
    def _is_fresh(self, ahead=0):
        self.env.cr.execute(SQL("SELECT %s", self._fresh_sql(ahead)))
        return self.env.cr.fetchone()[0]

    @api.model
    def _refresh(self, full=False):
        """Compute the stored totals again (for each of ``DAYS_AHEAD``): all
        of them with ``full`` or when none are stored for the last of those
        days (a new day), else those of the customers logged since. Returns
        the number of customers refreshed (None: all)."""
        for model in ("account.move.line", "res.partner", "res.company", "dso.ageing.change"):
            self.env[model].flush_model()
        cr = self.env.cr
        # the log rows seen now are the ones this refresh covers: a change
        # committed meanwhile by another transaction stays logged
        cr.execute(SQL("SELECT id FROM dso_ageing_change"))
        change_ids = tuple(row[0] for row in cr.fetchall())
        columns = SQL(", ").join(
            SQL.identifier(name)
            for name in ("company_id", "partner_id", *AMOUNT_FIELDS, "first_item", "date")
        )
        table = SQL.identifier(self._table)
        count = None
        if full or not self._is_fresh(DAYS_AHEAD[-1]):
            cr.execute(SQL("DELETE FROM %s", table))
            rows = 0
            # today's from the items, then tomorrow's from today's
            for query in (self._sums_query(), self._next_day_query()):
                cr.execute(
                    SQL("INSERT INTO %s (%s) SELECT * FROM (%s) sums", table, columns, query)
                )
                rows += cr.rowcount
            _logger.info("Ageing totals: %s rows computed in full", rows)
        elif change_ids:
            cr.execute(self.env["dso.ageing.change"]._changed_customers_sql(change_ids))
            customer_ids = tuple(row[0] for row in cr.fetchall())
            count = len(customer_ids)
            cr.execute(
                SQL("DELETE FROM %s WHERE COALESCE(partner_id, 0) IN %s", table, customer_ids)
            )
            cr.execute(
                SQL(
                    "INSERT INTO %s (%s) SELECT * FROM (%s) sums",
                    table,
                    columns,
                    self._customers_sums_query(
                        SQL("SELECT unnest(%s::int[])", list(customer_ids)), DAYS_AHEAD
                    ),
                )
            )
        else:
            count = 0
        if change_ids:
            cr.execute(SQL("DELETE FROM dso_ageing_change WHERE id IN %s", change_ids))
        self.invalidate_model()
        self.env["dso.ageing.change"].invalidate_model()
        return count

    @api.model
    def _cron_refresh(self):
        """The scheduled action: the customers changed since the last run,
        or everything on the first run of a day (tomorrow's totals)."""
        count = self._refresh()
        _logger.info(
            "Ageing totals refreshed: %s",
            "in full" if count is None else f"{count} customers",
        )
