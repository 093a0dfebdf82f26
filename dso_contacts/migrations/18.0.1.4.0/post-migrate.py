# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    """The customer's reminder problem is computed from the current data
    (``res.partner.dso_reminder_problem``): its stored column, true only at
    the last send, goes; what stopped a run (a failure) moves to
    ``dso_reminder_error``. A reminder's problem is stored as codes shown in the
    reader's language (``dso.reminder.problem_data``): the texts of the
    reminders sent before are kept as they were written."""
    if column_exists(cr, "res_partner", "dso_reminder_problem"):
        cr.execute(
            SQL(
                """
                UPDATE res_partner
                   SET dso_reminder_error = substr(dso_reminder_problem, %s)
                 WHERE dso_reminder_problem LIKE %s
                """,
                len("The payment reminder failed: ") + 1,
                "The payment reminder failed: %",
            )
        )
        cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN dso_reminder_problem"))
    if column_exists(cr, "dso_reminder", "problem"):
        cr.execute(
            SQL(
                """
                UPDATE dso_reminder
                   SET problem_data = jsonb_build_array(
                           jsonb_build_array('text', jsonb_build_object('text', problem)))
                 WHERE problem IS NOT NULL AND problem_data IS NULL
                """
            )
        )
        cr.execute(SQL("ALTER TABLE dso_reminder DROP COLUMN problem"))
