from . import dso_contact_import
