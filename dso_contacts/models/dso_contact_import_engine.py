# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import re
from collections import defaultdict

from psycopg2 import Error as DatabaseError

from odoo import api, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.mail import email_normalize

from ..tools.file_reader import (
    BATCH_SIZE,
    FileReadError,
    ImportFile,
    iter_chunks,
    scan_columns,
)
from ..tools.header_guess import guess_columns, normalize
from ..tools.import_report import ImportRun
from ..tools.phone_repair import repair_phone

REQUIRED_FIELDS = {"contacts": ("customer_ref",), "customers": ("ref",)}
# longest value accepted per target field; longer cells reject their row
MAX_LENGTHS = {"comment": 10000, "street": 256, "street2": 256}
DEFAULT_MAX_LENGTH = 256
# one address, a local part and a domain with a dot: what a reminder can reach
EMAIL_RE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]+$")
PARAM_MAX_SIZE = "dso_contacts.import_max_size_mb"
PARAM_BACKGROUND_ROWS = "dso_contacts.import_background_rows"
DEFAULT_MAX_SIZE_MB = 50
DEFAULT_BACKGROUND_ROWS = 10000
SAMPLE_ROWS = 50
SAMPLE_VALUES = 20
SCAN_ROWS = 1000
# the engine of each kind of import
ENGINES = {
    "contacts": "dso.contact.import.contacts",
    "customers": "dso.contact.import.customers",
}


def file_error_message(env, error):
    """The user's message for a :class:`FileReadError`."""
    params = error.params
    messages = {
        "empty": env._("The file is empty."),
        "no_header": env._("The file has no header row."),
        "unsupported": env._(
            "Files of type .%(extension)s cannot be imported: use a .csv, .txt, "
            ".xls, .xlsx or .ods file.",
            extension=params.get("extension") or "?",
        ),
        "binary": env._(
            "This file is not a text file: it may be a spreadsheet or another "
            "document renamed .csv or .txt. Save it as CSV, or import the "
            "spreadsheet itself (.xls, .xlsx, .ods)."
        ),
        "encoding": env._(
            "The file cannot be read with the %(encoding)s encoding (line "
            "%(line)s). Choose the file's encoding, or save it again as UTF-8.",
            encoding=params.get("encoding"),
            line=params.get("line", 1),
        ),
        "corrupt": env._(
            "This file is not a valid .%(extension)s file: it is damaged, "
            "truncated, or another kind of file renamed. Open it in your "
            "spreadsheet software and save it again.",
            extension=params.get("extension"),
        ),
        "too_big_uncompressed": env._(
            "This spreadsheet expands to %(size)s MB when opened, which is too "
            "much to import. Save it as CSV, or split it.",
            size=round(params.get("size", 0) / 1024 / 1024),
        ),
        "no_sheet": env._(
            "The file has no sheet named %(sheet)s.", sheet=params.get("sheet") or "?"
        ),
        "bad_line": env._(
            "Line %(line)s of the file cannot be read (%(reason)s). Check its "
            "quotes and that no value is extremely long.",
            line=params.get("line"),
            reason=params.get("reason"),
        ),
    }
    return messages.get(error.code) or env._("The file could not be read.")


class DsoContactImportEngine(models.AbstractModel):
    """The import of contacts or customers, behind every door.

    The wizard (``dso.contact.import``) collects the file and the mapping and
    calls it; the background job (``dso.contact.import.job``) calls it batch
    by batch, each through the engine of its kind of import (``ENGINES``:
    ``dso.contact.import.contacts`` and ``dso.contact.import.customers``,
    which inherit this one). This one reads the file, checks the mapping,
    runs the batches and holds what both kinds share.
    """

    _name = "dso.contact.import.engine"
    _description = "Import of Contacts or Customers"

    # -- rights and limits -----------------------------------------------------

    @api.model
    def _check_import_access(self):
        if not self.env.su and not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._(
                    "Only accounting users (Billing or Accountant) can import contacts."
                )
            )

    @api.model
    def _param_number(self, key, default, kind):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return kind(value or default)
        except ValueError:
            return default

    @api.model
    def _max_size(self):
        return self._param_number(PARAM_MAX_SIZE, DEFAULT_MAX_SIZE_MB, float) * 1024 * 1024

    @api.model
    def _background_rows(self):
        return self._param_number(PARAM_BACKGROUND_ROWS, DEFAULT_BACKGROUND_ROWS, int)

    # -- reading the file --------------------------------------------------------

    @api.model
    def _decode_file(self, encoded, filename):
        """The bytes of an uploaded (base64) file, within the size limit."""
        if not encoded:
            if filename:
                raise UserError(self.env._("The file is empty."))
            raise UserError(self.env._("Choose the file to import."))
        max_size = self._max_size()
        size = len(encoded) * 3 / 4
        if size > max_size:
            raise UserError(
                self.env._(
                    "This file is too big (%(size)s MB): the import accepts files of up "
                    "to %(max)s MB. Split it, or ask an administrator to raise the limit "
                    "(system parameter %(param)s).",
                    size=round(size / 1024 / 1024, 1),
                    max=round(max_size / 1024 / 1024, 1),
                    param=PARAM_MAX_SIZE,
                )
            )
        try:
            return base64.b64decode(encoded, validate=False)
        except ValueError as error:
            raise UserError(self.env._("The file could not be read.")) from error

    @api.model
    def _open_file(self, data, filename, encoding=None, delimiter=None, sheet=None):
        """The file as an :class:`ImportFile`; a UserError when unreadable.
        The languages of the company and the user help guess the encoding of
        a text file."""
        languages = [self.env.company.partner_id.lang, self.env.user.lang]
        try:
            return ImportFile(
                data,
                filename,
                encoding=encoding,
                delimiter=delimiter,
                sheet=sheet,
                languages=[lang for lang in languages if lang],
            )
        except FileReadError as error:
            raise UserError(self._file_error_message(error)) from error

    @api.model
    def _rows(self, reader):
        """The file's rows; a problem met while reading them is a UserError."""
        try:
            yield from reader.rows()
        except FileReadError as error:
            raise UserError(self._file_error_message(error)) from error

    @api.model
    def _count_rows(self, reader):
        return sum(1 for _row in self._rows(reader))

    @api.model
    def _scan_file(self, reader, first_count=SAMPLE_ROWS):
        """``(first rows, values per column)``: the first rows for the
        preview, and the values that the guessing reads (see
        :func:`scan_columns`); ``[]`` for a column empty in the whole file."""
        try:
            return scan_columns(
                reader.rows(), len(reader.header), first_count, SAMPLE_VALUES, SCAN_ROWS
            )
        except FileReadError as error:
            raise UserError(self._file_error_message(error)) from error

    @api.model
    def _file_error_message(self, error):
        return file_error_message(self.env, error)

    # -- mapping -----------------------------------------------------------------

    @api.model
    def _field_labels(self, import_type):
        field_name = "contact_field" if import_type == "contacts" else "customer_field"
        return dict(
            self.env["dso.contact.import.line"]
            ._fields[field_name]
            ._description_selection(self.env)
        )

    @api.model
    def _propose_fields(self, reader, import_type, samples=None):
        """``([(target field or None, reason)] per column, saved mapping)``:
        the mapping saved for this layout, else the guess from the headers
        and the ``samples`` of each column's values."""
        saved = self.env["dso.import.mapping"]._find_for_layout(reader, import_type)
        if saved:
            column_map = {
                int(index): field for index, field in (saved.column_map or {}).items()
            }
            return [
                (column_map.get(index), "saved" if column_map.get(index) else None)
                for index in range(len(reader.header))
            ], saved
        labels = {field: [label] for field, label in self._field_labels(import_type).items()}
        return guess_columns(reader.header, import_type, labels, samples), saved

    @api.model
    def _check_mapping(self, import_type, targets, header):
        """``{target field: column index}`` from ``targets`` (``(column index,
        target field)`` pairs), checked against the file's ``header``."""
        labels = self._field_labels(import_type)
        mapping, columns = {}, defaultdict(list)
        for index, target in sorted(targets):
            if not target:
                continue
            if index >= len(header):
                raise UserError(
                    self.env._(
                        "The column %(column)s is not in this file: load the file again.",
                        column=index + 1,
                    )
                )
            columns[target].append(header[index] or str(index + 1))
            mapping[target] = index
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
        missing = [labels[f] for f in self._missing_fields(import_type, mapping)]
        if missing:
            raise UserError(
                self.env._(
                    "Map a column to each of these fields: %(fields)s.",
                    fields=", ".join(missing),
                )
            )
        return mapping

    @api.model
    def _missing_fields(self, import_type, mapped):
        """The required fields that no column of ``mapped`` gives."""
        missing = [f for f in REQUIRED_FIELDS[import_type] if f not in mapped]
        if import_type == "contacts" and not {"name", "firstname", "lastname"} & set(mapped):
            missing.append("name")
        return missing

    # -- running -------------------------------------------------------------------

    @api.model
    def _new_run(self, reader, import_type, skip_invalid=True):
        run = ImportRun(
            reader.header,
            reader.delimiter if reader.kind == "csv" else ",",
            import_type=import_type,
            skip_invalid=skip_invalid,
        )
        run.reason_label = self.env._("Reason")
        return run

    @api.model
    def _import(self, reader, mapping, run, dry_run):
        """Read every row and import it (or only validate it when ``dry_run``).

        With "Skip invalid rows" off, every row is validated first and nothing
        is written when one is invalid: the returned run counts the invalid
        rows only. The writes happen under one savepoint: an error (a line
        that cannot be read halfway, say) leaves nothing half-written.

        :return: the run, and the message saying why nothing was written
        """
        self._check_import_access()
        if not dry_run and not self.env["res.partner"].has_access("create"):
            raise UserError(
                self.env._("You are not allowed to create contacts: ask an administrator.")
            )
        if not dry_run and not run.skip_invalid:
            check = self._new_run(reader, run.import_type, skip_invalid=True)
            self._process_rows(check, self._rows(reader), mapping, dry_run=True)
            if check.rejected:
                check.created = check.updated = check.skipped = 0
                return check, self.env._(
                    "Nothing was imported: %(count)s rows are invalid and "
                    '"Skip invalid rows" is off. Fix them (see the report) or '
                    "turn the option on.",
                    count=check.rejected,
                )
        if dry_run:
            self._process_rows(run, self._rows(reader), mapping, dry_run=True)
        else:
            with self.env.cr.savepoint():
                self._process_rows(run, self._rows(reader), mapping, dry_run=False)
        return run, None

    @api.model
    def _process_rows(self, run, rows, mapping, dry_run):
        """Import ``rows`` (an iterable of ``(line, cells)``) batch by batch."""
        if run.context is None:
            run.context = self._lookup_context()
        for batch in iter_chunks(rows, BATCH_SIZE):
            self._process_batch(run, batch, mapping, dry_run)
            # the batch is in the database: the ORM's cache of its records
            # would otherwise grow with the file (900 MB for 100,000 rows)
            self.env.flush_all()
            self.env.invalidate_all()
        return run

    @api.model
    def _process_batch(self, run, batch, mapping, dry_run):
        """Validate and import one batch of rows: each kind of import has its own."""
        raise NotImplementedError

    @api.model
    def _remember_rows(self, run, rows, mapping):
        """Note what the rows already imported (before a pause) make known to
        the rest of the file: the keys of its contacts, its customer codes."""
        for line, cells in rows:
            values, reason = self._row_values(run, cells, mapping)
            if not reason:
                self._remember_row(run, line, values)

    @api.model
    def _remember_row(self, run, line, values):
        """Note one row already imported; each kind of import has its own."""

    @api.model
    def _warning_lines(self, run):
        lines = list(run.warnings)
        if run.warning_count > len(run.warnings):
            lines.append(
                self.env._(
                    "... and %(count)s more warnings.",
                    count=run.warning_count - len(run.warnings),
                )
            )
        return lines

    @api.model
    def _lookup_context(self):
        """Languages and countries, read once per run (the kinds of import add
        their own lookups)."""
        langs = {}
        for lang in self.env["res.lang"].search_fetch([], ["code", "iso_code", "name"]):
            for key in {lang.code, lang.iso_code, lang.name, *lang.name.split("/")}:
                if key:
                    langs.setdefault(normalize(key), lang.code)
        countries = self.env["res.country"].search_fetch([("code", "!=", False)], ["code"])
        return {
            "langs": langs,
            "country_codes": {country.id: country.code for country in countries},
            "company_country": self.env.company.country_id.code,
        }

    # -- row validation ----------------------------------------------------------

    @api.model
    def _row_values(self, run, cells, mapping):
        """``({field: text}, reason)`` of one row; ``reason`` when it is invalid."""
        header_length = len(run.header)
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
                    column=run.column_label(index),
                    length=len(value),
                    max=limit,
                )
            values[field] = value
        return values, None

    @api.model
    def _check_email(self, email):
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

    @api.model
    def _phone(self, number, country_code, line, run, label):
        """The number in E.164 form (as a spreadsheet may have left it: no
        "+", no leading zero), else as written with a warning."""
        if not number:
            return False
        e164 = repair_phone(number, country_code)
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

    @api.model
    def _find_customers(self, refs):
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

    # -- writing -------------------------------------------------------------------

    @api.model
    def _partner_model(self):
        # no creation message or tracking on imported contacts, as Odoo's own
        # import
        return self.env["res.partner"].with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
        )

    @api.model
    def _try(self, run, function):
        """``function()``'s result, or the ORM's error message when it fails
        (under a savepoint, so that the failure writes nothing)."""
        try:
            with self.env.cr.savepoint():
                return function()
        except (UserError, ValidationError, DatabaseError) as error:
            self._stop_unless_skipping(run, error)
            return str(error.args[0] if error.args else error)

    @api.model
    def _stop_unless_skipping(self, run, error):
        if not run.skip_invalid:
            raise UserError(
                self.env._("The import stopped, nothing was imported: %(error)s", error=error)
            ) from error
