"""Read the rows of an import file, without the ORM.

Supported: CSV and TXT (encoding and delimiter detected, both overridable),
XLS (``xlrd``), XLSX (``openpyxl`` in read-only streaming mode) and ODS
(read with the standard library's incremental XML parser).

Rows are *streamed*: :meth:`ImportFile.rows` is a generator, so the memory
used does not grow with the number of rows. Every cell comes back as text,
stripped; spreadsheet numbers keep their leading zeros and never become
``3.3123456789E+10``.

Problems with the file itself raise :class:`FileReadError`, which carries a
code and parameters: the caller turns them into a translated message.
"""

import codecs
import csv
import datetime
import io
import os
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from odoo.tools.mimetypes import guess_mimetype

from .encoding import ENCODING_SAMPLE_SIZE, BinaryFileError, guess_encoding

SAMPLE_SIZE = 64 * 1024
# rows read, validated and written together by an import
BATCH_SIZE = 1000
DELIMITERS = (";", ",", "\t", "|")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1")
# an XLSX or ODS whose content inflates beyond this is refused (zip bomb)
MAX_UNCOMPRESSED_SIZE = 512 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
TEXT_EXTENSIONS = ("csv", "txt", "tsv")
SPREADSHEET_EXTENSIONS = ("xls", "xlsx", "ods")

# what guess_mimetype names an archive or an office document: never a text file
_ZIP_MIMETYPES = (
    "application/zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.spreadsheet",
)
_OFFICE_MIMETYPE_PREFIXES = ("application/zip", "application/vnd.", "application/msword")
# guess_mimetype names an .xls written by LibreOffice application/msword (and
# an OLE file without Excel's stream names "octet-stream"): the container's
# signature is what tells an .xls
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZERO_FORMAT_RE = re.compile(r"^0+$")
# ODS XML namespaces, as ElementTree spells them in tags
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


class FileReadError(Exception):
    """The file cannot be read; ``code`` names the problem, ``params`` its details.

    Codes: ``empty``, ``no_header``, ``unsupported``, ``binary``, ``encoding``,
    ``corrupt``, ``too_big_uncompressed``, ``no_sheet``, ``bad_line``.
    """

    def __init__(self, code, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self):
        return f"{self.code} {self.params}"


def file_extension(filename):
    return os.path.splitext(filename or "")[1].lower().lstrip(".")


def number_to_text(value, number_format=None):
    """Text of a spreadsheet number as the user typed it.

    Integers lose the ``.0`` that spreadsheets add; large numbers are written
    out in full (no exponent); a number shown with a ``00000`` format keeps
    the leading zeros that the format displays.
    """
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        if number_format and _ZERO_FORMAT_RE.match(number_format):
            text = text.zfill(len(number_format))
        return text
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def cell_to_text(value, number_format=None):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)):
        return number_to_text(value, number_format)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).strip()


def detect_delimiter(text_sample):
    """The delimiter among ; , tab | that splits the first lines most regularly."""
    lines = [line for line in text_sample.splitlines()[:50] if line.strip()]
    if len(lines) > 1 and not text_sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # probably cut in the middle
    best, best_score = None, (0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        counts = [len(row) for row in rows if row]
        if not counts or counts[0] < 2:
            continue
        regular = sum(1 for count in counts if count == counts[0])
        score = (regular, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best or ","


class ImportFile:
    """An import file: its kind, its header row and a stream of its rows.

    :param bytes data: the file's content
    :param str filename: its name; the extension chooses the reader
    :param str encoding: text files: forced encoding (detected when empty)
    :param str delimiter: text files: forced delimiter (detected when empty)
    :param str sheet: spreadsheets: name of the sheet to read (first when empty)
    :param languages: text files: language codes that help guess the
        encoding (the company's and the user's)
    """

    def __init__(
        self, data, filename, encoding=None, delimiter=None, sheet=None, languages=()
    ):
        self.data = data or b""
        self.filename = filename or ""
        self.extension = file_extension(filename)
        self.encoding = encoding or None
        self.delimiter = delimiter or None
        self.sheet = sheet or None
        self.languages = languages or ()
        # False when the encoding was guessed without certainty: the user
        # checks the preview and confirms it, or picks another
        self.encoding_sure = True
        self.sheet_names = []
        if not self.data.strip(b" \t\r\n\x00"):
            raise FileReadError("empty")
        if self.extension in TEXT_EXTENSIONS:
            self.kind = "csv"
            self._prepare_text()
        elif self.extension in SPREADSHEET_EXTENSIONS:
            self.kind = self.extension
            self._prepare_spreadsheet()
        else:
            raise FileReadError("unsupported", extension=self.extension)
        self.header = self._read_header()

    # -- public -------------------------------------------------------------

    def rows(self):
        """Yield ``(line_number, cells)`` for each non-empty data row.

        ``line_number`` is the row's number in the file (the header is line 1
        when it is the first line), as a user sees it in a spreadsheet.
        """
        iterator = self._iter_raw()
        for _line, cells in iterator:
            if any(cells):
                break  # the header
        for line, cells in iterator:
            if any(cells):
                yield line, cells

    # -- text files ---------------------------------------------------------

    def _prepare_text(self):
        head = self.data[:SAMPLE_SIZE]
        if head.startswith(_OLE_MAGIC) or guess_mimetype(self.data).startswith(
            _OFFICE_MIMETYPE_PREFIXES
        ):
            raise FileReadError("binary")
        if not self.encoding:
            try:
                self.encoding, self.encoding_sure = guess_encoding(
                    self.data[:ENCODING_SAMPLE_SIZE], self.languages
                )
            except BinaryFileError as error:
                raise FileReadError("binary") from error
        elif self.encoding == "utf-8" and head.startswith(codecs.BOM_UTF8):
            self.encoding = "utf-8-sig"
        try:
            sample = head.decode(self.encoding, errors="ignore")
        except LookupError as error:
            raise FileReadError("encoding", encoding=self.encoding) from error
        if "\x00" in sample:
            raise FileReadError("binary")
        if not self.delimiter:
            self.delimiter = detect_delimiter(sample)

    def _iter_text(self):
        stream = io.TextIOWrapper(
            io.BytesIO(self.data), encoding=self.encoding, errors="strict", newline=""
        )
        reader = csv.reader(stream, delimiter=self.delimiter)
        try:
            for cells in reader:
                yield reader.line_num, [cell.strip() for cell in cells]
        except UnicodeDecodeError as error:
            raise FileReadError(
                "encoding", encoding=self.encoding, line=reader.line_num + 1
            ) from error
        except csv.Error as error:
            raise FileReadError(
                "bad_line", line=reader.line_num + 1, reason=str(error)
            ) from error

    # -- spreadsheets -------------------------------------------------------

    def _prepare_spreadsheet(self):
        head = self.data[:8]
        if self.extension == "xls":
            if not head.startswith(_OLE_MAGIC):
                raise FileReadError("corrupt", extension=self.extension)
            return
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise FileReadError("corrupt", extension=self.extension) from error
        inflated = sum(info.file_size for info in infos)
        if (
            inflated > MAX_UNCOMPRESSED_SIZE
            or inflated > max(len(self.data), 1024 * 1024) * MAX_COMPRESSION_RATIO
        ):
            raise FileReadError("too_big_uncompressed", size=inflated)
        # a readable archive of a sane size: a spreadsheet, not another
        # document renamed
        if guess_mimetype(self.data) not in _ZIP_MIMETYPES:
            raise FileReadError("corrupt", extension=self.extension)

    def _iter_raw(self):
        if self.kind == "csv":
            return self._iter_text()
        readers = {"xls": self._iter_xls, "xlsx": self._iter_xlsx, "ods": self._iter_ods}
        return self._guard(readers[self.kind]())

    def _guard(self, iterator):
        """Turn a library's error on a broken file into a FileReadError."""
        try:
            yield from iterator
        except FileReadError:
            raise
        except Exception as error:
            raise FileReadError("corrupt", extension=self.extension) from error

    def _select_sheet(self, names):
        self.sheet_names = list(names)
        if not names:
            raise FileReadError("no_sheet", sheet="")
        if self.sheet:
            if self.sheet not in names:
                raise FileReadError("no_sheet", sheet=self.sheet)
            return names.index(self.sheet)
        return 0

    def _iter_xlsx(self):
        import openpyxl

        workbook = openpyxl.load_workbook(
            io.BytesIO(self.data), read_only=True, data_only=True, keep_links=False
        )
        try:
            sheet = workbook.worksheets[self._select_sheet(workbook.sheetnames)]
            for line, row in enumerate(sheet.iter_rows(), start=1):
                yield (
                    line,
                    [
                        cell_to_text(cell.value, getattr(cell, "number_format", None))
                        for cell in row
                    ],
                )
        finally:
            workbook.close()

    def _iter_xls(self):
        import xlrd

        book = xlrd.open_workbook(
            file_contents=self.data, formatting_info=True, on_demand=True
        )
        try:
            sheet = book.sheet_by_index(self._select_sheet(book.sheet_names()))
            for index in range(sheet.nrows):
                cells = []
                for cell in sheet.row(index):
                    cells.append(self._xls_cell_text(book, cell))
                yield index + 1, cells
        finally:
            book.release_resources()

    @staticmethod
    def _xls_cell_text(book, cell):
        import xlrd

        if cell.ctype == xlrd.XL_CELL_NUMBER:
            number_format = None
            xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
            if xf is not None and xf.format_key in book.format_map:
                number_format = book.format_map[xf.format_key].format_str
            return number_to_text(cell.value, number_format)
        if cell.ctype == xlrd.XL_CELL_DATE:
            return cell_to_text(xlrd.xldate_as_datetime(cell.value, book.datemode))
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return "1" if cell.value else "0"
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
            return ""
        return cell_to_text(cell.value)

    def _iter_ods(self):
        """Stream the rows of one sheet of an ODS file's content.xml."""
        table_tag = f"{_TABLE}table"
        row_tag = f"{_TABLE}table-row"
        cell_tags = (
            f"{_TABLE}table-cell",
            f"{_TABLE}covered-table-cell",
        )
        name_attr = f"{_TABLE}name"
        rows_repeat = f"{_TABLE}number-rows-repeated"
        cols_repeat = f"{_TABLE}number-columns-repeated"
        value_type = f"{_OFFICE}value-type"
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            names = self._ods_sheet_names(archive, table_tag, name_attr)
            wanted = self._select_sheet(names)
            with archive.open("content.xml") as content:
                table_index, line = -1, 0
                for event, element in ElementTree.iterparse(content, ("start", "end")):
                    if event == "start":
                        if element.tag == table_tag:
                            table_index += 1
                        continue
                    if element.tag == row_tag and table_index == wanted:
                        cells = []
                        for cell in element:
                            if cell.tag not in cell_tags:
                                continue
                            text = self._ods_cell_text(cell, value_type)
                            repeat = int(cell.get(cols_repeat, "1"))
                            cells.extend([text] * (repeat if text else min(repeat, 1)))
                        repeat = int(element.get(rows_repeat, "1"))
                        for _copy in range(repeat if any(cells) else 1):
                            line += 1
                            yield line, cells
                        element.clear()
                    elif element.tag == table_tag:
                        if table_index == wanted:
                            return
                        element.clear()

    @staticmethod
    def _ods_sheet_names(archive, table_tag, name_attr):
        names = []
        with archive.open("content.xml") as content:
            for _event, element in ElementTree.iterparse(content, ("start",)):
                if element.tag == table_tag:
                    names.append(element.get(name_attr) or str(len(names) + 1))
        return names

    @staticmethod
    def _ods_cell_text(cell, value_type_attr):
        kind = cell.get(value_type_attr)
        if kind in ("float", "percentage", "currency"):
            value = cell.get(f"{_OFFICE}value")
            text = "".join(cell.itertext()).strip()
            # the displayed text keeps a leading zero the format shows
            if text.isdigit():
                return text
            return number_to_text(float(value)) if value else text
        if kind == "date":
            return (cell.get(f"{_OFFICE}date-value") or "").split("T00:00:00")[0]
        if kind == "boolean":
            return "1" if cell.get(f"{_OFFICE}boolean-value") == "true" else "0"
        paragraphs = cell.findall(f"{_TEXT}p")
        return "\n".join("".join(p.itertext()) for p in paragraphs).strip()

    # -- header ----------------------------------------------------------------

    def _read_header(self):
        for _line, cells in self._iter_raw():
            if any(cells):
                while cells and not cells[-1]:
                    cells.pop()
                return cells
        raise FileReadError("no_header")


def scan_columns(rows, width, first_count, sample_values, scan_rows):
    """``(first rows, values per column)`` of ``rows`` (``(line, cells)``):
    the first ``first_count`` rows, and for each column up to
    ``sample_values`` distinct values from the first ``scan_rows`` rows; a
    column still empty then is read to the end, and is ``[]`` when empty in
    all the rows. A :class:`FileReadError` met halfway ends the scan (and is
    raised when no row was read)."""
    first_rows, samples = [], [[] for _index in range(width)]
    wanted = set(range(width))
    try:
        for count, (line, cells) in enumerate(rows, start=1):
            if len(first_rows) < first_count:
                first_rows.append((line, cells))
            for index in [i for i in wanted if i < len(cells) and cells[i]]:
                values = samples[index]
                if cells[index] not in values:
                    values.append(cells[index])
                    if len(values) >= sample_values:
                        wanted.discard(index)
            if count == scan_rows:
                wanted = {index for index in wanted if not samples[index]}
            if not wanted:
                break
    except FileReadError:
        if not first_rows:
            raise
    return first_rows, samples
