from . import dso_contact_role
from . import res_partner
from . import account_move
from . import dso_import_mapping
from . import dso_contact_import_job
