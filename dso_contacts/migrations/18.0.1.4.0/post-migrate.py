# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The people of a customer lose the customer and vendor ranks they got
before 18.0.1.4.0 (added from the Customers menu, or invoiced): they showed as
customers of their own in the customers list. The rank stays on their
customer, which every posted invoice also ranked (``models/res_partner_rank.py``
keeps it so from now on)."""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    # one statement on the table: the ORM would load every such person
    cr.execute(
        SQL(
            "UPDATE res_partner SET customer_rank = 0, supplier_rank = 0 "
            "WHERE parent_id IS NOT NULL AND is_company IS NOT TRUE "
            "AND (customer_rank > 0 OR supplier_rank > 0)"
        )
    )
    _logger.info("%s people of customers are no longer customers of their own", cr.rowcount)
