# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    def write(self, vals):
        """Tell each payment reminder how its SMS goes (sent, delivered,
        failed, canceled), as the queue knows it, before the queue deletes
        the SMS it sent."""
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
                by_uuid = {sms.uuid: sms.state for sms in self}
                for state, group in reminders.grouped(
                    lambda r: by_uuid.get(r.sms_uuid)
                ).items():
                    group.write({"sms_delivery": state})
        return result
