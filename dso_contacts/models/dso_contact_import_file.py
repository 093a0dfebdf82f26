# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64

from odoo import api, models
from odoo.exceptions import UserError

from ..tools.file_reader import FileReadError, ImportFile, scan_columns
from .dso_contact_import_engine import PARAM_MAX_SIZE

SAMPLE_ROWS = 50
SAMPLE_VALUES = 20
SCAN_ROWS = 1000


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
    """The import engine's reading of a file: decoded within the size limit,
    opened (encoding, delimiter, sheet), scanned for the guess, mapped."""

    _inherit = "dso.contact.import.engine"

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
