# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import SQL, drop_view_if_exists

from .dso_ageing_total import AMOUNT_FIELDS


class DsoAgeingCustomer(models.Model):
    """The ageing by customer: one row per company and customer with its
    open receivables by bucket, as ``dso.ageing.report`` ages them today.

    A query over the stored totals (``dso.ageing.total``, about one row
    per customer) for the customers not changed since they were computed,
    and the live sums of the open items for the customers of the change log
    (every customer when no totals are stored for today): its figures are
    those of the open items at every moment, read from ~100,000 rows rather
    than 1,000,000."""

    _name = "dso.ageing.customer"
    _description = "Ageing by Customer"
    _auto = False
    _order = "amount_overdue desc, amount_residual desc, id"
    _rec_name = "partner_id"

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        readonly=True,
        help="The customer's salesperson.",
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    amount_period_1 = fields.Monetary(string="Period 1", readonly=True)
    amount_period_2 = fields.Monetary(string="Period 2", readonly=True)
    amount_period_3 = fields.Monetary(string="Period 3", readonly=True)
    amount_period_4 = fields.Monetary(string="Period 4", readonly=True)
    amount_credit = fields.Monetary(string="Open Credits", readonly=True)
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)

    _depends = {
        "account.move.line": [
            "company_id",
            "partner_id",
            "account_id",
            "parent_state",
            "reconciled",
            "amount_residual",
            "date",
            "date_maturity",
        ],
        "res.partner": ["commercial_partner_id", "user_id"],
        "res.company": [
            "currency_id",
            "dso_ageing_limit_1",
            "dso_ageing_limit_2",
            "dso_ageing_limit_3",
        ],
        "dso.ageing.total": ["company_id", "partner_id", "date", "first_item", *AMOUNT_FIELDS],
        "dso.ageing.change": ["partner_id"],
    }

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """The bucket columns are labelled with the current company's limits,
        as in the ageing of the open items."""
        result = super().fields_get(allfields=allfields, attributes=attributes)
        return self.env.company._dso_label_bucket_columns(result)

    # ------------------------------------------------------------------
    # The query
    # ------------------------------------------------------------------

    @property
    def _table_query(self):
        """The rows, as a query (``account.invoice.report``'s way) rather than
        a SQL view: whether today's totals are stored is asked first, and the
        query holds only the branch that runs. A view held both behind
        one-time filters; PostgreSQL costs every branch, and the one never
        run (every open item aged) pushed the plan over ``jit_above_cost``:
        100 ms of JIT compilation on each opening at 1,000,000 items
        (bench/README.md)."""
        Total = self.env["dso.ageing.total"]
        self.env.cr.execute(SQL("SELECT %s", Total._fresh_sql()))
        columns = SQL(", ").join(
            SQL.identifier(name) for name in ("company_id", "partner_id", *AMOUNT_FIELDS)
        )
        if self.env.cr.fetchone()[0]:
            # the stored totals, and the changed customers' items read live
            # (by the open items' index)
            rows = SQL(
                """
                WITH changed AS MATERIALIZED (%(changed)s)
                SELECT %(columns)s, first_item
                  FROM dso_ageing_total
                 WHERE date = CURRENT_DATE
                   AND COALESCE(partner_id, 0) NOT IN (SELECT * FROM changed)
                 UNION ALL
                SELECT %(columns)s, first_item
                  FROM (%(changed_sums)s) changed_sums""",
                changed=self.env["dso.ageing.change"]._changed_customers_sql(),
                columns=columns,
                changed_sums=Total._customers_sums_query(SQL("SELECT * FROM changed")),
            )
        else:
            # nothing stored for today: every open item
            rows = SQL(
                "SELECT %s, first_item FROM (%s) all_sums", columns, Total._sums_query()
            )
        return SQL(
            """
            SELECT rows.first_item AS id,
                   rows.company_id,
                   rows.partner_id,
                   customer.user_id,
                   company.currency_id,
                   %(amounts)s
              FROM (%(rows)s) rows
              JOIN res_company company ON company.id = rows.company_id
         LEFT JOIN res_partner customer ON customer.id = rows.partner_id
            """,
            amounts=SQL(", ").join(
                SQL("rows.%s", SQL.identifier(name)) for name in AMOUNT_FIELDS
            ),
            rows=rows,
        )

    def init(self):
        # the SQL view of 18.0.1.7.0, now a query (_table_query)
        drop_view_if_exists(self.env.cr, self._table)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_items(self):
        """The customer's open items in the ageing of the open items."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_ageing_report_action"
        )
        Report = self.env["dso.ageing.report"]
        domain = [("company_id", "=", self.company_id.id)]
        if self.partner_id:
            domain += Report._customer_domain(self.partner_id)
        else:
            domain.append(("line_partner_id", "=", False))
        action.update(
            {
                "name": self.env._(
                    "Open items of %(customer)s", customer=self.partner_id.display_name
                )
                if self.partner_id
                else self.env._("Open items"),
                "domain": domain,
                "context": {},
            }
        )
        return action
