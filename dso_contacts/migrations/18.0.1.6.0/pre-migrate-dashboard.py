# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Upgrade to 18.0.1.6.0, where the Collection dashboard is one kept record
per user whose figures are computed when read, instead of a transient form
filled when opened: the old transient rows (and their top customer lines,
a model that is gone) are throwaway copies of figures; the tables are dropped
so that Odoo creates the new one (``user_id`` required and unique)."""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    # tables of the addon's own transient models, holding no data of value
    cr.execute(
        "DROP TABLE IF EXISTS dso_collection_dashboard_customer, "
        "dso_collection_dashboard CASCADE"
    )
    _logger.info("dso_contacts: the transient collection dashboards dropped")
