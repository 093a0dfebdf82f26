# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import time
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models import dso_contact_import_engine
from .import_common import DsoImportCommon


@tagged("post_install", "-at_install")
class TestImportEngine(DsoImportCommon):
    """The engine behind the wizard and the background job."""

    def _background(self, wizard):
        self.env["ir.config_parameter"].sudo().set_param(
            "dso_contacts.import_background_rows", "1"
        )
        wizard.action_import()
        self.assertEqual(wizard.state, "queued")
        return wizard.job_id

    def test_batch_retried_row_by_row_keeps_the_collection_flag(self):
        rows = [["Customer code", "Name", "Collection"], ["C001", "Ann", "yes"]]
        data = self._csv([*rows, ["C002", "Bob", ""]])
        engine_class = type(self.env["dso.contact.import.contacts"])
        original = engine_class._sync_other_companies
        calls = []

        def fail_once(engine, contacts):
            calls.append(len(contacts))
            if len(calls) == 1:
                raise ValidationError(engine.env._("the whole batch fails once"))
            return original(engine, contacts)

        wizard = self._wizard(data=data)
        with patch.object(engine_class, "_sync_other_companies", fail_once):
            wizard.action_import()
        self.assertEqual(calls, [2, 1, 1], "one batch, then row by row")
        self.assertEqual(wizard.created_count, 2)
        ann = self._contacts(self.customer_fr)
        self.assertTrue(ann.is_collection_contact)
        self.assertEqual(self.customer_fr.collection_contact_id, ann)

    def test_background_job_does_not_need_a_wizard_and_names_the_columns(self):
        data = self._csv(
            [["Customer code", "Contact name"], ["C001", "x" * 300], ["C002", "Bob"]]
        )
        job = self._background(self._wizard(data=data))
        wizards = self.env["dso.contact.import"].search_count([])
        self.env["dso.contact.import.job"]._cron_process_jobs()
        self.assertEqual(self.env["dso.contact.import"].search_count([]), wizards)
        self.assertEqual((job.state, job.created_count, job.error_count), ("done", 1, 1))
        report = base64.b64decode(job.report_file).decode("utf-8-sig")
        self.assertIn("The value of Contact name is too long", report)

    def test_background_job_keeps_the_rejected_rows_and_the_files_rows_across_pauses(self):
        rows = [
            ["Customer code", "Customer name"],
            ["C100", "First"],
            ["C100", "Same code, same batch"],
            ["C101", "Second"],
            ["C100", "Same code after a pause"],
            ["C102", "Third"],
        ]
        job = self._background(self._wizard(data=self._csv(rows), import_type="customers"))
        with patch.object(dso_contact_import_engine, "BATCH_SIZE", 2):
            runs = 0
            while job.state != "done" and runs < 5:
                # a run whose time is spent: it pauses after one batch
                job.sudo()._process(started=time.monotonic() - 1000)
                runs += 1
        self.assertEqual(runs, 4, "one batch a run (three), then the end of the file")
        self.assertEqual((job.created_count, job.error_count), (3, 2))
        report = base64.b64decode(job.report_file).decode("utf-8-sig").splitlines()
        self.assertEqual(len(report), 3, "the header once, then the two rejected rows")
        self.assertIn("Same code, same batch", report[1])
        self.assertIn("Same code after a pause", report[2])
        self.assertIn("already on line 2", report[2])
        self.assertEqual(
            self.partner_model.search([("ref", "=", "C100")]).name,
            "First",
            "the row after the pause did not update the customer",
        )
        self.assertFalse(job._rejected_parts(), "the report's parts are joined and removed")
