# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import time
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.dso_contacts.tests.import_common import DsoImportCommon

from ..models.dso_contact_import_job import PARAM_CHUNK_ROWS
from .common import trap_jobs

HEADER = ["Customer code", "Contact name", "Email", "Collection"]
# C001's rows are spread over the file: its duplicate (line 6) and its second
# contact for collection (line 9) must meet its first rows
ROWS = (
    ["C001", "Ann Dupont", "ann@dupont.example.com", "yes"],
    ["C002", "Bob Peeters", "", ""],
    ["C003", "Taro Yamada", "not an email", ""],
    ["C002", "Eva Peeters", "eva@peeters.example.com", "1"],
    ["C001", "ann  dupont", "ANN@dupont.example.com", ""],
    ["C999", "Nobody", "", ""],
    ["C003", "Hanako Yamada", "", ""],
    ["C001", "Paul Dupont", "", "yes"],
)


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestImportQueue(DsoImportCommon):
    """Background imports split into chunk jobs, run through queue_job's
    test helpers (trap_jobs): what is queued, with which identity keys, and
    that the results are those of the import without queue_job."""

    _refusing = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("dso_contacts.import_background_rows", "1")
        params.set_param(PARAM_CHUNK_ROWS, "2")

    def _start(self, rows=ROWS, **vals):
        """A background import started by the Billing user in the wizard."""
        wizard = self._wizard(data=self._csv([HEADER, *rows]), **vals)
        wizard.action_import()
        self.assertEqual(wizard.state, "queued")
        return wizard.job_id

    def _run_jobs(self, trap, fail_on=None):
        """Run what is queued, and what the jobs queue, as the job runner
        would; a job that raises is rolled back and, for a chunk, recorded as
        failed as queue_job's on_fail_method does."""
        performed = []
        while trap.enqueued_jobs:
            job = trap.enqueued_jobs.pop(0)
            performed.append(job)
            try:
                with self.env.cr.savepoint():
                    job.perform()
            except Exception as error:
                if job.method_name != "_queue_run" or fail_on is None:
                    raise
                job.recordset._queue_failed(exc_message=str(error))
        self.env.invalidate_all()
        return performed

    def _results(self, job):
        report = (
            base64.b64decode(job.report_file).decode("utf-8-sig") if job.report_file else ""
        )
        contacts = {
            (c.parent_id.ref, c.name, c.email or "", c.is_collection_contact)
            for c in self.partner_model.search(
                [
                    (
                        "parent_id",
                        "in",
                        (self.customer_fr | self.customer_be | self.customer_none).ids,
                    )
                ]
            )
        }
        return {
            "state": job.state,
            "counts": (
                job.row_count,
                job.done_count,
                job.created_count,
                job.updated_count,
                job.skipped_count,
                job.error_count,
                job.warning_count,
            ),
            "warnings": sorted((job.result_message or "").splitlines()),
            "report": sorted(report.splitlines()[1:]),
            "contacts": contacts,
            "collection": {
                customer.ref: customer.collection_contact_id.name
                for customer in (self.customer_fr | self.customer_be | self.customer_none)
            },
            "summary": self._summary(job),
        }

    @staticmethod
    def _summary(job):
        """What the job's form says at once: the first reasons of rejected
        rows, the contacts for collection (and Company-role contacts) changed."""
        summary = job.result_summary or {}

        def changes(kind):
            return sorted(
                (c["ref"], c["before"] and c["before"][1], c["after"] and c["after"][1])
                for c in summary.get(kind, [])
            ), summary.get(f"{kind}_count", 0)

        return {
            "rejections": summary.get("rejections", []),
            "collection": changes("collection"),
            "company_role": changes("company_role"),
        }

    def _inline_results(self, rows=ROWS, **vals):
        """The same import run by dso_contacts' own scheduled job, rolled back."""
        try:
            with self.env.cr.savepoint():
                job = self._start(rows, **vals)
                # validation first when invalid rows are not skipped, then import
                for _run in range(2):
                    if job.state not in ("done", "failed"):
                        job.sudo()._process(time.monotonic())
                results = self._results(job)
                raise _Rollback
        except _Rollback:
            self.env.invalidate_all()
        return results

    def test_import_is_split_by_customer_into_chunk_jobs_with_identity_keys(self):
        job = self._start()
        with trap_jobs() as trap:
            self.env["dso.contact.import.job"]._cron_process_jobs()
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                job._queue_split,
                properties={"identity_key": f"dso_contact_import_split:{job.id}"},
            )
            split = trap.enqueued_jobs.pop(0)
            split.perform()
            chunks = job.sudo().chunk_ids
            # two rows a chunk, a customer's rows together however far apart:
            # C001's three rows make a chunk larger than the size
            self.assertEqual(
                [[line for line, _cells in chunk.rows] for chunk in chunks],
                [[2, 6, 9], [3, 5], [4, 8], [7]],
            )
            self.assertEqual(job.state, "running")
            self.assertEqual(job.row_count, 8)
            trap.assert_jobs_count(4)
            for chunk in chunks:
                trap.assert_enqueued_job(
                    chunk._queue_run,
                    args=("import",),
                    properties={"identity_key": f"dso_contact_import_chunk:{chunk.id}:import"},
                )
            queued = trap.enqueued_jobs[0]
            self.assertEqual(queued.channel, "root.dso_contacts.import")

    def test_chunked_import_gives_the_inline_import_results(self):
        inline = self._inline_results()
        self.assertEqual(inline["state"], "done")
        job = self._start()
        with trap_jobs() as trap:
            self.env["dso.contact.import.job"]._cron_process_jobs()
            self._run_jobs(trap)
        self.assertEqual(self._results(job), inline)
        self.assertEqual(job.created_count, 5)
        self.assertEqual(self.customer_fr.collection_contact_id.name, "Paul Dupont")
        # the parts' summaries merged: the file's first reasons, each
        # customer's contact for collection once (its first and last)
        summary = self._summary(job)
        self.assertEqual([line for line, _reason in summary["rejections"]], [4, 7])
        self.assertEqual(
            summary["collection"],
            ([("C001", None, "Paul Dupont"), ("C002", None, "Eva Peeters")], 2),
        )
        self.assertIn("C001): none → Paul Dupont", str(job.summary_html))
        self.assertFalse(job._rejected_parts(), "the report's parts are joined and removed")
        # the contacts are the Billing user's, as without queue_job
        self.assertEqual(
            self._contacts(self.customer_fr).create_uid, self.billing_user, "the import's user"
        )
        message = job.message_ids.filtered(lambda m: "5 created" in (m.body or ""))
        self.assertEqual(len(message), 1, "the user is told once, when the last chunk ends")
        self.assertEqual(message.partner_ids, self.billing_user.partner_id)

    def test_customers_import_in_chunks_gives_the_inline_results(self):
        rows = [
            ["Customer code", "Customer name"],
            ["C100", "First"],
            ["C101", "Second"],
            ["C102", "Third"],
            ["C100", "Same code later"],
            ["", "No code"],
        ]

        def run():
            wizard = self._wizard(data=self._csv(rows), import_type="customers")
            wizard.action_import()
            return wizard.job_id

        try:
            with self.env.cr.savepoint():
                job = run()
                job.sudo()._process(time.monotonic())
                inline = (job.state, job.created_count, job.error_count, job.report_file)
                raise _Rollback
        except _Rollback:
            self.env.invalidate_all()
        job = run()
        with trap_jobs() as trap:
            self.env["dso.contact.import.job"]._cron_process_jobs()
            self._run_jobs(trap)
        self.assertEqual(len(job.sudo().chunk_ids), 3)
        self.assertEqual((job.state, job.created_count, job.error_count), inline[:3])
        self.assertEqual(
            base64.b64decode(job.report_file), base64.b64decode(inline[3]), "same report"
        )
        self.assertEqual(self.partner_model.search([("ref", "=", "C100")]).name, "First")

    def test_without_skipping_every_chunk_is_validated_before_any_writes(self):
        job = self._start(skip_invalid=False)
        with trap_jobs() as trap:
            self.env["dso.contact.import.job"]._cron_process_jobs()
            performed = self._run_jobs(trap)
        self.assertEqual(
            {job.args for job in performed if job.method_name == "_queue_run"},
            {("validate",)},
            "no chunk was imported",
        )
        self.assertEqual(job.state, "failed")
        self.assertIn("Nothing was imported: 2 rows are invalid", job.result_message)
        self.assertEqual(len(self._report_rows(job)), 3, "the header and the invalid rows")
        self.assertFalse(
            self._contacts(self.customer_fr | self.customer_be | self.customer_none)
        )

    def test_without_skipping_valid_chunks_are_imported_after_validation(self):
        rows = [row for row in ROWS if row[0] != "C999" and row[2] != "not an email"]
        inline = self._inline_results(rows, skip_invalid=False)
        job = self._start(rows, skip_invalid=False)
        with trap_jobs() as trap:
            self.env["dso.contact.import.job"]._cron_process_jobs()
            performed = self._run_jobs(trap)
        phases = [job.args[0] for job in performed if job.method_name == "_queue_run"]
        self.assertEqual(len(job.sudo().chunk_ids), 3)
        self.assertEqual(phases, ["validate"] * 3 + ["import"] * 3)
        self.assertEqual(self._results(job), inline)
        self.assertEqual(job.state, "done")

    def test_failing_chunk_is_failed_with_its_reason_and_the_others_go_on(self):
        engine_class = type(self.env["dso.contact.import.contacts"])
        original = engine_class._process_batch

        def fail_on_yamada(engine, run, batch, mapping):
            if any(cells[0] == "C003" for _line, cells in batch):
                raise ValueError("The database is unhappy with Yamada KK")
            return original(engine, run, batch, mapping)

        job = self._start()
        with trap_jobs() as trap, patch.object(engine_class, "_process_batch", fail_on_yamada):
            self.env["dso.contact.import.job"]._cron_process_jobs()
            self._run_jobs(trap, fail_on="C003")
        failed = job.sudo().chunk_ids.filtered(lambda chunk: chunk.state == "failed")
        self.assertEqual(len(failed), 1)
        self.assertEqual((failed.first_line, failed.last_line), (4, 8))
        self.assertEqual(job.state, "failed")
        self.assertIn(
            "Rows 4 to 8 were not imported: The database is unhappy with Yamada KK",
            job.result_message,
        )
        self.assertFalse(self._contacts(self.customer_none), "the failed chunk left nothing")
        self.assertEqual(len(self._contacts(self.customer_fr)), 2, "the other chunks went on")
        self.assertEqual(job.created_count, 4)

    def test_chunk_refused_after_validation_says_what_was_committed_and_import_again_finishes(
        self,
    ):
        rows = [row for row in ROWS if row[0] != "C999" and row[2] != "not an email"]
        job = self._start(rows, skip_invalid=False)
        with trap_jobs() as trap, mute_logger("odoo.sql_db"):
            self.env["dso.contact.import.job"]._cron_process_jobs()
            while trap.enqueued_jobs:
                queued = trap.enqueued_jobs.pop(0)
                if queued.args == ("import",) and not self._refusing:
                    # a rule added between the test and the import (another
                    # module installed, say) refuses Hanako Yamada's row
                    self.env.cr.execute(
                        "ALTER TABLE res_partner ADD CONSTRAINT dso_test_no_hanako "
                        "CHECK (name <> 'Hanako Yamada')"
                    )
                    self._refusing = True
                queued.perform()
            self.env.invalidate_all()
        self.assertEqual(job.state, "failed")
        failed = job.sudo().chunk_ids.filtered(lambda chunk: chunk.state == "failed")
        self.assertEqual((failed.first_line, failed.last_line), (6, 6))
        message = job.result_message
        self.assertNotIn("nothing was imported", message.lower())
        self.assertIn(
            "5 rows were imported (4 created, 0 updated, 1 skipped as already present)",
            message,
        )
        self.assertIn("Rows 6 to 6 were not imported: line 6 was refused", message)
        self.assertNotIn("violates", message, "no raw SQL error")
        self.assertFalse(self._contacts(self.customer_none), "the refused chunk left nothing")
        self.assertEqual(len(self._contacts(self.customer_fr | self.customer_be)), 4)
        self.assertEqual((job.created_count, job.skipped_count, job.error_count), (4, 1, 1))
        self.assertEqual(len(self._report_rows(job)), 2, "the header and the refused row")
        self.env.cr.execute("ALTER TABLE res_partner DROP CONSTRAINT dso_test_no_hanako")
        job.with_user(self.billing_user).action_import_again()
        with trap_jobs() as trap:
            self.env["dso.contact.import.job"]._cron_process_jobs()
            self._run_jobs(trap)
        self.assertEqual(job.state, "done")
        self.assertEqual((job.created_count, job.skipped_count), (1, 5))
        self.assertEqual(len(self._contacts(self.customer_none)), 1)
        self.assertEqual(
            len(self._contacts(self.customer_fr | self.customer_be)), 4, "nothing doubled"
        )

    def test_chunk_run_again_after_its_commit_creates_nothing_twice(self):
        job = self._start()
        with trap_jobs() as trap:
            self.env["dso.contact.import.job"]._cron_process_jobs()
            performed = self._run_jobs(trap)
            counts = self._results(job)
            for chunk_job in [j for j in performed if j.method_name == "_queue_run"]:
                # a worker killed after the commit: queue_job runs the job again
                self.assertIn("Nothing to do", chunk_job.perform())
            self._run_jobs(trap)
        self.assertEqual(self._results(job), counts)

    def test_cron_queues_the_split_once(self):
        job = self._start()
        Job = self.env["dso.contact.import.job"]
        Job._cron_process_jobs()
        Job._cron_process_jobs()
        queued = (
            self.env["queue.job"]
            .sudo()
            .search([("identity_key", "like", "dso_contact_import")])
        )
        self.assertEqual(len(queued), 1, "the identity key keeps a second split out")
        self.assertEqual(queued.records, job)
        self.assertEqual(queued.channel, "root.dso_contacts.import")
        self.assertEqual(queued.method_name, "_queue_split")

    def test_chunks_do_not_find_another_companys_customers(self):
        """The chunks run as the Billing user of the import, in its company:
        a customer code of another company is rejected, as inline."""
        other = self.env["res.company"].create({"name": "Other Co"})
        elsewhere = self.partner_model.create(
            {"name": "Elsewhere", "is_company": True, "ref": "C777", "company_id": other.id}
        )
        rows = (["C777", "Intruder", "", ""], ["C002", "Bob Peeters", "", ""])
        inline = self._inline_results(rows)
        job = self._start(rows)
        with trap_jobs() as trap:
            self.env["dso.contact.import.job"]._cron_process_jobs()
            self._run_jobs(trap)
        self.assertEqual(self._results(job), inline)
        self.assertEqual((job.created_count, job.error_count), (1, 1))
        self.assertFalse(self._contacts(elsewhere), "nothing added to the other company's")
