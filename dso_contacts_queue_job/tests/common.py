# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import common as odoo_common

# queue_job's test helpers (18.0.3.1 and later) register themselves in
# odoo.tests.common.SETATTR_SOURCES, which Odoo 18.0 sources older than
# early 2025 do not have: give them an empty one there
if not hasattr(odoo_common, "SETATTR_SOURCES"):
    odoo_common.SETATTR_SOURCES = {}

from odoo.addons.queue_job.tests.common import trap_jobs

__all__ = ["trap_jobs"]
