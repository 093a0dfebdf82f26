# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging

from odoo import fields, models

from odoo.addons.dso_contacts.tools.import_summary import without_changes

_logger = logging.getLogger(__name__)


class DsoContactImportChunk(models.Model):
    """A part of a background import, run as a queue job of its own.

    The rows of one customer code are all in the same chunk, in the file's
    order (see ``dso.contact.import.job._queue_split_rows``): the rules an
    import applies across rows (a contact twice in the file, the last contact
    for collection of a customer wins, a customer code twice) see the same
    rows as a run over the whole file, and two chunks of an import never add
    contacts to the same customer.
    """

    _name = "dso.contact.import.chunk"
    _description = "Part of a Background Import"
    _order = "import_job_id, sequence"

    import_job_id = fields.Many2one(
        "dso.contact.import.job", required=True, readonly=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(readonly=True)
    first_line = fields.Integer(readonly=True)
    last_line = fields.Integer(readonly=True)
    row_count = fields.Integer(string="Rows", readonly=True)
    # [[line, cells], ...]: read by the chunk's job only, never prefetched
    rows = fields.Json(string="Row Data", readonly=True, prefetch=False)
    state = fields.Selection(
        [
            ("pending", "Waiting"),
            ("validated", "Validated"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="pending",
        required=True,
        readonly=True,
    )
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    error_count = fields.Integer(string="Rejected", readonly=True)
    warning_count = fields.Integer(string="Warnings", readonly=True)
    warnings = fields.Text(string="Warning Messages", readonly=True)
    # the first reasons of its rejected rows and the contacts it changed
    # (dso_contacts/tools/import_summary.py), merged into the import's
    summary = fields.Json(readonly=True, prefetch=False)
    failure_reason = fields.Text(readonly=True)

    def _queue_run(self, phase):
        """Validate (phase ``validate``) or import (phase ``import``) the rows of
        a part of a background import."""
        self.ensure_one()
        # the import's own working records, written as superuser: the rows
        # are imported with the rights of the import's user (see _engine)
        chunk = self.sudo().with_context(dso_queue_job=True)
        job = chunk.import_job_id
        dry_run = phase == "validate"
        expected = "pending" if dry_run or job.skip_invalid else "validated"
        if chunk.state != expected or job.state not in ("validating", "running"):
            # a job run again (a worker killed after its commit, a retry):
            # its rows were validated or imported once already
            return f"Nothing to do: the part is {chunk.state}, the import {job.state}."
        engine = job._engine()
        mapping = job._queue_mapping(engine)
        rows = [(line, cells) for line, cells in chunk.rows]
        if not dry_run:
            # two imports at once on the same customers: the later one is
            # retried when it would not see the other's contacts
            self.env["dso.job.lock"].sudo()._touch(job._queue_lock_keys(rows, mapping))
        run = engine._new_run(job._queue_reader(), job.import_type, job.skip_invalid)
        # the part is imported whole or not at all: a row refused with "Skip
        # invalid rows" off rolls it back and fails it with the reason; an
        # error fails its queue job (see _queue_failed)
        with self.env.cr.savepoint() as savepoint:
            engine._run(run, rows, mapping, dry_run=dry_run)
            if run.stop:
                savepoint.close(rollback=True)
        if run.stop:
            chunk.write(
                {
                    "state": "failed",
                    "error_count": run.rejected,
                    # rolled back: the reasons, no change
                    "summary": without_changes(run.summary),
                    "failure_reason": self.env._(
                        "line %(line)s was refused: %(reason)s",
                        line=run.stop["line"],
                        reason=run.stop["reason"],
                    ),
                }
            )
        else:
            chunk.write(
                {
                    "state": "validated" if dry_run else "done",
                    "created_count": 0 if dry_run else run.created,
                    "updated_count": 0 if dry_run else run.updated,
                    "skipped_count": 0 if dry_run else run.skipped,
                    "error_count": run.rejected,
                    "warning_count": run.warning_count,
                    "warnings": "\n".join(run.warnings) or False,
                    "summary": run.summary,
                    # imported: the copy of its rows is of no more use
                    **({} if dry_run else {"rows": False}),
                }
            )
        # one part of the report per chunk, numbered so that the report
        # follows the file's order whatever order the chunks end in
        job._append_rejected(run.take_rejected(), part=chunk.sequence)
        job._queue_enqueue_check()
        return (
            f"{len(rows)} rows: {run.created} created, {run.updated} updated, "
            f"{run.skipped} skipped, {run.rejected} rejected"
            + (f"; stopped at line {run.stop['line']}" if run.stop else "")
        )

    def _queue_failed(self, exc_info=None, exc_name=None, exc_message=None):
        """The part's queue job failed for good (queue_job's on_fail_method):
        note why, and let the import finish without it."""
        chunk = self.sudo().with_context(dso_queue_job=True)
        _logger.warning(
            "Background import %s: rows %s to %s failed: %s",
            chunk.import_job_id.id,
            chunk.first_line,
            chunk.last_line,
            exc_message or exc_name,
        )
        chunk.write({"state": "failed", "failure_reason": exc_message or exc_name})
        chunk.import_job_id._queue_enqueue_check()
