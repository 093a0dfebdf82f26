# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib

from odoo import api, fields, models
from odoo.tools import split_every


class DsoReminderEngine(models.AbstractModel):
    """The scheduled action queues the batches of customers as queue jobs on
    the ``root.dso_contacts.reminder`` channel instead of sending them one
    after another: one job per company, date and batch."""

    _inherit = "dso.reminder.engine"

    @api.model
    def _run_batches(self, work, batch_size, time_budget):
        """Queue the batches of the scheduled action's ``work`` as jobs, one
        per company, date and batch of customers; run them inline (the
        engine's own loop) when jobs are run at once (``queue_job__no_delay``,
        as queue_job's own tests and imports set it)."""
        if self.env.context.get("queue_job__no_delay"):
            return super()._run_batches(work, batch_size, time_budget)
        for engine, today, customers in work:
            company = engine.env.company
            for batch in split_every(batch_size, customers.ids):
                digest = hashlib.sha1(",".join(map(str, batch)).encode()).hexdigest()
                engine.with_delay(
                    identity_key=f"dso_reminder:{company.id}:{today}:{digest}"
                )._queue_process_batch(company.id, list(batch), fields.Date.to_string(today))
        return None

    @api.model
    def _queue_process_batch(self, company_id, customer_ids, today):
        """Send the automatic reminders due to a batch of customers."""
        company = self.env["res.company"].sudo().browse(company_id)
        if not company.dso_reminder_auto or not company._dso_reminder_in_window(
            fields.Datetime.now()
        ):
            # a batch that waited in the queue past the company's sending
            # window: the scheduled action queues it again when the window opens
            return "Nothing sent: outside the company's sending window."
        # as the scheduled action: the company's invoices read as superuser,
        # scoped by the company
        engine = self.sudo().with_company(company)
        # a batch of a later run that shares customers with a batch still
        # running waits for it, then is run again and sees its reminders
        # (the history's trigger_level_uniq is the last guard)
        self.env["dso.job.lock"].sudo()._touch(f"reminder:{cid}" for cid in customer_ids)
        customers = engine.env["res.partner"].browse(customer_ids).exists()
        reminders = engine._process_batch(customers, fields.Date.to_date(today))
        self.env["dso.reminder.dispatch"]._trigger_queues()
        return f"{len(customers)} customers, {len(reminders)} reminders."
