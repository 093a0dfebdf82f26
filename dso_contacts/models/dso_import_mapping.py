# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from ..tools.header_guess import header_signature

IMPORT_TYPES = [("contacts", "Contacts"), ("customers", "Customers")]


class DsoImportMapping(models.Model):
    """Column mapping remembered for a file layout.

    The next file of the same import type, in the same company, with the same
    headers (and the same kind of file) gets this mapping at once.
    """

    _name = "dso.import.mapping"
    _description = "Saved Import Column Mapping"
    _order = "last_used_date desc, id desc"

    name = fields.Char(required=True, help="Name of the file the mapping was saved from.")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    import_type = fields.Selection(IMPORT_TYPES, required=True)
    file_kind = fields.Char(string="File type", required=True)
    signature = fields.Char(required=True, index=True, readonly=True)
    headers = fields.Text(readonly=True)
    column_map = fields.Json(
        help="Target field of each column, by the column's position in the file."
    )
    mapped_fields = fields.Text(compute="_compute_mapped_fields")
    encoding = fields.Char()
    delimiter = fields.Char()
    last_used_date = fields.Datetime(default=fields.Datetime.now)

    _sql_constraints = [
        (
            "signature_uniq",
            "unique (company_id, import_type, signature)",
            "A file layout has one saved mapping per company and import type.",
        ),
    ]

    def _compute_mapped_fields(self):
        labels = {
            "contacts": dict(
                self.env["dso.contact.import.line"]
                ._fields["contact_field"]
                ._description_selection(self.env)
            ),
            "customers": dict(
                self.env["dso.contact.import.line"]
                ._fields["customer_field"]
                ._description_selection(self.env)
            ),
        }
        for mapping in self:
            headers = (mapping.headers or "").split("\n")
            lines = []
            for index, field in sorted(
                (mapping.column_map or {}).items(), key=lambda item: int(item[0])
            ):
                header = headers[int(index)] if int(index) < len(headers) else index
                label = labels.get(mapping.import_type, {}).get(field, field)
                lines.append(f"{header} → {label}")
            mapping.mapped_fields = "\n".join(lines)

    @api.model
    def _find_for_layout(self, reader, import_type):
        """The mapping saved for the layout of ``reader``'s file, in the
        current company."""
        return self.search(
            [
                ("company_id", "=", self.env.company.id),
                ("import_type", "=", import_type),
                ("signature", "=", header_signature(reader.header, reader.kind, import_type)),
            ],
            limit=1,
        )

    @api.model
    def _save_for_layout(self, reader, import_type, mapping, filename, encoding, delimiter):
        """Remember ``mapping`` (``{field: column index}``) for the layout."""
        values = {
            "name": filename,
            "headers": "\n".join(reader.header),
            "column_map": {str(index): field for field, index in mapping.items()},
            "encoding": encoding or False,
            "delimiter": delimiter or False,
            "last_used_date": fields.Datetime.now(),
        }
        saved = self._find_for_layout(reader, import_type)
        if saved:
            saved.write(values)
            return saved
        return self.create(
            {
                **values,
                "company_id": self.env.company.id,
                "import_type": import_type,
                "file_kind": reader.kind,
                "signature": header_signature(reader.header, reader.kind, import_type),
            }
        )
