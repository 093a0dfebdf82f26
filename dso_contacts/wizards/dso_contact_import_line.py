# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from ..models.dso_contact_import_fields import CONTACT_FIELDS, CUSTOMER_FIELDS

# how the mapping step lists the columns, in this order
LINE_GROUPS = ["mapped", "not_mapped", "left_out"]


class DsoContactImportLine(models.TransientModel):
    """One column of the file in the mapping step: where it goes, and why."""

    _name = "dso.contact.import.line"
    _description = "Import Column Mapping"
    _order = "sequence, column_index"

    wizard_id = fields.Many2one("dso.contact.import", required=True, ondelete="cascade")
    sequence = fields.Integer(readonly=True)
    column_index = fields.Integer(readonly=True)
    column_name = fields.Char(string="Column", readonly=True)
    sample = fields.Char(string="First value", readonly=True)
    contact_field = fields.Selection(
        CONTACT_FIELDS, string="Imported as", help="Empty: the column is not imported."
    )
    customer_field = fields.Selection(
        CUSTOMER_FIELDS, string="Imported as ", help="Empty: the column is not imported."
    )
    column_group = fields.Selection(
        [
            ("mapped", "Imported"),
            ("not_mapped", "Not recognised"),
            ("left_out", "Left out"),
        ],
        string="Group",
        readonly=True,
    )
    reason = fields.Selection(
        [
            ("saved", "Saved mapping of this layout"),
            ("label", "Column named as the field"),
            ("synonym", "Known column name"),
            ("pair", "Value column of a labelled pair (Label + Value)"),
            ("name_part", "Beside a first or last name column: the other part"),
            ("values", "Recognised by its values"),
            ("salutation", "Salutation: never a name nor a job position"),
            ("company", "Company name: not the contact's name"),
            ("display_name", "Display name: not an email address"),
            ("empty", "Empty in the whole file"),
        ],
        string="Why",
        readonly=True,
    )
