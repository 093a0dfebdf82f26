"""What one run of an import remembers from batch to batch, and its report of
rejected rows, without the ORM.

A cell written to the report is neutralised: a value that a spreadsheet would
take for a formula (``=``, ``+``, ``-``, ``@``...) is written as text.
"""

import csv
import io

from .file_reader import DELIMITERS
from .header_guess import normalize
from .import_summary import MAX_LISTED_REJECTIONS, ChangeNotes, empty_summary

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_LISTED_WARNINGS = 200


def neutralize(value):
    """A cell as written in the report: formulas are turned into text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def contact_key(ref, name, email):
    """What makes two rows of a contacts file the same contact."""
    return (ref, normalize(name), (email or "").strip().lower())


class ImportRun:
    """One run of an import: counters, warnings, keys seen in the file and the
    rejected rows.

    :param list header: the file's header, for the report and the reasons
    :param str delimiter: the report's delimiter (the file's, when a CSV)
    :param str import_type: ``contacts`` or ``customers``
    :param bool skip_invalid: reject invalid rows (else stop at the first)
    """

    reason_label = "Reason"

    def __init__(self, header, delimiter, import_type="contacts", skip_invalid=True):
        self.header = header
        self.delimiter = delimiter if delimiter in DELIMITERS else ","
        self.import_type = import_type
        self.skip_invalid = skip_invalid
        self.created = self.updated = self.skipped = self.rejected = 0
        self.warnings = []
        self.warning_count = 0
        # contacts: keys of the rows met; {customer code: line} of the
        # contacts for collection; customers: {customer code: line}
        self.seen_keys = set()
        self.collection_lines = {}
        self.customer_lines = {}
        # lookups read once per run (languages, roles, countries)
        self.context = None
        # {value column: label column} of the labelled phone columns
        self.phone_labels = None
        self._report = None
        self._writer = None
        # (line, reason) of the first row rejected in the current batch
        self.first_rejection = None
        # where the real writes stopped: {line, reason, first, last}
        self.stop = None
        # what the screens show at once (see tools/import_summary.py): the
        # first reasons of rejected rows, the contacts for collection and
        # Company-role contacts changed (noted per batch by ``changes``)
        self.summary = empty_summary()
        self.changes = ChangeNotes(self.summary)

    def column_label(self, index):
        """The column's header as the user wrote it, else its number."""
        if index < len(self.header) and self.header[index]:
            return self.header[index]
        return str(index + 1)

    def reject(self, line, cells, reason):
        self.rejected += 1
        if self.first_rejection is None:
            self.first_rejection = (line, reason)
        if len(self.summary["rejections"]) < MAX_LISTED_REJECTIONS:
            self.summary["rejections"].append([line, reason])
        if self._writer is None:
            self._report = io.StringIO()
            self._writer = csv.writer(self._report, delimiter=self.delimiter)
        width = max(len(self.header), len(cells))
        padded = list(cells) + [""] * (width - len(cells))
        self._writer.writerow([*map(neutralize, padded), neutralize(reason)])

    def header_text(self):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=self.delimiter).writerow(
            [*map(neutralize, self.header), self.reason_label]
        )
        return buffer.getvalue()

    def take_rejected(self):
        """The rejected rows written since the last call, as CSV text
        without header; the run forgets them."""
        if self._report is None:
            return ""
        text = self._report.getvalue()
        self._report = self._writer = None
        return text

    def warn(self, message):
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED_WARNINGS:
            self.warnings.append(message)

    @property
    def row_count(self):
        return self.created + self.updated + self.skipped + self.rejected
