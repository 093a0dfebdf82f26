# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The target fields of each kind of import: what a column of the file can be
imported as, and the engine's mapping of the file's columns to them. The
mapping step of the wizard (``dso.contact.import.line``) offers them as its
selections."""

from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError

from ..tools.header_guess import guess_columns

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
    ("reminder_plan", "Reminder plan"),
]
TARGET_FIELDS = {"contacts": CONTACT_FIELDS, "customers": CUSTOMER_FIELDS}
# the selection of the mapping line that offers each kind's fields
LINE_SELECTIONS = {"contacts": "contact_field", "customers": "customer_field"}
# the fields a file must give, per kind (contacts: a name too, see the engine)
REQUIRED_FIELDS = {"contacts": ("customer_ref",), "customers": ("ref",)}


def field_labels(env, import_type):
    """``{target field: label}`` of a kind of import, in the user's language
    (the labels are translated as the selection that offers them)."""
    field = env["dso.contact.import.line"]._fields[LINE_SELECTIONS[import_type]]
    return dict(field._description_selection(env))


class DsoContactImportEngine(models.AbstractModel):
    """The mapping of the import engine: which column gives which field."""

    _inherit = "dso.contact.import.engine"

    @api.model
    def _field_labels(self, import_type):
        """``{target field: label}`` of a kind of import, in the user's language."""
        return field_labels(self.env, import_type)

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
