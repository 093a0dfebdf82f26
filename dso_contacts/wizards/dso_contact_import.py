# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.dso_contact_import_engine import ENGINES
from ..models.dso_contact_import_fields import LINE_SELECTIONS
from ..models.dso_import_mapping import IMPORT_TYPES
from .dso_contact_import_line import LINE_GROUPS

PREVIEW_ROWS = 5


class DsoContactImport(models.TransientModel):
    """The import's screen: the file, its options and the column mapping are
    collected here; reading and importing are the engine's
    (``dso.contact.import.engine``)."""

    _name = "dso.contact.import"
    _inherit = ["dso.contact.import.result"]
    _description = "Import Customer Contacts or Customers"

    import_file = fields.Binary(string="File", attachment=False)
    import_filename = fields.Char(string="File name")
    import_type = fields.Selection(
        IMPORT_TYPES,
        string="File contains",
        required=True,
        default="contacts",
        help="Contacts: the people of existing customers, found by customer code.\n"
        "Customers: the customers themselves, created or updated by customer "
        "code, with their Company-role contact.",
    )
    state = fields.Selection(
        [
            ("upload", "Upload"),
            ("mapping", "Mapping"),
            ("queued", "In background"),
            ("done", "Done"),
        ],
        default="upload",
        required=True,
    )
    encoding = fields.Selection(
        [
            ("utf-8", "UTF-8"),
            ("utf-8-sig", "UTF-8 with BOM"),
            ("utf-16", "UTF-16"),
            ("cp1252", "Windows-1252 (Western Europe)"),
            ("cp1250", "Windows-1250 (Central Europe: Polish, Romanian, Croatian)"),
            ("cp1254", "Windows-1254 (Turkish)"),
            ("cp932", "Shift_JIS / Windows-932 (Japanese)"),
            ("gb18030", "GBK / GB18030 (Chinese)"),
            ("latin-1", "Latin-1 (ISO-8859-1)"),
        ],
        help="Leave empty to detect it.",
    )
    delimiter = fields.Selection(
        [(";", "Semicolon ;"), (",", "Comma ,"), ("\t", "Tab"), ("|", "Pipe |")],
        help="Leave empty to detect it.",
    )
    sheet_name = fields.Char(string="Sheet", help="Leave empty to read the first sheet.")
    detected_encoding = fields.Char(readonly=True)
    is_encoding_unsure = fields.Boolean(
        readonly=True,
        help="The encoding was guessed without certainty: check the text of the "
        "preview, then confirm the encoding or choose another.",
    )
    detected_delimiter = fields.Char(readonly=True)
    sheet_names = fields.Char(string="Sheets in the file", readonly=True)
    file_kind = fields.Char(readonly=True)
    is_text_file = fields.Boolean(compute="_compute_is_text_file")
    line_ids = fields.One2many("dso.contact.import.line", "wizard_id", string="Columns")
    missing_fields = fields.Char(
        string="Still to map",
        compute="_compute_missing_fields",
        help="The fields that a column must give before the import can run.",
    )
    # written when the file is read, not computed: the file is decoded once
    preview_html = fields.Html(string="Preview", sanitize=False, readonly=True)
    mapping_id = fields.Many2one(
        "dso.import.mapping", string="Saved mapping applied", readonly=True
    )
    skip_invalid = fields.Boolean(
        string="Skip invalid rows",
        default=True,
        help="On: import the valid rows and report the others.\n"
        "Off: write nothing at all when any row is invalid.",
    )
    is_dry_run = fields.Boolean(string="Result of a test", readonly=True)
    row_count = fields.Integer(string="Rows read", readonly=True)
    # the counts and result_summary are dso.contact.import.result's
    report_file = fields.Binary(string="Rejected rows", readonly=True, attachment=False)
    job_id = fields.Many2one(
        "dso.contact.import.job", string="Background import", readonly=True
    )

    @api.depends("file_kind")
    def _compute_is_text_file(self):
        for wizard in self:
            wizard.is_text_file = wizard.file_kind == "csv"

    @api.depends(
        "state",
        "is_dry_run",
        "import_type",
        "result_summary",
        "row_count",
        "created_count",
        "updated_count",
        "skipped_count",
        "error_count",
        "warning_count",
    )
    def _compute_summary_html(self):
        for wizard in self:
            shown = wizard.state == "done" or wizard.is_dry_run
            if not shown or wizard.state not in ("mapping", "done"):
                wizard.summary_html = False
                continue
            wizard.summary_html = self.env["dso.contact.import.engine"]._summary_html(
                wizard, wizard.row_count, test=wizard.is_dry_run
            )

    @api.depends("state", "import_type", "line_ids.contact_field", "line_ids.customer_field")
    def _compute_missing_fields(self):
        for wizard in self:
            if wizard.state != "mapping":
                wizard.missing_fields = False
                continue
            field_name = wizard._line_field_name()
            engine = wizard._engine()
            labels = engine._field_labels(wizard.import_type)
            missing = engine._missing_fields(
                wizard.import_type, set(wizard.line_ids.mapped(field_name)) - {False}
            )
            wizard.missing_fields = ", ".join(labels[field] for field in missing) or False

    @api.constrains("job_id")
    def _check_job_id(self):
        # a client may write ids: a background import the user may not read
        # (another company's) is refused, not shown through the wizard
        for wizard in self.filtered("job_id"):
            wizard.job_id.check_access("read")

    @api.onchange(
        "import_file", "import_filename", "import_type", "encoding", "delimiter", "sheet_name"
    )
    def _onchange_import_file(self):
        """In the mapping step, a changed encoding, delimiter or sheet reads
        the file again; a new file goes back to the upload step."""
        if self.state == "mapping" and self.import_file and self.import_filename:
            self._load_file()
        else:
            self.line_ids = [Command.clear()]
            self.preview_html = False
            self.state = "upload"

    @api.model_create_multi
    def create(self, vals_list):
        self.env["dso.contact.import.engine"]._check_rights()
        wizards = super().create(vals_list)
        for wizard, vals in zip(wizards, vals_list, strict=True):
            # headless use (shell, tests, RPC): propose the mapping at creation
            if "import_file" in vals and wizard.import_filename and not vals.get("line_ids"):
                wizard._load_file()
        return wizards

    def action_load(self):
        self.ensure_one()
        self._load_file()
        return self._reopen()

    def action_confirm_encoding(self):
        """The preview reads right: keep the guessed encoding."""
        self.ensure_one()
        self.encoding = self.detected_encoding
        self._load_file()
        return self._reopen()

    def action_test(self):
        """Test: the real import of every row, rolled back; it reports what
        Import will do, the refusals of the ORM and the database included."""
        self.ensure_one()
        reader, mapping = self._load_mapped()
        self._run(reader, mapping, dry_run=True)
        return self._reopen()

    def action_import(self):
        self.ensure_one()
        engine = self._engine()
        reader, mapping = self._load_mapped()
        self.mapping_id = self.env["dso.import.mapping"]._save_for_layout(
            reader, self.import_type, mapping, self.import_filename, self.encoding,
            self.delimiter,
        )  # fmt: skip
        if engine._count_rows(reader) > engine._background_rows():
            return self._start_background_job(mapping)
        self._run(reader, mapping, dry_run=False)
        return self._reopen()

    def action_new_file(self):
        """Start again with another file, keeping the import type."""
        self.ensure_one()
        self.write(
            {
                "state": "upload",
                "import_file": False,
                "import_filename": False,
                "line_ids": [Command.clear()],
                "preview_html": False,
                "mapping_id": False,
                "is_dry_run": False,
                "report_file": False,
                "report_filename": False,
                "result_message": False,
                "result_summary": False,
                "job_id": False,
                **dict.fromkeys(
                    ["row_count", "created_count", "updated_count", "skipped_count",
                     "error_count", "warning_count"],
                    0,
                ),
            }
        )  # fmt: skip
        return self._reopen()

    def action_open_job(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "dso.contact.import.job",
            "res_id": self.job_id.id,
            "view_mode": "form",
        }

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import contacts"),
        }

    def _engine(self):
        return self.env[ENGINES[self.import_type]]

    def _load_mapped(self):
        """The wizard's file and mapping, read and checked by the engine; a file
        whose encoding was guessed without certainty is refused until the user
        confirms it (no silent mojibake)."""
        self.ensure_one()
        reader, mapping = self._engine()._load(
            self.import_type,
            self.import_file,
            self.import_filename,
            self._file_options(),
            [(line.column_index, line[self._line_field_name()]) for line in self.line_ids],
        )
        if not reader.encoding_sure:
            raise UserError(
                self.env._(
                    "The encoding of this file was guessed as %(encoding)s, without "
                    "certainty. Check the names in the preview: if they read right, "
                    "confirm this encoding; otherwise choose the file's encoding.",
                    encoding=reader.encoding,
                )
            )
        return reader, mapping

    def _file_options(self):
        return {
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet_name,
        }

    def _line_field_name(self):
        return LINE_SELECTIONS[self.import_type]

    def _load_file(self):
        """Read the header and the file's values, propose the mapping (the
        saved one first), show the preview and go to the mapping step.

        The columns are listed mapped first, then those not mapped, then
        those left out on purpose or empty in the whole file."""
        self.ensure_one()
        engine = self._engine()
        reader, _mapping = engine._load(
            self.import_type, self.import_file, self.import_filename, self._file_options()
        )
        header = reader.header
        first_rows, samples = engine._scan_file(reader)
        proposals, saved = engine._propose_fields(reader, self.import_type, samples)
        field_name = self._line_field_name()
        lines = []
        for index, (column, (target, reason)) in enumerate(
            zip(header, proposals, strict=True)
        ):
            group = "mapped" if target else ("left_out" if reason else "not_mapped")
            lines.append(
                {
                    # mapped columns with values first, then mapped empty ones
                    "sequence": 2 * LINE_GROUPS.index(group) + (samples[index] == []),
                    "column_index": index,
                    "column_name": column or self.env._("Column %(number)s", number=index + 1),
                    "sample": samples[index][0][:100] if samples[index] else False,
                    "column_group": group,
                    "reason": reason or False,
                    field_name: target or False,
                }
            )
        lines.sort(key=lambda vals: (vals["sequence"], vals["column_index"]))
        self.line_ids = [Command.clear()] + [Command.create(vals) for vals in lines]
        self.update(
            {
                "mapping_id": saved,
                "detected_encoding": reader.encoding if reader.kind == "csv" else False,
                "is_encoding_unsure": not reader.encoding_sure,
                "detected_delimiter": reader.delimiter if reader.kind == "csv" else False,
                "sheet_names": ", ".join(reader.sheet_names) or False,
                "file_kind": reader.kind,
                "preview_html": self._preview_html(
                    header, [cells for _line, cells in first_rows[:PREVIEW_ROWS]]
                ),
                "state": "mapping",
                "is_dry_run": False,
            }
        )

    @api.model
    def _preview_html(self, header, rows):
        return self.env["ir.qweb"]._render(
            "dso_contacts.dso_contact_import_preview",
            {"header": header, "rows": [[cell[:60] for cell in row] for row in rows]},
        )

    def _run(self, reader, mapping, dry_run):
        engine = self._engine()
        run = engine._new_run(reader, self.import_type, self.skip_invalid)
        run, stop_message = engine._import_file(reader, mapping, run, dry_run)
        rejected = run.take_rejected()
        report = (run.header_text() + rejected).encode("utf-8") if rejected else False
        lines = engine._warning_lines(run)
        if stop_message:
            lines.insert(0, stop_message)
        run.summary["notice"] = stop_message or False
        self.write(
            {
                "state": "mapping" if dry_run else "done",
                "is_dry_run": dry_run,
                "row_count": run.row_count,
                "created_count": run.created,
                "updated_count": run.updated,
                "skipped_count": run.skipped,
                "error_count": run.rejected,
                "warning_count": run.warning_count,
                "result_message": "\n".join(lines) or False,
                "result_summary": run.summary,
                **self._report_values(report),
            }
        )
        return run

    def _start_background_job(self, mapping):
        """Hand a large file to the scheduled job, which imports it in batches."""
        job = self.env["dso.contact.import.job"].create(
            {
                "name": self.import_filename,
                "import_type": self.import_type,
                "import_file": self.import_file,
                "import_filename": self.import_filename,
                "encoding": self.encoding or False,
                "delimiter": self.delimiter or False,
                "sheet_name": self.sheet_name or False,
                "column_map": {str(index): field for field, index in mapping.items()},
                "skip_invalid": self.skip_invalid,
            }
        )
        self.write({"job_id": job.id, "state": "queued"})
        self.env.ref("dso_contacts.ir_cron_dso_contact_import")._trigger()
        return self._reopen()
