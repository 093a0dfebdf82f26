# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import dso_job_lock
from . import dso_contact_import_chunk
from . import dso_contact_import_job
from . import dso_reminder_engine
