from . import base_partner_merge_automatic_wizard
from . import dso_contact_import_line
from . import dso_contact_import
from . import dso_reminder_send
from . import dso_reminder_plan_assign
from . import dso_dso_snapshot_take
