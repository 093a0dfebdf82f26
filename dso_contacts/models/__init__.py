from . import dso_contact_role
from . import res_partner
from . import account_move
