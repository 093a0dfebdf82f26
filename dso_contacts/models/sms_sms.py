# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    def write(self, vals):
        """Tell each payment reminder how its SMS goes (sent, delivered,
        failed, canceled), as the queue knows it, before the queue deletes
        the SMS it sent; an SMS to a wrong number did not arrive
        (``dso.reminder._dso_sms_delivery``). The provider's later delivery
        reports come through the SMS's tracker (sms_tracker.py)."""
        result = super().write(vals)
        if "state" in vals:
            uuids = [uuid for uuid in self.mapped("uuid") if uuid]
            # the history is the engine's record: the queue's state is
            # written on it whoever runs the queue
            reminders = (
                self.env["dso.reminder"].sudo().search([("sms_uuid", "in", uuids)])
                if uuids
                else []
            )
            if reminders:
                by_uuid = {sms.uuid: (sms.state, sms.failure_type) for sms in self}
                for (state, failure_type), group in reminders.grouped(
                    lambda r: by_uuid.get(r.sms_uuid)
                ).items():
                    group._dso_sms_delivery(state, failure_type)
        return result
