# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The scheduled action moved from the history model to the reminder
    engine; its record is noupdate, so it is moved here."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("dso_contacts.ir_cron_send_reminders", raise_if_not_found=False)
    if cron:
        cron.model_id = env["ir.model"]._get("dso.reminder.engine")
