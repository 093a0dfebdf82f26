# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import itertools
import logging

from psycopg2 import Error as DatabaseError

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import split_every

from ..tools.file_reader import BATCH_SIZE
from ..tools.guards import check_collector
from ..tools.header_guess import normalize
from ..tools.import_report import ImportRun
from ..tools.import_summary import CHANGE_KINDS, empty_summary

_logger = logging.getLogger(__name__)

PARAM_MAX_SIZE = "dso_contacts.import_max_size_mb"
PARAM_BACKGROUND_ROWS = "dso_contacts.import_background_rows"
DEFAULT_MAX_SIZE_MB = 50
DEFAULT_BACKGROUND_ROWS = 10000
# reasons of rejected rows and changed contacts shown at the top of a result
MAX_SHOWN = 10
# the engine of each kind of import
ENGINES = {
    "contacts": "dso.contact.import.contacts",
    "customers": "dso.contact.import.customers",
}


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
                check.changes.clear()
                return check, self._invalid_rows_message(check.rejected)
        with self.env.cr.savepoint() as savepoint:
            self._run(run, self._rows(reader), mapping)
            if run.stop:
                savepoint.close(rollback=True)
                self.env.invalidate_all()
                run.created = run.updated = run.skipped = 0
                run.changes.clear()
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
        run.changes.drop()
        try:
            with self.env.cr.savepoint() as savepoint:
                self._process_batch(run, batch, mapping)
                # the constraints checked at flush refuse rows here too
                self.env.flush_all()
                stop = not dry_run and not run.skip_invalid and run.rejected > rejected
                if dry_run or stop:
                    savepoint.close(rollback=True)
        except DatabaseError as error:
            run.changes.drop()
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
            run.changes.drop()
            run.created, run.updated, run.skipped = counts
            line, reason = run.first_rejection
            run.stop = {
                "line": line,
                "reason": reason,
                "first": batch[0][0],
                "last": batch[-1][0],
            }
        else:
            # written, or tested: what the import does (or will do)
            run.changes.keep()
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

    # -- what the import changes, said at once -------------------------------------

    @api.model
    def _collection_contacts(self, customers):
        """``{customer id: [contact id, name]}``: the contacts for collection of
        ``customers`` as they are now in this transaction (one search)."""
        if not customers:
            return {}
        partner_model = self.env["res.partner"]
        partner_model.flush_model(["name", "is_collection_contact", "commercial_partner_id"])
        contacts = partner_model.search_fetch(
            [
                ("commercial_partner_id", "in", customers.ids),
                ("is_collection_contact", "=", True),
            ],
            ["commercial_partner_id", "name"],
        )
        return {c.commercial_partner_id.id: [c.id, c.name] for c in contacts}

    @api.model
    def _note_collection_changes(self, run, customers, before):
        """Note the customers among ``customers`` whose contact for collection
        the batch changed since ``before`` (:meth:`_collection_contacts`)."""
        if not customers:
            return
        after = self._collection_contacts(customers)
        for customer in customers:
            run.changes.note(
                "collection",
                self._customer_entry(customer),
                before.get(customer.id),
                after.get(customer.id),
            )

    @api.model
    def _customer_entry(self, customer):
        return {"id": customer.id, "name": customer.name, "ref": customer.ref or ""}

    @api.model
    def _summary_html(self, record, rows, test=False, running=False):
        """The result of an import (or of its test) as the screens show it at
        once: the counts, the first reasons of rejected rows, the contacts for
        collection and Company-role contacts changed.

        :param record: the wizard or the background job (their counts and
            ``result_summary``, see ``tools/import_summary.py``, are named alike)
        :param int rows: the rows read
        """
        summary = record.result_summary or empty_summary()
        values = {
            "import_type": record.import_type,
            "test": test,
            "running": running,
            "rows": rows,
            "created": record.created_count,
            "updated": record.updated_count,
            "skipped": record.skipped_count,
            "rejected": record.error_count,
            "warnings": record.warning_count,
        }
        rejections = summary["rejections"][:MAX_SHOWN]
        rejected_more = values["rejected"] - len(rejections)
        listed = {}
        for kind in CHANGE_KINDS:
            changes = summary[kind][:MAX_SHOWN]
            more = summary[f"{kind}_count"] - len(changes)
            listed[kind] = [self._change_line(change) for change in changes]
            listed[f"{kind}_more"] = more > 0 and self.env._(
                "... and %(count)s more.", count=more
            )
        return self.env["ir.qweb"]._render(
            "dso_contacts.dso_contact_import_summary",
            {
                **values,
                **listed,
                "notice": summary.get("notice"),
                "rejections": [
                    self.env._("Line %(line)s: %(reason)s", line=line, reason=reason)
                    for line, reason in rejections
                ],
                "rejected_more": rejected_more > 0
                and self.env._(
                    "... and %(count)s more in the report of rejected rows.",
                    count=rejected_more,
                ),
            },
        )

    @api.model
    def _change_line(self, change):
        """One change, said as "Nordwind (NW01): Jonas Weber → Katrin Vogel"."""
        none = self.env._("none")
        customer = change["name"] or ""
        if change["ref"]:
            customer = f"{customer} ({change['ref']})"
        return self.env._(
            "%(customer)s: %(before)s → %(after)s",
            customer=customer,
            before=change["before"][1] if change["before"] else none,
            after=change["after"][1] if change["after"] else none,
        )

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
