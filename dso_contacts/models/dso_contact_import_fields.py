# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The target fields of each kind of import: what a column of the file can be
imported as. The engine checks and reads them; the mapping step of the wizard
(``dso.contact.import.line``) offers them as its selections."""

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
