# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import test_i18n
from . import test_import_queue
from . import test_reminder_queue
