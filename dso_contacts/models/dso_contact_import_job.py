# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
import time

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.guards import can_commit
from ..tools.import_summary import merge_summary, without_changes
from .dso_contact_import_engine import ENGINES
from .dso_import_mapping import IMPORT_TYPES

_logger = logging.getLogger(__name__)

# a cron run stops taking new batches after this many seconds, reports its
# progress and is called again soon (ir.cron's own time limit is much longer)
CRON_TIME_BUDGET = 120
REJECTED_PART_PREFIX = "dso_import_rejected_part_"


class DsoContactImportJob(models.Model):
    """A large import, run in the background by a scheduled job in batches.

    Each batch is committed with the job's position in the file, so an
    interrupted import resumes at the first batch not committed; the add-only
    rule of the import (a contact already there is skipped) makes a batch
    replayed after a crash harmless.
    """

    _name = "dso.contact.import.job"
    _inherit = ["mail.thread", "dso.contact.import.result"]
    _description = "Background Import of Contacts or Customers"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, default=lambda self: self.env.user
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    import_type = fields.Selection(IMPORT_TYPES, required=True, readonly=True)
    import_file = fields.Binary(string="File", attachment=True, readonly=True)
    import_filename = fields.Char(string="File name", readonly=True)
    encoding = fields.Char(readonly=True)
    delimiter = fields.Char(readonly=True)
    sheet_name = fields.Char(readonly=True)
    column_map = fields.Json(readonly=True)
    skip_invalid = fields.Boolean(readonly=True)
    state = fields.Selection(
        [
            ("queued", "Waiting"),
            ("validating", "Validating"),
            ("running", "Importing"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        tracking=True,
    )
    row_count = fields.Integer(string="Rows", readonly=True)
    done_count = fields.Integer(
        string="Rows processed", readonly=True, help="Position reached in the file."
    )
    progress = fields.Float(compute="_compute_progress")
    # the counts and result_summary (merged batch after batch) are
    # dso.contact.import.result's; the report of a job is kept as an attachment
    report_file = fields.Binary(string="Rejected rows", attachment=True, readonly=True)

    @api.depends("done_count", "row_count")
    def _compute_progress(self):
        for job in self:
            job.progress = 100.0 * job.done_count / job.row_count if job.row_count else 0.0

    @api.depends(
        "state",
        "import_type",
        "result_summary",
        "done_count",
        "created_count",
        "updated_count",
        "skipped_count",
        "error_count",
        "warning_count",
    )
    def _compute_summary_html(self):
        for job in self:
            job.summary_html = self.env["dso.contact.import.engine"]._summary_html(
                job,
                job.done_count,
                test=job.state == "validating",
                running=job.state in ("queued", "running"),
            )

    @api.model
    def _cron_process_jobs(self):
        """Work on the oldest unfinished job for a while, then report progress."""
        started = time.monotonic()
        domain = [("state", "in", ("queued", "validating", "running"))]
        done = 0
        while time.monotonic() - started < CRON_TIME_BUDGET:
            job = self.search(domain, order="id", limit=1)
            if not job:
                break
            done += job._process(started)
        jobs = self.search(domain)
        self.env["ir.cron"]._notify_progress(
            done=done,
            # an unfinished job counts at least one row, even before its
            # rows are counted, so that the scheduler calls again soon
            remaining=sum(max(job.row_count - job.done_count, 1) for job in jobs),
        )

    def _process(self, started):
        """Import the job's next batches until the file's end or the time
        budget; return the number of rows processed. With "Skip invalid rows"
        off, the whole file is tested first (state ``validating``: the real
        writes, rolled back), then imported."""
        self.ensure_one()
        processed = 0
        engine = self._engine()
        try:
            reader, mapping = self._load(engine)
            if self.state == "queued":
                self.write(
                    {
                        "state": "running" if self.skip_invalid else "validating",
                        "row_count": engine._count_rows(reader),
                    }
                )
        except UserError as error:
            _logger.warning("Background import %s failed: %s", self.id, error)
            self._finish(failed_message=str(error.args[0] if error.args else error))
            return processed
        dry_run = self.state == "validating"
        run = engine._new_run(reader, self.import_type, self.skip_invalid)
        base = {
            fname: self[fname]
            for fname in ("created_count", "updated_count", "skipped_count", "error_count")
        }
        base_warnings = self.result_message or ""
        base_warning_count = self.warning_count
        base_summary = self.result_summary

        def on_batch(batch, run):
            nonlocal processed
            processed += len(batch)
            values = {
                "done_count": self.done_count + len(batch),
                "error_count": base["error_count"] + run.rejected,
                "warning_count": base_warning_count + run.warning_count,
                "result_message": "\n".join(filter(None, [base_warnings, *run.warnings])),
                "result_summary": merge_summary(base_summary, run.summary),
            }
            if not dry_run:
                values.update(
                    created_count=base["created_count"] + run.created,
                    updated_count=base["updated_count"] + run.updated,
                    skipped_count=base["skipped_count"] + run.skipped,
                )
            self.write(values)
            self._append_rejected(run.take_rejected())
            self._commit()
            if time.monotonic() - started > CRON_TIME_BUDGET:
                raise _Pause()

        try:
            engine._run(
                run,
                engine._rows(reader),
                mapping,
                dry_run=dry_run,
                start=self.done_count,
                on_batch=on_batch,
            )
        except _Pause:
            return processed
        except UserError as error:
            # a file unreadable halfway, rights withdrawn: the batches before
            # are committed, as the message says
            _logger.warning("Background import %s stopped: %s", self.id, error)
            self.result_summary = merge_summary(base_summary, run.summary)
            self._append_rejected(run.take_rejected())
            self._finish(
                failed_message=self.env._(
                    "The import stopped after %(done)s rows (%(created)s created, "
                    "%(updated)s updated, %(skipped)s skipped as already present), "
                    "which are imported; the rest was not: %(reason)s",
                    done=self.done_count,
                    created=self.created_count,
                    updated=self.updated_count,
                    skipped=self.skipped_count,
                    reason=error.args[0],
                )
                if not dry_run
                else str(error.args[0]),
                run=run,
            )
            return processed
        if run.stop:
            self.error_count = base["error_count"] + run.rejected
            # the refused row's reason; its batch's changes were rolled back
            self.result_summary = merge_summary(base_summary, run.summary)
            self._append_rejected(run.take_rejected())
            self._finish(
                failed_message=engine._stopped_message(
                    run.stop, self.created_count, self.updated_count, self.skipped_count
                ),
                run=run,
            )
            return processed
        if dry_run:
            if self.error_count:
                self._finish(
                    failed_message=engine._invalid_rows_message(self.error_count), run=run
                )
            else:
                # every row is valid: now write them, from the first one
                self.write({"state": "running", "done_count": 0, "warning_count": 0,
                            "result_message": False, "result_summary": False})  # fmt: skip
                self._commit()
            return processed
        self._finish(run=run)
        return processed

    def _load(self, engine):
        """The job's file, read and mapped by the engine."""
        return engine._load(
            self.import_type,
            self.import_file,
            self.import_filename,
            {"encoding": self.encoding, "delimiter": self.delimiter, "sheet": self.sheet_name},
            [(int(index), field) for index, field in (self.column_map or {}).items()],
        )

    def action_import_again(self):
        """Run a failed import again from its first row, as the user who asks:
        the add-only rule skips the rows already imported, so it finishes the
        rest without doubling anything."""
        self.ensure_one()
        if self.state != "failed":
            raise UserError(self.env._("Only a failed import can be run again."))
        # the rights of the user who asks, checked now and again by the
        # engine when the job runs (as that user)
        self.env["dso.contact.import.engine"]._check_rights()
        self.check_access("read")
        # the job's own working state, written as superuser after the checks
        self.sudo()._rejected_parts().unlink()
        self.sudo().write(self._import_again_values())
        self.env.ref("dso_contacts.ir_cron_dso_contact_import").sudo()._trigger()
        return True

    def _import_again_values(self):
        return {
            "state": "queued",
            "user_id": self.env.user.id,
            "row_count": 0,
            **self._progress_reset_values(),
            "report_file": False,
            "report_filename": False,
        }

    @api.model
    def _progress_reset_values(self):
        """The progress and counts of a job that starts from its first row."""
        return {
            "done_count": 0,
            "created_count": 0,
            "updated_count": 0,
            "skipped_count": 0,
            "error_count": 0,
            "warning_count": 0,
            "result_message": False,
            "result_summary": False,
        }

    def _engine(self):
        """The import engine as the job's user, in the job's company: the
        rights of the user who started the import."""
        return (
            self.env[ENGINES[self.import_type]]
            .with_user(self.user_id)
            .with_company(self.company_id)
            .with_context(allowed_company_ids=[self.company_id.id])
        )

    def _rejected_parts(self):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("res_field", "=", False),
                    ("name", "=like", f"{REJECTED_PART_PREFIX}%"),
                ],
                order="id",
            )
        )

    def _append_rejected(self, text, part=None):
        """Keep the rejected rows of a batch: one more part of the report,
        written once (the report grows, it is not rewritten). Parts are read
        in the order of their number ``part`` (by default, the rows done)."""
        if not text:
            return
        number = self.done_count if part is None else part
        # the job's own working file, hidden from the user: written as
        # superuser, after the import's rights were checked by the engine
        self.env["ir.attachment"].sudo().create(
            {
                "name": f"{REJECTED_PART_PREFIX}{number:010d}.csv",
                "res_model": self._name,
                "res_id": self.id,
                "raw": text.encode("utf-8"),
                "mimetype": "text/csv",
            }
        )

    def _finish(self, failed_message=None, run=None):
        values = {"state": "failed" if failed_message else "done"}
        if failed_message:
            values["result_message"] = "\n".join(
                filter(None, [failed_message, self.result_message])
            )
            # said first; a test that failed changed nothing
            summary = (
                without_changes(self.result_summary)
                if self.state == "validating"
                else merge_summary(self.result_summary, None)
            )
            values["result_summary"] = {**summary, "notice": failed_message}
        parts = self._rejected_parts()
        if parts and run:
            values.update(
                self._report_values(
                    run.header_text().encode("utf-8") + b"".join(parts.mapped("raw"))
                )
            )
        self.write(values)
        parts.unlink()
        self._notify_user()
        self._commit()

    def _notify_user(self):
        if self.state == "done":
            body = self.env._(
                "The import of %(file)s is done: %(created)s created, %(updated)s "
                "updated, %(skipped)s skipped (already present), %(rejected)s rejected.",
                file=self.import_filename,
                created=self.created_count,
                updated=self.updated_count,
                skipped=self.skipped_count,
                rejected=self.error_count,
            )
            changed = (self.result_summary or {}).get("collection_count")
            if changed:
                body += " " + self.env._(
                    "%(count)s customers have another contact for collection (see the "
                    "import).",
                    count=changed,
                )
        else:
            body = self.env._(
                "The import of %(file)s failed: %(reason)s",
                file=self.import_filename,
                reason=self.result_message,
            )
        self.message_post(
            body=body,
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
            attachment_ids=[],
        )
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "success" if self.state == "done" else "danger",
                "title": self.env._("Import of contacts"),
                "message": body,
                "sticky": True,
            },
        )

    def _commit(self):
        # A background import must not hold one transaction for its whole
        # length: each batch is committed with the job's position, so that an
        # interruption resumes after the last committed batch. Never in tests.
        if can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit


class _Pause(Exception):
    """The cron run's time budget is spent: stop here, resume next run."""
