# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import csv
import io
import logging
import re
from collections import defaultdict

from markupsafe import Markup
from psycopg2 import Error as DatabaseError

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.mail import email_normalize, plaintext2html

from ..models.dso_import_mapping import IMPORT_TYPES
from ..tools.file_reader import (
    BATCH_SIZE,
    DELIMITERS,
    FileReadError,
    ImportFile,
    iter_chunks,
)
from ..tools.header_guess import (
    ROLE_INDEX,
    guess_fields,
    header_signature,
    is_true,
    normalize,
)
from ..tools.phone import to_e164

_logger = logging.getLogger(__name__)

CONTACT_FIELDS = [
    ("customer_ref", "Customer code"),
    ("name", "Contact name"),
    ("firstname", "First name"),
    ("lastname", "Last name"),
    ("function", "Job position"),
    ("role", "Role"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("mobile", "Mobile"),
    ("lang", "Language"),
    ("comment", "Note"),
    ("is_collection_contact", "Contact for collection"),
]
CUSTOMER_FIELDS = [
    ("ref", "Customer code"),
    ("name", "Customer name"),
    ("street", "Street"),
    ("street2", "Street 2"),
    ("zip", "ZIP"),
    ("city", "City"),
    ("country", "Country"),
    ("vat", "Tax ID"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("lang", "Language"),
    ("contact_name", "Contact name"),
]
REQUIRED_FIELDS = {"contacts": ("customer_ref",), "customers": ("ref",)}
# longest value accepted per target field; longer cells reject their row
MAX_LENGTHS = {"comment": 10000, "street": 256, "street2": 256}
DEFAULT_MAX_LENGTH = 256
PREVIEW_ROWS = 5
MAX_LISTED_WARNINGS = 200
# one address, a local part and a domain with a dot: what a reminder can reach
EMAIL_RE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]+$")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PARAM_MAX_SIZE = "dso_contacts.import_max_size_mb"
PARAM_BACKGROUND_ROWS = "dso_contacts.import_background_rows"
DEFAULT_MAX_SIZE_MB = 50
DEFAULT_BACKGROUND_ROWS = 10000


def neutralize(value):
    """A cell as written in the report: formulas are turned into text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class ImportRun:
    """What one run of an import remembers from batch to batch."""

    def __init__(self, header, delimiter, with_header=True):
        self.header = header
        self.with_header = with_header
        self.delimiter = delimiter if delimiter in DELIMITERS else ","
        self.created = self.updated = self.skipped = self.rejected = 0
        self.warnings = []
        self.warning_count = 0
        self.seen_keys = set()
        self.collection_lines = {}
        self.customer_lines = {}
        self.report = None
        self._writer = None

    def reject(self, line, cells, reason):
        self.rejected += 1
        if self._writer is None:
            self.report = io.StringIO()
            self._writer = csv.writer(self.report, delimiter=self.delimiter)
            if self.with_header:
                self.write_header(self._writer)
        width = max(len(self.header), len(cells))
        padded = list(cells) + [""] * (width - len(cells))
        self._writer.writerow([*map(neutralize, padded), neutralize(reason)])

    def write_header(self, writer):
        writer.writerow([*map(neutralize, self.header), self.reason_label])

    def warn(self, message):
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED_WARNINGS:
            self.warnings.append(message)

    reason_label = "Reason"


class DsoContactImport(models.TransientModel):
    _name = "dso.contact.import"
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
            ("cp1252", "Windows-1252"),
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
    detected_delimiter = fields.Char(readonly=True)
    sheet_names = fields.Char(string="Sheets in the file", readonly=True)
    file_kind = fields.Char(readonly=True)
    is_text_file = fields.Boolean(compute="_compute_is_text_file")
    line_ids = fields.One2many("dso.contact.import.line", "wizard_id", string="Columns")
    preview_html = fields.Html(
        string="Preview", compute="_compute_preview_html", sanitize=False
    )
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
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    skipped_count = fields.Integer(string="Skipped (already present)", readonly=True)
    error_count = fields.Integer(string="Rejected", readonly=True)
    warning_count = fields.Integer(string="Warnings", readonly=True)
    result_message = fields.Text(string="Warnings and notes", readonly=True)
    report_file = fields.Binary(string="Rejected rows", readonly=True, attachment=False)
    report_filename = fields.Char(readonly=True)
    job_id = fields.Many2one(
        "dso.contact.import.job", string="Background import", readonly=True
    )

    @api.depends("file_kind")
    def _compute_is_text_file(self):
        for wizard in self:
            wizard.is_text_file = wizard.file_kind == "csv"

    @api.depends("import_file", "import_filename", "encoding", "delimiter", "sheet_name")
    def _compute_preview_html(self):
        for wizard in self:
            wizard.preview_html = wizard._dso_preview_html()

    @api.onchange(
        "import_file", "import_filename", "import_type", "encoding", "delimiter", "sheet_name"
    )
    def _onchange_import_file(self):
        """In the mapping step, a changed encoding, delimiter or sheet reads
        the file again; a new file goes back to the upload step."""
        if self.state == "mapping" and self.import_file and self.import_filename:
            self._dso_load_file()
        else:
            self.line_ids = [Command.clear()]
            self.state = "upload"

    @api.model_create_multi
    def create(self, vals_list):
        self._dso_check_import_access()
        wizards = super().create(vals_list)
        for wizard, vals in zip(wizards, vals_list, strict=True):
            # headless use (shell, tests, RPC): propose the mapping at creation
            if "import_file" in vals and wizard.import_filename and not vals.get("line_ids"):
                wizard._dso_load_file()
        return wizards

    def action_load(self):
        self.ensure_one()
        self._dso_load_file()
        return self._dso_reopen()

    def action_test(self):
        """Dry run: validate every row and count what would happen; write nothing."""
        self.ensure_one()
        self._dso_run(dry_run=True)
        return self._dso_reopen()

    def action_import(self):
        self.ensure_one()
        reader = self._dso_open_file()
        mapping = self._dso_column_mapping(reader)
        self._dso_save_mapping(reader, mapping)
        if self._dso_count_rows(reader) > self._dso_background_rows():
            return self._dso_start_background_job(reader, mapping)
        self._dso_run(dry_run=False, reader=reader, mapping=mapping)
        return self._dso_reopen()

    def action_new_file(self):
        """Start again with another file, keeping the import type."""
        self.ensure_one()
        self.write(
            {
                "state": "upload",
                "import_file": False,
                "import_filename": False,
                "line_ids": [Command.clear()],
                "mapping_id": False,
                "is_dry_run": False,
                "report_file": False,
                "report_filename": False,
                "result_message": False,
                "job_id": False,
                **dict.fromkeys(
                    ["row_count", "created_count", "updated_count", "skipped_count",
                     "error_count", "warning_count"],
                    0,
                ),
            }
        )  # fmt: skip
        return self._dso_reopen()

    def action_open_job(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "dso.contact.import.job",
            "res_id": self.job_id.id,
            "view_mode": "form",
        }

    def _dso_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import contacts"),
        }

    def _dso_start_background_job(self, reader, mapping):
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
        return self._dso_reopen()

    # -- reading the file ----------------------------------------------------

    @api.model
    def _dso_check_import_access(self):
        if not self.env.su and not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._(
                    "Only accounting users (Billing or Accountant) can import contacts."
                )
            )

    def _dso_max_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_MAX_SIZE)
        try:
            return float(value or DEFAULT_MAX_SIZE_MB) * 1024 * 1024
        except ValueError:
            return DEFAULT_MAX_SIZE_MB * 1024 * 1024

    def _dso_background_rows(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_BACKGROUND_ROWS)
        try:
            return int(value or DEFAULT_BACKGROUND_ROWS)
        except ValueError:
            return DEFAULT_BACKGROUND_ROWS

    def _dso_file_data(self):
        self.ensure_one()
        if not self.import_file:
            if self.import_filename:
                raise UserError(self.env._("The file is empty."))
            raise UserError(self.env._("Choose the file to import."))
        encoded = self.import_file
        max_size = self._dso_max_size()
        if len(encoded) * 3 / 4 > max_size:
            raise UserError(
                self.env._(
                    "This file is too big (%(size)s MB): the import accepts files of up "
                    "to %(max)s MB. Split it, or ask an administrator to raise the limit "
                    "(system parameter %(param)s).",
                    size=round(len(encoded) * 3 / 4 / 1024 / 1024, 1),
                    max=round(max_size / 1024 / 1024, 1),
                    param=PARAM_MAX_SIZE,
                )
            )
        try:
            return base64.b64decode(encoded, validate=False)
        except ValueError as error:
            raise UserError(self.env._("The file could not be read.")) from error

    def _dso_open_file(self):
        """The wizard's file as an :class:`ImportFile`; a UserError when unreadable."""
        self.ensure_one()
        data = self._dso_file_data()
        try:
            return ImportFile(
                data,
                self.import_filename,
                encoding=self.encoding,
                delimiter=self.delimiter,
                sheet=self.sheet_name,
            )
        except FileReadError as error:
            raise UserError(self._dso_file_error_message(error)) from error

    def _dso_rows(self, reader):
        """The file's rows; a problem met while reading them is a UserError."""
        try:
            yield from reader.rows()
        except FileReadError as error:
            raise UserError(self._dso_file_error_message(error)) from error

    def _dso_count_rows(self, reader):
        return sum(1 for _row in self._dso_rows(reader))

    def _dso_file_error_message(self, error):
        params = error.params
        messages = {
            "empty": self.env._("The file is empty."),
            "no_header": self.env._("The file has no header row."),
            "unsupported": self.env._(
                "Files of type .%(extension)s cannot be imported: use a .csv, .txt, "
                ".xls, .xlsx or .ods file.",
                extension=params.get("extension") or "?",
            ),
            "binary": self.env._(
                "This file is not a text file: it may be a spreadsheet or another "
                "document renamed .csv or .txt. Save it as CSV, or import the "
                "spreadsheet itself (.xls, .xlsx, .ods)."
            ),
            "encoding": self.env._(
                "The file cannot be read with the %(encoding)s encoding (line "
                "%(line)s). Choose the file's encoding, or save it again as UTF-8.",
                encoding=params.get("encoding"),
                line=params.get("line", 1),
            ),
            "corrupt": self.env._(
                "This file is not a valid .%(extension)s file: it is damaged, "
                "truncated, or another kind of file renamed. Open it in your "
                "spreadsheet software and save it again.",
                extension=params.get("extension"),
            ),
            "too_big_uncompressed": self.env._(
                "This spreadsheet expands to %(size)s MB when opened, which is too "
                "much to import. Save it as CSV, or split it.",
                size=round(params.get("size", 0) / 1024 / 1024),
            ),
            "no_sheet": self.env._(
                "The file has no sheet named %(sheet)s.", sheet=params.get("sheet") or "?"
            ),
            "bad_line": self.env._(
                "Line %(line)s of the file cannot be read (%(reason)s). Check its "
                "quotes and that no value is extremely long.",
                line=params.get("line"),
                reason=params.get("reason"),
            ),
        }
        return messages.get(error.code) or self.env._("The file could not be read.")

    def _dso_load_file(self):
        """Read the header, propose the mapping (saved one first) and go to
        the mapping step."""
        self.ensure_one()
        reader = self._dso_open_file()
        header = reader.header
        samples = [""] * len(header)
        for _line, cells in self._dso_rows(reader):
            for index, value in enumerate(cells[: len(header)]):
                if value and not samples[index]:
                    samples[index] = value[:100]
            if all(samples):
                break
            if _line > 50:
                break
        saved = self._dso_find_saved_mapping(reader)
        if saved:
            column_map = {
                int(index): field for index, field in (saved.column_map or {}).items()
            }
            proposed = [column_map.get(index) for index in range(len(header))]
        else:
            proposed = guess_fields(header, self.import_type, self._dso_label_words())
        field_name = self._dso_line_field_name()
        self.line_ids = [Command.clear()] + [
            Command.create(
                {
                    "column_index": index,
                    "column_name": column or self.env._("Column %(number)s", number=index + 1),
                    "sample": samples[index],
                    field_name: target or False,
                }
            )
            for index, (column, target) in enumerate(zip(header, proposed, strict=True))
        ]
        self.update(
            {
                "mapping_id": saved,
                "detected_encoding": reader.encoding if reader.kind == "csv" else False,
                "detected_delimiter": reader.delimiter if reader.kind == "csv" else False,
                "sheet_names": ", ".join(reader.sheet_names) or False,
                "file_kind": reader.kind,
                "state": "mapping",
                "is_dry_run": False,
            }
        )

    def _dso_line_field_name(self):
        return "contact_field" if self.import_type == "contacts" else "customer_field"

    def _dso_label_words(self):
        """The target field labels in the user's language, as header words."""
        selection = (
            self.env["dso.contact.import.line"]
            ._fields[self._dso_line_field_name()]
            ._description_selection(self.env)
        )
        return {field: [label] for field, label in selection}

    def _dso_find_saved_mapping(self, reader):
        signature = header_signature(reader.header, reader.kind, self.import_type)
        return self.env["dso.import.mapping"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("import_type", "=", self.import_type),
                ("signature", "=", signature),
            ],
            limit=1,
        )

    def _dso_save_mapping(self, reader, mapping):
        values = {
            "name": self.import_filename,
            "headers": "\n".join(reader.header),
            "column_map": {str(index): field for field, index in mapping.items()},
            "encoding": self.encoding or False,
            "delimiter": self.delimiter or False,
            "last_used_date": fields.Datetime.now(),
        }
        saved = self._dso_find_saved_mapping(reader)
        if saved:
            saved.write(values)
        else:
            saved = self.env["dso.import.mapping"].create(
                {
                    **values,
                    "company_id": self.env.company.id,
                    "import_type": self.import_type,
                    "file_kind": reader.kind,
                    "signature": header_signature(
                        reader.header, reader.kind, self.import_type
                    ),
                }
            )
        self.mapping_id = saved

    def _dso_preview_html(self):
        if not self.import_file or not self.import_filename:
            return False
        try:
            reader = self._dso_open_file()
            rows = []
            for _line, cells in self._dso_rows(reader):
                rows.append(cells)
                if len(rows) >= PREVIEW_ROWS:
                    break
        except UserError as error:
            return Markup('<div class="text-danger">%s</div>') % error.args[0]
        head = Markup("").join(Markup("<th>%s</th>") % cell for cell in reader.header)
        body = Markup("").join(
            Markup("<tr>%s</tr>")
            % Markup("").join(Markup("<td>%s</td>") % cell[:60] for cell in row)
            for row in rows
        )
        return Markup(
            '<div class="table-responsive"><table class="table table-sm table-bordered">'
            "<thead><tr>%s</tr></thead><tbody>%s</tbody></table></div>"
        ) % (head, body)

    def _dso_column_mapping(self, reader):
        """``{target field: column index}`` from the mapping lines, checked."""
        self.ensure_one()
        field_name = self._dso_line_field_name()
        labels = dict(self.line_ids._fields[field_name]._description_selection(self.env))
        mapping, columns = {}, defaultdict(list)
        for line in self.line_ids.sorted("column_index"):
            target = line[field_name]
            if not target:
                continue
            if line.column_index >= len(reader.header):
                raise UserError(
                    self.env._(
                        "The column %(column)s is not in this file: load the file again.",
                        column=line.column_name,
                    )
                )
            columns[target].append(line.column_name)
            mapping[target] = line.column_index
        doubles = {target: names for target, names in columns.items() if len(names) > 1}
        if doubles:
            raise UserError(
                self.env._(
                    "Several columns are mapped to the same field: %(list)s. Map each "
                    "field from one column only.",
                    list="; ".join(
                        f"{labels[target]} ({', '.join(names)})"
                        for target, names in doubles.items()
                    ),
                )
            )
        missing = [labels[f] for f in REQUIRED_FIELDS[self.import_type] if f not in mapping]
        if self.import_type == "contacts" and not {"name", "firstname", "lastname"} & set(
            mapping
        ):
            missing.append(labels["name"])
        if missing:
            raise UserError(
                self.env._(
                    "Map a column to each of these fields: %(fields)s.",
                    fields=", ".join(missing),
                )
            )
        return mapping

    # -- running -------------------------------------------------------------

    def _dso_run(self, dry_run, reader=None, mapping=None):
        """Read every row and import it (or only validate it when ``dry_run``).

        With "Skip invalid rows" off, every row is validated first and nothing
        is written when one is invalid. The writes happen under one savepoint:
        an error (a line that cannot be read halfway through the file, say)
        leaves nothing half-written.
        """
        self.ensure_one()
        self._dso_check_import_access()
        reader = reader or self._dso_open_file()
        mapping = mapping or self._dso_column_mapping(reader)
        if not dry_run and not self.env["res.partner"].has_access("create"):
            raise UserError(
                self.env._("You are not allowed to create contacts: ask an administrator.")
            )
        if not dry_run and not self.skip_invalid:
            check = self._dso_process_rows(
                reader, self._dso_rows(reader), mapping, dry_run=True
            )
            if check.rejected:
                check.created = check.updated = check.skipped = 0
                self._dso_store_result(reader, check, dry_run=False, rows_read=None)
                self.result_message = self.env._(
                    "Nothing was imported: %(count)s rows are invalid and "
                    '"Skip invalid rows" is off. Fix them (see the report) or '
                    "turn the option on.",
                    count=check.rejected,
                ) + ("\n" + self.result_message if self.result_message else "")
                return check
        rows = self._dso_rows(reader)
        if dry_run:
            run = self._dso_process_rows(reader, rows, mapping, dry_run=True)
        else:
            # a file that turns out unreadable halfway leaves nothing written
            with self.env.cr.savepoint():
                run = self._dso_process_rows(reader, rows, mapping, dry_run=False)
        self._dso_store_result(reader, run, dry_run=dry_run)
        return run

    def _dso_process_rows(self, reader, rows, mapping, dry_run, run=None):
        """Import ``rows`` (an iterable of ``(line, cells)``) batch by batch."""
        run = run or self._dso_new_run(reader)
        context = self._dso_lookup_context()
        process = (
            self._dso_process_contact_batch
            if self.import_type == "contacts"
            else self._dso_process_customer_batch
        )
        for batch in iter_chunks(rows, BATCH_SIZE):
            process(batch, mapping, context, run, dry_run)
        return run

    def _dso_new_run(self, reader):
        run = ImportRun(reader.header, reader.delimiter if reader.kind == "csv" else ",")
        run.reason_label = self.env._("Reason")
        return run

    def _dso_store_result(self, reader, run, dry_run, rows_read=True):
        report = run.report.getvalue().encode("utf-8-sig") if run.report else False
        base = (self.import_filename or "import").rsplit(".", 1)[0]
        lines = list(run.warnings)
        if run.warning_count > len(run.warnings):
            lines.append(
                self.env._(
                    "... and %(count)s more warnings.",
                    count=run.warning_count - len(run.warnings),
                )
            )
        self.write(
            {
                "state": "mapping" if dry_run else "done",
                "is_dry_run": dry_run,
                "row_count": run.created + run.updated + run.skipped + run.rejected,
                "created_count": run.created,
                "updated_count": run.updated,
                "skipped_count": run.skipped,
                "error_count": run.rejected,
                "warning_count": run.warning_count,
                "result_message": "\n".join(lines) or False,
                "report_file": base64.b64encode(report) if report else False,
                "report_filename": f"{base}_rejected.csv" if report else False,
            }
        )

    def _dso_lookup_context(self):
        """Roles, languages and countries, read once per run."""
        langs = {}
        for lang in self.env["res.lang"].search_fetch([], ["code", "iso_code", "name"]):
            keys = {lang.code, lang.iso_code, lang.name, *lang.name.split("/")}
            for key in keys:
                if key:
                    langs.setdefault(normalize(key), lang.code)
        roles = {}
        role_records = self.env["dso.contact.role"].search([("active", "=", True)])
        for lang_code in {*langs.values(), "en_US"}:
            for role in role_records.with_context(lang=lang_code):
                roles.setdefault(normalize(role.name), role.id)
        for role in role_records:
            if role.code:
                roles[normalize(role.code)] = role.id
        by_code = {role.code: role.id for role in role_records if role.code}
        for word, code in ROLE_INDEX.items():
            if code in by_code:
                roles.setdefault(word, by_code[code])
        countries = {}
        country_records = self.env["res.country"].search_fetch(
            [("code", "!=", False)], ["code", "name"]
        )
        if self.import_type == "customers":
            for lang_code in {self.env.lang or "en_US", "en_US"}:
                for country in country_records.with_context(lang=lang_code):
                    countries.setdefault(normalize(country.name), country.id)
            for country in country_records:
                countries[normalize(country.code)] = country.id
        return {
            "langs": langs,
            "roles": roles,
            "countries": countries,
            "country_codes": {country.id: country.code for country in country_records},
            "company_country": self.env.company.country_id.code,
        }

    # -- row validation --------------------------------------------------------

    def _dso_row_values(self, cells, mapping, header_length):
        """``({field: text}, reason)`` of one row; ``reason`` when it is invalid."""
        extra = [cell for cell in cells[header_length:] if cell]
        if extra:
            return None, self.env._(
                "This row has %(count)s values but the header has %(columns)s columns.",
                count=header_length + len(extra),
                columns=header_length,
            )
        values = {}
        for field, index in mapping.items():
            value = cells[index] if index < len(cells) else ""
            limit = MAX_LENGTHS.get(field, DEFAULT_MAX_LENGTH)
            if len(value) > limit:
                return None, self.env._(
                    "The value of %(column)s is too long (%(length)s characters; at "
                    "most %(max)s).",
                    column=self._dso_column_label(index),
                    length=len(value),
                    max=limit,
                )
            values[field] = value
        return values, None

    def _dso_column_label(self, index):
        line = self.line_ids.filtered(lambda line: line.column_index == index)[:1]
        return line.column_name or str(index + 1)

    def _dso_check_email(self, email):
        """``(normalised email, reason)``; an empty email is fine."""
        if not email:
            return False, None
        normalized = email_normalize(email, strict=True)
        if not normalized or not EMAIL_RE.match(normalized):
            return False, self.env._(
                "%(email)s is not a valid email address (reminders would bounce).",
                email=email,
            )
        return email.strip(), None

    def _dso_phone(self, number, country_code, line, run, label):
        """The number in E.164 form, else as written with a warning."""
        if not number:
            return False
        e164 = to_e164(number, country_code)
        if e164:
            return e164
        run.warn(
            self.env._(
                "Line %(line)s: the %(label)s %(number)s could not be read as a phone "
                "number; it is kept as written.",
                line=line,
                label=label,
                number=number,
            )
        )
        return number

    def _dso_find_customers(self, refs):
        """``{ref: customer}`` of the customers (companies or people without
        parent) visible in the current company, or shared; one search."""
        refs = [ref for ref in refs if ref]
        if not refs:
            return {}, set()
        customers = (
            self.env["res.partner"]
            .with_context(active_test=True)
            .search_fetch(
                [
                    ("ref", "in", refs),
                    ("parent_id", "=", False),
                    ("company_id", "in", [False, self.env.company.id]),
                ],
                ["ref", "company_id", "country_id", "lang", "name"],
            )
        )
        found, ambiguous = {}, set()
        for customer in customers.sorted(lambda c: (not c.company_id, c.id)):
            current = found.get(customer.ref)
            if current and bool(current.company_id) == bool(customer.company_id):
                ambiguous.add(customer.ref)
            found.setdefault(customer.ref, customer)
        return found, ambiguous

    # -- contacts --------------------------------------------------------------

    def _dso_process_contact_batch(self, batch, mapping, context, run, dry_run):
        header_length = len(run.header)
        rows = []
        for line, cells in batch:
            values, reason = self._dso_row_values(cells, mapping, header_length)
            if reason:
                run.reject(line, cells, reason)
                continue
            rows.append((line, cells, values))
        customers, ambiguous = self._dso_find_customers(
            {values.get("customer_ref") for _line, _cells, values in rows}
        )
        existing = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search_fetch(
                [("parent_id", "in", [c.id for c in customers.values()])],
                ["parent_id", "name", "email"],
            )
        )
        known = {
            (
                contact.parent_id.id,
                normalize(contact.name),
                (contact.email or "").strip().lower(),
            )
            for contact in existing
        }
        to_create = []
        for line, cells, values in rows:
            vals, reason = self._dso_contact_vals(
                line, values, customers, ambiguous, context, run
            )
            if reason:
                run.reject(line, cells, reason)
                continue
            key = (
                vals["parent_id"],
                normalize(vals["name"]),
                (vals.get("email") or "").lower(),
            )
            if key in known or key in run.seen_keys:
                run.skipped += 1
                if vals.get("is_collection_contact") and key in known:
                    run.warn(
                        self.env._(
                            "Line %(line)s: %(name)s is already a contact of this "
                            "customer; imports add contacts and do not change existing "
                            "ones, so its contact for collection flag was left as it is.",
                            line=line,
                            name=vals["name"],
                        )
                    )
                continue
            run.seen_keys.add(key)
            if vals.get("is_collection_contact"):
                previous = run.collection_lines.get(vals["parent_id"])
                if previous:
                    run.warn(
                        self.env._(
                            "Lines %(first)s and %(line)s both mark a contact for "
                            "collection of customer %(customer)s: the last one (line "
                            "%(line)s) wins.",
                            first=previous,
                            line=line,
                            customer=values.get("customer_ref"),
                        )
                    )
                run.collection_lines[vals["parent_id"]] = line
            to_create.append((line, cells, vals))
        if dry_run:
            run.created += len(to_create)
            return
        parents = self.env["res.partner"].browse(
            {vals["parent_id"] for _l, _c, vals in to_create}
        )
        self._dso_create_contacts(to_create, parents, run)

    def _dso_contact_vals(self, line, values, customers, ambiguous, context, run):
        """``(res.partner values, reason)`` of one contact row."""
        ref = values.get("customer_ref")
        name = values.get("name") or " ".join(
            part for part in (values.get("firstname"), values.get("lastname")) if part
        )
        if not ref:
            return None, self.env._("The customer code is missing.")
        if not name:
            return None, self.env._("The contact name is missing.")
        if ref in ambiguous:
            return None, self.env._(
                "Several customers have the code %(ref)s in this company: give each a "
                "code of its own.",
                ref=ref,
            )
        customer = customers.get(ref)
        if not customer:
            return None, self.env._(
                "No customer has the code %(ref)s in the current company.", ref=ref
            )
        email, reason = self._dso_check_email(values.get("email"))
        if reason:
            return None, reason
        country_code = (
            context["country_codes"].get(customer.country_id.id) or context["company_country"]
        )
        vals = {
            "name": name,
            "parent_id": customer.id,
            "type": "contact",
            "is_company": False,
            "email": email,
            "phone": self._dso_phone(
                values.get("phone"), country_code, line, run, self.env._("phone")
            ),
            "mobile": self._dso_phone(
                values.get("mobile"), country_code, line, run, self.env._("mobile")
            ),
            "function": values.get("function") or False,
            "comment": plaintext2html(values["comment"]) if values.get("comment") else False,
            "is_collection_contact": is_true(values.get("is_collection_contact")),
        }
        if values.get("role"):
            role_id = context["roles"].get(normalize(values["role"]))
            if role_id:
                vals["contact_role_id"] = role_id
            else:
                run.warn(
                    self.env._(
                        "Line %(line)s: the role %(role)s is unknown; the contact is "
                        "imported without a role.",
                        line=line,
                        role=values["role"],
                    )
                )
        if values.get("lang"):
            lang = context["langs"].get(normalize(values["lang"]))
            if lang:
                vals["lang"] = lang
            else:
                run.warn(
                    self.env._(
                        "Line %(line)s: the language %(lang)s is not installed; the "
                        "contact gets its customer's language.",
                        line=line,
                        lang=values["lang"],
                    )
                )
        return vals, None

    def _dso_parent_sync_values(self, parents):
        """What Odoo copies from a customer to each new contact, per customer.

        The same values ``res.partner._fields_sync`` writes contact by contact
        after its create (commercial fields, company-dependent ones included,
        the address when the customer has one, and the language), read here
        for all the batch's customers at once and given to ``create``.
        """
        partner_model = self.env["res.partner"]
        commercial_fields = self._dso_commercial_sync_fields()
        address_fields = partner_model._address_fields()
        parents.fetch([*commercial_fields, *address_fields, "lang", "company_id", "user_id"])
        parents.commercial_partner_id.fetch(commercial_fields)
        sync = {}
        for parent in parents:
            values = parent.commercial_partner_id._update_fields_values(commercial_fields)
            if any(parent[fname] for fname in address_fields):
                values.update(parent._update_fields_values(address_fields))
            values["lang"] = parent.lang
            values["company_id"] = parent.company_id.id
            # precomputed at create from the parent (one new record per contact
            # otherwise): a contact's salesperson is its customer's
            values["user_id"] = parent.user_id.id
            sync[parent.id] = values
        return sync

    @api.model
    def _dso_commercial_sync_fields(self):
        """The commercial fields to copy from the customer at create.

        A commercial field computed from a company-dependent commercial field
        (the pricelist, computed from ``specific_property_product_pricelist``)
        is given through that stored field: the contact computes the same
        value, without running the computed field's inverse (a search) once per
        contact, as Odoo's per-contact sync does.
        """
        partner_model = self.env["res.partner"]
        stored_sources = set(partner_model._company_dependent_commercial_fields())
        sync_fields = []
        for fname in partner_model._commercial_fields():
            field = partner_model._fields[fname]
            depends = set(self.pool.field_depends[field])
            if not field.store and field.inverse and stored_sources & depends:
                continue
            sync_fields.append(fname)
        return [*sync_fields, *(stored_sources - set(sync_fields))]

    def _dso_create_contacts(self, rows, parents, run, extra_vals=None):
        """Create the contacts of ``rows`` (``(line, cells, vals)``) in one
        batch ``create``; a batch that fails is retried row by row so that only
        the failing rows are rejected."""
        if not rows:
            return self.env["res.partner"]
        sync = self._dso_parent_sync_values(parents)
        partner_model = self._dso_partner_model()
        vals_list = [
            {**sync[vals["parent_id"]], **vals, **(extra_vals or {})} for _l, _c, vals in rows
        ]
        # the defaults are the same for every row: read them once per batch
        # rather than once per contact inside create()
        given = set().union(*vals_list)
        missing = [fname for fname in partner_model._fields if fname not in given]
        defaults = partner_model.default_get(missing)
        vals_list = [{**defaults, **vals} for vals in vals_list]
        try:
            with self.env.cr.savepoint():
                contacts = partner_model.create(vals_list)
                self._dso_sync_other_companies(contacts)
        except (UserError, ValidationError, DatabaseError) as error:
            if not self.skip_invalid:
                raise UserError(
                    self.env._(
                        "The import stopped, nothing was imported: %(error)s", error=error
                    )
                ) from error
            _logger.info("Batch create failed (%s), retrying row by row", error)
            contacts = partner_model
            for (line, cells, _vals), vals in zip(rows, vals_list, strict=True):
                try:
                    with self.env.cr.savepoint():
                        contact = partner_model.create([vals])
                        self._dso_sync_other_companies(contact)
                        contacts |= contact
                except (UserError, ValidationError, DatabaseError) as row_error:
                    run.reject(
                        line, cells, str(row_error.args[0] if row_error.args else row_error)
                    )
        run.created += len(contacts)
        return contacts

    def _dso_partner_model(self):
        # Odoo's per-record sync is skipped (its values are given to create,
        # see _dso_parent_sync_values); no creation message or tracking on
        # imported contacts, as Odoo's own import
        return self.env["res.partner"].with_context(
            _partners_skip_fields_sync=True,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
        )

    def _dso_sync_other_companies(self, contacts):
        """Company-dependent commercial fields in the other companies, as
        ``_company_dependent_commercial_sync`` does, one write per company and
        distinct value set instead of one per contact."""
        fields_to_sync = contacts._company_dependent_commercial_fields()
        if not fields_to_sync or not contacts:
            return
        for company in (
            self.env["res.company"].sudo().search([("id", "!=", self.env.company.id)])
        ):
            groups = defaultdict(lambda: contacts.browse())
            contacts_in_company = contacts.sudo().with_company(company)
            for contact in contacts_in_company:
                values = contact.parent_id._update_fields_values(fields_to_sync)
                groups[tuple(sorted(values.items()))] |= contact
            for values, group in groups.items():
                group.write(dict(values))

    # -- customers -------------------------------------------------------------

    def _dso_process_customer_batch(self, batch, mapping, context, run, dry_run):
        header_length = len(run.header)
        rows = []
        for line, cells in batch:
            values, reason = self._dso_row_values(cells, mapping, header_length)
            if not reason:
                ref = values.get("ref")
                if not ref:
                    reason = self.env._("The customer code is missing.")
                elif ref in run.customer_lines:
                    reason = self.env._(
                        "The customer code %(ref)s is already on line %(line)s of this file.",
                        ref=ref,
                        line=run.customer_lines[ref],
                    )
            if reason:
                run.reject(line, cells, reason)
                continue
            run.customer_lines[values["ref"]] = line
            rows.append((line, cells, values))
        customers, ambiguous = self._dso_find_customers(
            {values["ref"] for _l, _c, values in rows}
        )
        to_create, to_update, contact_plans = [], [], []
        for line, cells, values in rows:
            vals, reason = self._dso_customer_vals(values, customers, ambiguous, context)
            if reason:
                run.reject(line, cells, reason)
                continue
            customer = customers.get(values["ref"])
            country_id = vals.get("country_id") or (
                customer.country_id.id if customer else False
            )
            country_code = (
                context["country_codes"].get(country_id) or context["company_country"]
            )
            if "phone" in vals:
                vals["phone"] = self._dso_phone(
                    vals["phone"], country_code, line, run, self.env._("phone")
                )
            contact = {
                "name": values.get("contact_name") or vals.get("name") or customer.name,
                "email": vals.get("email") or False,
                "phone": vals.get("phone") or False,
            }
            has_contact = bool(
                values.get("contact_name") or contact["email"] or contact["phone"]
            )
            if customer:
                changes = {
                    fname: value
                    for fname, value in vals.items()
                    if self._dso_differs(customer, fname, value)
                }
                to_update.append((line, cells, customer, changes))
            else:
                to_create.append((line, cells, {**vals, "ref": values["ref"]}))
            contact_plans.append(
                (line, customer or values["ref"], contact if has_contact else None)
            )
        if dry_run:
            run.created += len(to_create)
            for _line, _cells, _customer, changes in to_update:
                if changes:
                    run.updated += 1
                else:
                    run.skipped += 1
            return
        created, failed = self._dso_write_customers(to_create, to_update, run)
        self._dso_write_company_role_contacts(
            [plan for plan in contact_plans if plan[0] not in failed], created
        )

    def _dso_customer_vals(self, values, customers, ambiguous, context):
        ref = values["ref"]
        if ref in ambiguous:
            return None, self.env._(
                "Several customers have the code %(ref)s in this company: give each a "
                "code of its own.",
                ref=ref,
            )
        if not customers.get(ref) and not values.get("name"):
            return None, self.env._(
                "The customer name is missing (new customer %(ref)s).", ref=ref
            )
        vals = {}
        for fname in ("name", "street", "street2", "zip", "city", "vat", "phone"):
            if values.get(fname):
                vals[fname] = values[fname]
        email, reason = self._dso_check_email(values.get("email"))
        if reason:
            return None, reason
        if email:
            vals["email"] = email
        if values.get("country"):
            country_id = context["countries"].get(normalize(values["country"]))
            if not country_id:
                return None, self.env._(
                    "The country %(country)s is unknown: use its name or its two-letter "
                    "code (FR, DE...).",
                    country=values["country"],
                )
            vals["country_id"] = country_id
        if values.get("lang"):
            lang = context["langs"].get(normalize(values["lang"]))
            if not lang:
                return None, self.env._(
                    "The language %(lang)s is not installed.", lang=values["lang"]
                )
            vals["lang"] = lang
        return vals, None

    @api.model
    def _dso_differs(self, record, fname, value):
        current = record[fname]
        if isinstance(current, models.BaseModel):
            current = current.id
        return (current or False) != (value or False)

    def _dso_write_customers(self, to_create, to_update, run):
        """Create and update the customers.

        :return: ``({ref: new customer}, lines of the rows that failed)``; a
            row refused by the ORM (a constraint, a tax ID check) is rejected
            with the ORM's message, the others go through
        """
        partner_model = self._dso_partner_model().with_context(
            _partners_skip_fields_sync=False
        )
        created, failed = {}, set()
        rows = [
            (line, cells, {**vals, "is_company": True, "customer_rank": 1,
                           "company_id": self.env.company.id})
            for line, cells, vals in to_create
        ]  # fmt: skip
        if rows:
            try:
                with self.env.cr.savepoint():
                    customers = partner_model.create([vals for _l, _c, vals in rows])
            except (UserError, ValidationError, DatabaseError):
                customers = partner_model
                for line, cells, vals in rows:
                    error = self._dso_try(lambda vals=vals: partner_model.create([vals]))
                    if isinstance(error, models.BaseModel):
                        customers |= error
                    else:
                        self._dso_row_failed(run, failed, line, cells, error)
            for customer in customers:
                created[customer.ref] = customer
            run.created += len(customers)
        for line, cells, customer, changes in to_update:
            if not customer.customer_rank:
                changes = {**changes, "customer_rank": 1}
            if not changes:
                run.skipped += 1
                continue
            error = self._dso_try(
                lambda customer=customer, changes=changes: customer.write(changes)
            )
            if error is True:
                run.updated += 1
            else:
                self._dso_row_failed(run, failed, line, cells, error)
        return created, failed

    def _dso_try(self, function):
        """``function()``'s result, or the ORM's error message when it fails
        (under a savepoint, so that the failure writes nothing)."""
        try:
            with self.env.cr.savepoint():
                return function()
        except (UserError, ValidationError, DatabaseError) as error:
            if not self.skip_invalid:
                raise UserError(
                    self.env._(
                        "The import stopped, nothing was imported: %(error)s", error=error
                    )
                ) from error
            return str(error.args[0] if error.args else error)

    def _dso_row_failed(self, run, failed, line, cells, message):
        failed.add(line)
        run.reject(line, cells, message)

    def _dso_write_company_role_contacts(self, plans, created):
        """Make the row's contact data the single Company-role contact of each
        customer. Company-role contacts are closed to hand edits; the import
        writes them as superuser after checking the user is an accounting user.
        Other contacts are never touched."""
        self._dso_check_import_access()
        partner_model = self._dso_partner_model().sudo()
        customers = partner_model.browse(
            (created[key] if isinstance(key, str) else key).id for _line, key, _c in plans
        )
        current = partner_model.search_fetch(
            [("parent_id", "in", customers.ids), ("is_company_role", "=", True)],
            ["parent_id", "name", "email", "phone"],
        )
        by_customer = defaultdict(list)
        for contact in current:
            by_customer[contact.parent_id.id].append(contact)
        to_archive = partner_model.browse()
        to_create = []
        for (_line, _key, wanted), customer in zip(plans, customers, strict=True):
            existing = by_customer.get(customer.id, [])
            if not wanted:
                to_archive |= partner_model.browse(c.id for c in existing)
                continue
            if existing:
                keep, *others = existing
                to_archive |= partner_model.browse(c.id for c in others)
                changes = {k: v for k, v in wanted.items() if self._dso_differs(keep, k, v)}
                if changes:
                    keep.write(changes)
            else:
                to_create.append(
                    (
                        _line,
                        [],
                        {
                            **wanted,
                            "parent_id": customer.id,
                            "type": "contact",
                            "is_company_role": True,
                        },
                    )
                )
        if to_archive:
            to_archive.write({"active": False})
        if to_create:
            sync = self._dso_parent_sync_values(
                customers.browse({v["parent_id"] for *_x, v in to_create})
            )
            partner_model.create(
                [{**sync[vals["parent_id"]], **vals} for _line, _cells, vals in to_create]
            )


class DsoContactImportLine(models.TransientModel):
    _name = "dso.contact.import.line"
    _description = "Import Column Mapping"
    _order = "column_index"

    wizard_id = fields.Many2one("dso.contact.import", required=True, ondelete="cascade")
    column_index = fields.Integer(readonly=True)
    column_name = fields.Char(string="Column", readonly=True)
    sample = fields.Char(string="First value", readonly=True)
    contact_field = fields.Selection(
        CONTACT_FIELDS, string="Imported as", help="Empty: the column is not imported."
    )
    customer_field = fields.Selection(
        CUSTOMER_FIELDS, string="Imported as ", help="Empty: the column is not imported."
    )
