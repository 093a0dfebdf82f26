# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import SQL


class DsoAgeingChange(models.Model):
    """The partners whose open receivables changed since the stored totals
    (``dso.ageing.total``) were computed: the ageing by customer reads them
    live until the next refresh, which empties the log.

    Written by SQL from the journal items' and partners' low-level writes
    (one ``INSERT ... SELECT`` a batch, no read of the lines), so that it
    costs nothing measurable to the reminders or the imports. The partner
    is the one the journal item had (a contact at times): its customer is
    resolved when the log is read; a row without partner stands for the
    items without partner."""

    _name = "dso.ageing.change"
    _description = "Ageing: Changed Customer"
    _log_access = False

    partner_id = fields.Many2one("res.partner", readonly=True, ondelete="cascade")

    @api.model
    def _log_partners(self, partner_ids):
        """Log ``partner_ids`` and their customers as the database holds
        them now (a contact moved from one customer to another leaves both
        to refresh); a partner just created, whose customer is not written
        yet, has no open item: it is not logged."""
        if not partner_ids:
            return
        self.env.cr.execute(
            SQL(
                """INSERT INTO dso_ageing_change (partner_id)
                   SELECT id FROM res_partner
                    WHERE id IN %(ids)s AND commercial_partner_id IS NOT NULL
                    UNION
                   SELECT commercial_partner_id FROM res_partner
                    WHERE id IN %(ids)s AND commercial_partner_id IS NOT NULL""",
                ids=tuple(partner_ids),
            )
        )

    @api.model
    def _log_move_lines(self, line_ids):
        """Log the partners of the receivable journal items ``line_ids``, as
        the database holds them now."""
        if not line_ids:
            return
        self.env.cr.execute(
            SQL(
                """INSERT INTO dso_ageing_change (partner_id)
                   SELECT DISTINCT partner_id FROM account_move_line
                    WHERE id IN %s AND account_id IN (
                        SELECT id FROM account_account
                         WHERE account_type = 'asset_receivable')""",
                tuple(line_ids),
            )
        )

    @api.model
    def _changed_customers_sql(self, change_ids=None):
        """SQL of the customers logged (their commercial partners; 0 for the
        items without partner), by the log rows ``change_ids`` (all)."""
        return SQL(
            """SELECT DISTINCT COALESCE(p.commercial_partner_id, c.partner_id, 0)
                 FROM dso_ageing_change c
            LEFT JOIN res_partner p ON p.id = c.partner_id
                WHERE %s""",
            SQL("c.id IN %s", change_ids) if change_ids else SQL("TRUE"),
        )
