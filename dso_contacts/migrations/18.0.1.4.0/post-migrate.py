# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Upgrade to 18.0.1.4.0, where every screen tells the current truth:

- the people of a customer lose the customer and vendor ranks they got
  before (added from the Customers menu, or invoiced): they showed as customers
  of their own in the customers list. The rank stays on their customer, which
  every posted invoice also ranked (``models/res_partner_rank.py`` keeps it so
  from now on);
- the customer's reminder problem is computed from the current data: its
  stored column, true only at the last send, goes; what stopped a run moves to
  ``dso_reminder_error``. A reminder's problem is stored as codes shown in the
  reader's language (``problem_data``): the texts of the reminders sent before
  are kept as they were written;
- the reminders' state follows the delivery of their email and SMS:
  ``email_status`` and ``sms_status`` are stored and ``state`` is computed from
  them; the SMS delivery already known is copied from Odoo's SMS queue (an SMS
  it no longer holds was sent: it deletes those), then the three are computed
  again for every reminder.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    _people_lose_their_ranks(cr)
    _problems_from_current_data(cr)
    _reminder_status_from_queues(cr)


def _people_lose_their_ranks(cr):
    # one statement on the table: the ORM would load every such person
    cr.execute(
        SQL(
            "UPDATE res_partner SET customer_rank = 0, supplier_rank = 0 "
            "WHERE parent_id IS NOT NULL AND is_company IS NOT TRUE "
            "AND (customer_rank > 0 OR supplier_rank > 0)"
        )
    )
    _logger.info("%s people of customers are no longer customers of their own", cr.rowcount)


def _problems_from_current_data(cr):
    if column_exists(cr, "res_partner", "dso_reminder_problem"):
        cr.execute(
            SQL(
                """
                UPDATE res_partner
                   SET dso_reminder_error = substr(dso_reminder_problem, %s)
                 WHERE dso_reminder_problem LIKE %s
                """,
                len("The payment reminder failed: ") + 1,
                "The payment reminder failed: %",
            )
        )
        cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN dso_reminder_problem"))
    if column_exists(cr, "dso_reminder", "problem"):
        cr.execute(
            SQL(
                """
                UPDATE dso_reminder
                   SET problem_data = jsonb_build_array(
                           jsonb_build_array('text', jsonb_build_object('text', problem)))
                 WHERE problem IS NOT NULL AND problem_data IS NULL
                """
            )
        )
        cr.execute(SQL("ALTER TABLE dso_reminder DROP COLUMN problem"))


def _reminder_status_from_queues(cr):
    env = api.Environment(cr, SUPERUSER_ID, {})
    Reminder = env["dso.reminder"].with_context(active_test=False)
    with_sms = Reminder.search([("sms_state", "=", "queued"), ("sms_delivery", "=", False)])
    states = dict(
        env["sms.sms"]
        .search([("uuid", "in", [uuid for uuid in with_sms.mapped("sms_uuid") if uuid])])
        .mapped(lambda sms: (sms.uuid, sms.state))
    )
    for state, reminders in with_sms.grouped(
        lambda reminder: states.get(reminder.sms_uuid, "pending")
    ).items():
        # the queue's state, as sms_sms.py writes it (not a history field)
        reminders.write({"sms_delivery": state})
    # once, at the upgrade: every reminder, as the new stored fields are
    reminders = Reminder.search([])
    for name in ("email_status", "sms_status", "state"):
        env.add_to_compute(Reminder._fields[name], reminders)
    env.flush_all()
    _logger.info("Payment reminders: delivery status computed again for %s", len(reminders))
