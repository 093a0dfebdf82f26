# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import itertools
import logging

from psycopg2 import Error as DatabaseError
from psycopg2 import errors as db_errors

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tools import split_every
from odoo.tools.mail import email_normalize, single_email_re
from odoo.tools.translate import translate_sql_constraint

from ..tools.file_reader import BATCH_SIZE, FileReadError, ImportFile, scan_columns
from ..tools.guards import check_collector
from ..tools.header_guess import normalize
from ..tools.import_report import ImportRun
from ..tools.phone_repair import repair_phone

_logger = logging.getLogger(__name__)

# longest value accepted per target field; longer cells reject their row
MAX_LENGTHS = {"comment": 10000, "street": 256, "street2": 256}
DEFAULT_MAX_LENGTH = 256
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
    def _check_rights(self):
        """Who may import: an accounting user (Billing or Accountant) allowed to
        create contacts. Every door goes through it (the wizard, the
        background job and its queue chunks, run as the import's user)."""
        check_collector(
            self.env,
            self.env._("Only accounting users (Billing or Accountant) can import contacts."),
        )
        self.env["res.partner"].check_access("create")

    @api.model
    def _param_number(self, key, default, kind):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return kind(value or default)
        except ValueError:
            _logger.warning(
                "System parameter %s is not a number (%r): %s used", key, value, default
            )
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
        """The number of rows: a file over the background threshold is
        imported by the background job, which shows its progress against it."""
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

    @api.model
    def _load(self, import_type, encoded, filename, options, targets=None):
        """Read and map: ``(reader, {target field: column index})`` of an
        uploaded (base64) file, with ``options`` (``encoding``, ``delimiter``,
        ``sheet``) and ``targets`` (``(column index, target field)`` pairs;
        ``None`` to read the file only, before its mapping)."""
        reader = self._open_file(
            self._decode_file(encoded, filename),
            filename,
            options.get("encoding") or None,
            options.get("delimiter") or None,
            options.get("sheet") or None,
        )
        if targets is None:
            return reader, None
        return reader, self._check_mapping(import_type, targets, reader.header)

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
    def _import_file(self, reader, mapping, run, dry_run=False):
        """Import a whole file in one transaction (the wizard's door).

        "Test" (``dry_run``) runs the real writes, each batch rolled back. With
        "Skip invalid rows" off, the import is a test first, then the real
        writes only when no row was rejected; a row refused during the real
        writes all the same (a record changed meanwhile) rolls everything back.

        :return: the run, and the message saying why nothing was written
        """
        self._check_rights()
        if dry_run:
            return self._run(run, self._rows(reader), mapping, dry_run=True), None
        if not run.skip_invalid:
            check = self._new_run(reader, run.import_type, skip_invalid=False)
            self._run(check, self._rows(reader), mapping, dry_run=True)
            if check.rejected:
                check.created = check.updated = check.skipped = 0
                return check, self._invalid_rows_message(check.rejected)
        with self.env.cr.savepoint() as savepoint:
            self._run(run, self._rows(reader), mapping)
            if run.stop:
                savepoint.close(rollback=True)
                self.env.invalidate_all()
                run.created = run.updated = run.skipped = 0
                return run, self.env._(
                    "Nothing was imported: line %(line)s was refused (%(reason)s) and "
                    '"Skip invalid rows" is off.',
                    line=run.stop["line"],
                    reason=run.stop["reason"],
                )
        return run, None

    @api.model
    def _run(self, run, rows, mapping, dry_run=False, start=0, on_batch=None):
        """The import behind every door: check the rights, then validate and
        write ``rows`` (``(line, cells)``) batch by batch, into ``run`` (the
        counts and the report of rejected rows).

        :param bool dry_run: the "Test": every batch written, then rolled back,
            so that it reports what the ORM, the database and other modules
            refuse, exactly as the import; every invalid row is reported
        :param int start: rows already imported by an earlier run (a resumed
            background job): read, remembered (what they make known to the
            rest of the file), not imported again
        :param on_batch: ``on_batch(batch, run)``, called after each batch is
            written: a door's progress (a background job commits there)
        :return: the run; ``run.stop`` says where the real writes stopped when
            a row was refused with "Skip invalid rows" off (that batch is
            rolled back; ``stop["last"]`` is the file's last line)
        """
        self._check_rights()
        if run.context is None:
            run.context = self._lookup_context()
        rows = iter(rows)
        if start:
            self._remember_rows(run, itertools.islice(rows, start), mapping)
        for batch in split_every(BATCH_SIZE, rows, list):
            if not self._run_batch(run, batch, mapping, dry_run):
                for line, _cells in rows:
                    run.stop["last"] = line
                break
            if on_batch:
                on_batch(batch, run)
        return run

    @api.model
    def _run_batch(self, run, batch, mapping, dry_run):
        """Validate and write one batch under a savepoint; rolled back in a dry
        run, or when a row is rejected and invalid rows are not skipped.
        Return whether the import goes on."""
        counts = (run.created, run.updated, run.skipped)
        rejected = run.rejected
        run.first_rejection = None
        try:
            with self.env.cr.savepoint() as savepoint:
                self._process_batch(run, batch, mapping)
                # the constraints checked at flush refuse rows here too
                self.env.flush_all()
                stop = not dry_run and not run.skip_invalid and run.rejected > rejected
                if dry_run or stop:
                    savepoint.close(rollback=True)
        except DatabaseError as error:
            # not a row's own refusal (those are rejected row by row): say it
            # in words, never as a raw SQL error
            _logger.warning("Import: the database refused a batch: %s", error)
            raise UserError(
                self.env._(
                    "The database refused the rows of lines %(first)s to %(last)s: %(reason)s",
                    first=batch[0][0],
                    last=batch[-1][0],
                    reason=self._refusal_message(error),
                )
            ) from error
        # the batch is in the database (or rolled back): the ORM's cache of its
        # records would otherwise grow with the file (900 MB for 100,000 rows)
        self.env.invalidate_all()
        if stop:
            run.created, run.updated, run.skipped = counts
            line, reason = run.first_rejection
            run.stop = {
                "line": line,
                "reason": reason,
                "first": batch[0][0],
                "last": batch[-1][0],
            }
        return not stop

    @api.model
    def _process_batch(self, run, batch, mapping):
        """Validate and import one batch of rows: each kind of import has its
        own. A row the ORM or the database refuses is rejected with
        :meth:`_refusal_message`, the others are written."""
        raise NotImplementedError

    @api.model
    def _invalid_rows_message(self, count):
        return self.env._(
            'Nothing was imported: %(count)s rows are invalid and "Skip invalid rows" '
            "is off. Fix them (see the report) or turn the option on.",
            count=count,
        )

    @api.model
    def _stopped_message(self, stop, created, updated, skipped):
        """What a background import that stopped midway has written, and what
        not: the batches before the refused row are committed."""
        return self.env._(
            'The import stopped: line %(line)s was refused (%(reason)s) and "Skip '
            'invalid rows" is off. %(done)s rows were imported (%(created)s created, '
            "%(updated)s updated, %(skipped)s skipped as already present); rows "
            "%(first)s to %(last)s were not imported. Fix the row (see the report) "
            'and click "Import again": the rows already imported are skipped.',
            line=stop["line"],
            reason=stop["reason"],
            done=created + updated + skipped,
            created=created,
            updated=updated,
            skipped=skipped,
            first=stop["first"],
            last=stop["last"],
        )

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
        # one address with a domain: what a reminder can reach
        if not email_normalize(email, strict=True) or not single_email_re.match(email.strip()):
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
    def _try(self, function):
        """``(function()'s result, None)``, or ``(None, the refusal's message)``
        when the ORM or the database refuses (under a savepoint, so that the
        failure writes nothing)."""
        try:
            with self.env.cr.savepoint():
                return function(), None
        except (UserError, ValidationError, DatabaseError) as error:
            _logger.info("Import: a row was refused: %s", error)
            return None, self._refusal_message(error)

    @api.model
    def _refusal_message(self, error):
        """A sentence for the report of a row that the ORM, the database or
        another module refused: never a raw SQL error."""
        if isinstance(error, db_errors.NotNullViolation):
            model = self.env.registry.get(
                next(
                    (
                        name
                        for name, model in self.env.registry.items()
                        if model._table == error.diag.table_name
                    ),
                    "",
                )
            )
            field = model._fields.get(error.diag.column_name) if model is not None else None
            return self.env._(
                "The field %(field)s is required: give it a value.",
                field=field._description_string(self.env) if field else error.diag.column_name,
            )
        if isinstance(error, DatabaseError):
            constraint = error.diag.constraint_name
            if constraint in self.env.registry._sql_constraints:
                return translate_sql_constraint(
                    self.env.cr, constraint, self.env.lang or "en_US"
                )
            if isinstance(error, db_errors.CheckViolation | db_errors.UniqueViolation):
                return self.env._(
                    "The database refused this row (rule %(constraint)s).",
                    constraint=constraint,
                )
            return str(_as_validation_error(self.env, error).args[0]).split("\n", 1)[0]
        return str(error.args[0] if error.args else error)
