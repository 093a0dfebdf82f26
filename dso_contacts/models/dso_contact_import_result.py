# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import codecs

from odoo import fields, models


class DsoContactImportResult(models.AbstractModel):
    """What an import leaves to show: the counts, the notes, the first reasons
    of rejected rows (``result_summary``, see ``tools/import_summary.py``) and
    their HTML. Shared by the wizard (``dso.contact.import``) and the
    background job (``dso.contact.import.job``), which both hand themselves to
    ``dso.contact.import.engine._summary_html``; each computes
    ``summary_html`` from its own state (``_compute_summary_html``)."""

    _name = "dso.contact.import.result"
    _description = "Result of a Contacts or Customers Import"

    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    skipped_count = fields.Integer(string="Skipped (already present)", readonly=True)
    error_count = fields.Integer(string="Rejected", readonly=True)
    warning_count = fields.Integer(string="Warnings", readonly=True)
    result_message = fields.Text(string="Warnings and notes", readonly=True)
    report_filename = fields.Char(readonly=True)
    result_summary = fields.Json(readonly=True)
    summary_html = fields.Html(
        string="Result", compute="_compute_summary_html", sanitize=False
    )

    def _compute_summary_html(self):
        raise NotImplementedError  # each import screen computes it from its state

    def _report_values(self, report):
        """The rejected rows' report: ``report`` (the rows in CSV, encoded in
        UTF-8, the header first) as a file with a BOM, for spreadsheets, named
        after the imported file (``import_filename``); none without rows."""
        if not report:
            return {"report_file": False, "report_filename": False}
        base = (self.import_filename or "import").rsplit(".", 1)[0]
        return {
            "report_file": base64.b64encode(codecs.BOM_UTF8 + report),
            "report_filename": f"{base}_rejected.csv",
        }
