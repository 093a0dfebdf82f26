# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tools import SQL

# the indexes the addon creates in ``init()`` on core's tables, on core's
# columns: uninstalling the addon drops its own tables and columns, not
# these (the indexes on the addon's own tables and columns go with them)
CORE_TABLE_INDEXES = (
    "dso_account_move_line_open_receivable_idx",
    "dso_account_move_line_open_receivable_due_idx",
    "dso_account_move_customer_invoice_date_idx",
    "res_partner_dso_name_lower_idx",
    "res_partner_dso_email_lower_idx",
    "res_partner_dso_name_trgm_idx",
    "res_partner_dso_email_trgm_idx",
)


def uninstall_hook(env):
    """Drop the indexes on core's tables, which would slow down every write
    of the journal items and partners for nothing once the addon is gone."""
    for name in CORE_TABLE_INDEXES:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
