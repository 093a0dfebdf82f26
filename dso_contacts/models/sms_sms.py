# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models

# the provider's answers that say the number cannot receive an SMS
WRONG_NUMBER = frozenset(
    ("sms_number_format", "sms_number_missing", "sms_invalid_destination")
)


class SmsSms(models.Model):
    _inherit = "sms.sms"

    def write(self, vals):
        """Tell each payment reminder how its SMS goes (sent, delivered,
        failed, canceled), as the queue knows it, before the queue deletes
        the SMS it sent; an SMS to a wrong number did not arrive
        (``dso.reminder._dso_undelivered``)."""
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
                if vals["state"] == "error" and vals.get("failure_type") in WRONG_NUMBER:
                    self._dso_wrong_number(reminders, vals["failure_type"])
        return result

    def _dso_wrong_number(self, reminders, failure_type):
        """Count the failure on each contact and tell its reminder."""
        reason = ("sms_wrong_number", {"failure_type": failure_type})
        for reminder in reminders:
            contact = reminder.contact_id
            if contact and not reminder.sms_undelivered:
                contact.sudo().dso_sms_bounce += 1
            reminder._dso_undelivered("sms", contact, reason)
