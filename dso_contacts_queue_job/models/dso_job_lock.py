# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import SQL


class DsoJobLock(models.Model):
    """One row per customer that a parallel job has worked on: the key of the
    customer, touched by every job that works on it.

    Odoo's transactions are REPEATABLE READ: a job does not see what another
    job committed after its own snapshot was taken, so an advisory lock
    (``pg_advisory_xact_lock``) taken in the middle of a job would let it wait
    for the other job and then not see that job's contacts or reminders. The
    update of the customer's row here does: when another job touched the same
    row and committed after this job's snapshot (or is about to commit), the
    update fails with a serialization error, the job's transaction is rolled
    back and queue_job runs it again a few seconds later, when it sees all
    that the other job did.
    """

    _name = "dso.job.lock"
    _description = "Customer Touched by a Parallel Job"
    _log_access = False

    name = fields.Char(required=True, index=False)

    _sql_constraints = [
        ("name_uniq", "unique (name)", "One row per customer."),
    ]

    @api.model
    def _touch(self, keys):
        """Touch the rows of ``keys`` (created when missing), in a stable order
        so that two jobs touching several of the same keys do not deadlock;
        a serialization error when a concurrent job touched one of them."""
        keys = sorted(set(keys))
        if not keys:
            return
        # one statement for the whole batch, an upsert the ORM has no word for
        self.env.cr.execute(
            SQL(
                "INSERT INTO dso_job_lock (name) SELECT unnest(%s::varchar[]) ORDER BY 1 "
                "ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name",
                keys,
            )
        )
