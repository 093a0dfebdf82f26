# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The reminders' state follows the delivery of their email and SMS.

``email_status`` and ``sms_status`` are stored from 18.0.1.4.0 and ``state``
is computed from them: the SMS delivery already known is copied from Odoo's
SMS queue (an SMS it no longer holds was sent: it deletes those), then the
three are computed again for every reminder.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
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
