# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from types import SimpleNamespace

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.translate import LazyGettext

from odoo.addons.dso_contacts.tools.import_report import MAX_LISTED_WARNINGS
from odoo.addons.dso_contacts.tools.import_summary import merge_summary

_logger = logging.getLogger(__name__)

PARAM_CHUNK_ROWS = "dso_contacts_queue_job.import_chunk_rows"
DEFAULT_CHUNK_ROWS = 5000
# the column that names the customer of a row, per kind of import
CUSTOMER_FIELDS = {"contacts": "customer_ref", "customers": "ref"}


class DsoContactImportJob(models.Model):
    """A background import split into chunks of rows, each a queue job.

    The scheduled action no longer imports the file itself: it queues the
    split (``_queue_split``), which reads the file once and queues one job
    per chunk on the ``root.dso_contacts.import`` channel. Each chunk that
    ends queues a check (``_queue_check``) that adds the chunks' counts to
    the import and, once every chunk is done, finishes it as the scheduled
    action did (report of the rejected rows, notification). With "Skip
    invalid rows" off, every chunk is validated first (nothing written), and
    the chunks are imported only when no row is invalid.
    """

    _inherit = "dso.contact.import.job"

    chunk_ids = fields.One2many("dso.contact.import.chunk", "import_job_id", readonly=True)
    queue_header = fields.Json(readonly=True)
    queue_delimiter = fields.Char(readonly=True)

    @api.model
    def _cron_process_jobs(self):
        """Queue the split of every background import not yet split (the
        chunks' own jobs do the rest)."""
        jobs = self.sudo().search(
            [("state", "in", ("queued", "validating", "running")), ("chunk_ids", "=", False)],
            order="id",
        )
        for job in jobs:
            job.with_delay(identity_key=f"dso_contact_import_split:{job.id}")._queue_split()

    def _commit(self):
        # a queue job is one transaction, committed by queue_job with the
        # job's state (a kill in the middle rolls all of it back)
        if self.env.context.get("dso_queue_job"):
            return
        super()._commit()

    def action_import_again(self):
        # the import is split again, from its first row
        self.sudo().chunk_ids.unlink()
        return super().action_import_again()

    def _rejected_parts(self):
        # the chunks' parts in the order of the file, whatever order they ended in
        return super()._rejected_parts().sorted("name")

    # ------------------------------------------------------------------
    # Split
    # ------------------------------------------------------------------

    def _queue_split(self):
        """Split a background import into chunks of rows and queue them."""
        self.ensure_one()
        job = self.sudo().with_context(dso_queue_job=True)
        job._queue_lock()
        if job.chunk_ids or job.state not in ("queued", "validating", "running"):
            return f"Nothing to do: the import is {job.state}."
        engine = job._engine()
        try:
            engine._check_rights()
            reader, mapping = job._load(engine)
            chunks = job._queue_split_rows(engine._rows(reader), mapping)
        except UserError as error:
            _logger.warning("Background import %s failed: %s", job.id, error)
            job._finish(failed_message=str(error.args[0] if error.args else error))
            return f"Failed: {error}"
        # an import that the scheduled action had started before this addon
        # was installed starts again from its first row (the add-only rule
        # skips what it had imported)
        job._rejected_parts().unlink()
        job.write(
            {
                "state": "running" if job.skip_invalid else "validating",
                "row_count": sum(len(rows) for rows in chunks),
                **job._progress_reset_values(),
                "queue_header": reader.header,
                "queue_delimiter": reader.delimiter if reader.kind == "csv" else ",",
            }
        )
        self.env["dso.contact.import.chunk"].sudo().create(
            [
                {
                    "import_job_id": job.id,
                    "sequence": sequence,
                    "first_line": rows[0][0],
                    "last_line": rows[-1][0],
                    "row_count": len(rows),
                    "rows": rows,
                }
                for sequence, rows in enumerate(chunks, 1)
                if rows
            ]
        )
        job._queue_enqueue_chunks("import" if job.skip_invalid else "validate")
        return f"{job.row_count} rows in {len(job.chunk_ids)} chunks."

    def _queue_split_failed(self, exc_info=None, exc_name=None, exc_message=None):
        """The split failed for good (queue_job's on_fail_method)."""
        self.sudo().with_context(dso_queue_job=True)._finish(
            failed_message=exc_message or exc_name
        )

    def _queue_chunk_rows(self):
        return self.env["dso.contact.import.engine"]._param_number(
            PARAM_CHUNK_ROWS, DEFAULT_CHUNK_ROWS, int
        )

    def _queue_split_rows(self, rows, mapping):
        """The file's ``rows`` (``(line, cells)``) in chunks of about the
        configured size: the rows of one customer code all in one chunk,
        wherever they are in the file, the customers in the order of their
        first row, each chunk's rows in the file's order:
        ``[[(line, cells), ...], ...]``."""
        size = max(self._queue_chunk_rows(), 1)
        index = mapping.get(CUSTOMER_FIELDS[self.import_type])
        groups = {}
        for line, cells in rows:
            key = cells[index] if index is not None and index < len(cells) else ""
            # a row without customer code is rejected: a group of its own
            groups.setdefault(key or ("", line), []).append((line, cells))
        chunks, current = [], []
        for group in groups.values():
            if current and len(current) + len(group) > size:
                chunks.append(current)
                current = []
            current.extend(group)
        if current:
            chunks.append(current)
        return [sorted(chunk, key=lambda row: row[0]) for chunk in chunks]

    def _queue_enqueue_chunks(self, phase):
        for chunk in self.chunk_ids:
            chunk.with_delay(
                identity_key=f"dso_contact_import_chunk:{chunk.id}:{phase}"
            )._queue_run(phase)

    # ------------------------------------------------------------------
    # What the chunks share
    # ------------------------------------------------------------------

    def _queue_reader(self):
        """What a run needs of the file (its header and the report's
        delimiter), without reading the file again."""
        return SimpleNamespace(
            header=self.queue_header or [], delimiter=self.queue_delimiter, kind="csv"
        )

    def _queue_mapping(self, engine):
        return engine._check_mapping(
            self.import_type,
            [(int(index), field) for index, field in (self.column_map or {}).items()],
            self.queue_header,
        )

    def _queue_lock_keys(self, rows, mapping):
        """The keys of the customers of ``rows`` in ``dso.job.lock``."""
        index = mapping.get(CUSTOMER_FIELDS[self.import_type])
        if index is None:
            return []
        return [
            f"import:{self.company_id.id}:{cells[index]}"
            for _line, cells in rows
            if index < len(cells) and cells[index]
        ]

    def _queue_lock(self):
        # one check at a time changes the import: a concurrent one waits, then
        # fails to serialize and queue_job runs it again
        self.env.cr.execute(
            SQL(
                "SELECT id FROM dso_contact_import_job WHERE id = %s FOR NO KEY UPDATE",
                self.id,
            )
        )

    # ------------------------------------------------------------------
    # Progress and end
    # ------------------------------------------------------------------

    def _queue_enqueue_check(self):
        # queued by each chunk that ends, run after its commit: the check of
        # the last chunk sees every chunk ended (no identity key: a check
        # already started may not see the chunk that queues this one), before
        # the chunks still waiting, so that the progress shows as they end
        self.with_delay(priority=5, max_retries=0)._queue_check()

    def _queue_check(self):
        """Add up the chunks of a background import; finish it when they are
        all done."""
        self.ensure_one()
        job = self.sudo().with_context(dso_queue_job=True)
        job._queue_lock()
        if job.state not in ("validating", "running"):
            return f"Nothing to do: the import is {job.state}."
        Chunk = self.env["dso.contact.import.chunk"].sudo()
        totals = {
            state: {"rows": rows, "created": c, "updated": u, "skipped": s, "errors": e}
            for state, rows, c, u, s, e in Chunk._read_group(
                [("import_job_id", "=", job.id)],
                ["state"],
                [
                    "row_count:sum",
                    "created_count:sum",
                    "updated_count:sum",
                    "skipped_count:sum",
                    "error_count:sum",
                ],
            )
        }
        validating = job.state == "validating"
        ended = ("validated", "failed") if validating else ("done", "failed")
        chunks = Chunk.search_fetch(
            [("import_job_id", "=", job.id), ("state", "in", ended)],
            ["sequence", "first_line", "last_line", "state", "warnings", "warning_count"],
            order="sequence",
        )
        summary = None
        for chunk in chunks:
            summary = merge_summary(summary, chunk.summary)
        warnings = [line for chunk in chunks for line in (chunk.warnings or "").splitlines()]
        values = {
            "done_count": sum(totals.get(state, {}).get("rows", 0) for state in ended),
            "error_count": sum(totals.get(state, {}).get("errors", 0) for state in ended),
            "warning_count": sum(chunks.mapped("warning_count")),
            "result_message": "\n".join(warnings[:MAX_LISTED_WARNINGS]) or False,
            "result_summary": summary,
        }
        if not validating:
            values.update(
                {
                    f"{key}_count": sum(totals.get(state, {}).get(key, 0) for state in ended)
                    for key in ("created", "updated", "skipped")
                }
            )
        job.write(values)
        if set(totals) - set(ended):
            return f"{job.done_count} of {job.row_count} rows."
        failed = chunks.filtered(lambda chunk: chunk.state == "failed")
        run = job._engine()._new_run(job._queue_reader(), job.import_type, job.skip_invalid)
        if failed:
            done = job.created_count + job.updated_count + job.skipped_count
            job._finish(
                failed_message="\n".join(
                    [
                        self.env._(
                            # dso_contacts' message, in its translations
                            LazyGettext(
                                "%(done)s rows were imported (%(created)s created, "
                                "%(updated)s updated, %(skipped)s skipped as already "
                                'present); the rows below were not. Click "Import '
                                'again" to finish: the rows already imported are '
                                "skipped.",
                                _module="dso_contacts",
                                done=done,
                                created=job.created_count,
                                updated=job.updated_count,
                                skipped=job.skipped_count,
                            )
                        )
                        if not validating
                        else "",
                        *(
                            self.env._(
                                "Rows %(first)s to %(last)s were not imported: %(reason)s",
                                first=chunk.first_line,
                                last=chunk.last_line,
                                reason=chunk.failure_reason,
                            )
                            for chunk in failed
                        ),
                    ]
                ).strip(),
                run=run,
            )
        elif validating and job.error_count:
            job._finish(
                failed_message=self.env._(
                    # dso_contacts' message for its background import, in its
                    # translations
                    LazyGettext(
                        'Nothing was imported: %(count)s rows are invalid and "Skip '
                        'invalid rows" is off. Fix them (see the report) or turn the '
                        "option on.",
                        _module="dso_contacts",
                        count=job.error_count,
                    )
                ),
                run=run,
            )
        elif validating:
            # every row is valid: now write them
            job.write(
                {
                    "state": "running",
                    "done_count": 0,
                    "warning_count": 0,
                    "result_message": False,
                    "result_summary": False,
                }
            )
            job._queue_enqueue_chunks("import")
        else:
            job._finish(run=run)
        return f"The import is {job.state}."
