# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class SmsTracker(models.Model):
    """Core's link between a sent SMS and what follows it, by the SMS's uuid:
    the SMS provider's delivery reports, received later by the webhook
    (``/sms/status``, ``SmsController.update_sms_status``), update the
    trackers of their uuids. Each payment reminder's SMS gets one (see
    ``dso.reminder.dispatch._queue_sms``), so that a late "delivered" or
    "invalid destination" reaches the reminder as a failure at sending does."""

    _inherit = "sms.tracker"

    def _action_update_from_provider_error(self, provider_error):
        result = super()._action_update_from_provider_error(provider_error)
        # core's failure type of a delivery report ("sms_invalid_destination"),
        # or of an answer at sending given late ("wrong_number_format")
        failure_type = self.env["sms.sms"].IAP_TO_SMS_FAILURE_TYPE.get(provider_error)
        self._dso_reminders()._dso_sms_delivery("error", failure_type or result[1])
        return result

    def _action_update_from_sms_state(
        self, sms_state, failure_type=False, failure_reason=False
    ):
        result = super()._action_update_from_sms_state(
            sms_state, failure_type=failure_type, failure_reason=failure_reason
        )
        self._dso_reminders()._dso_sms_delivery(sms_state, failure_type)
        return result

    def _dso_reminders(self):
        """The payment reminders of these trackers' SMS (the history is the
        engine's record: read and written whoever reports)."""
        uuids = [uuid for uuid in self.mapped("sms_uuid") if uuid]
        Reminder = self.env["dso.reminder"].sudo()
        return Reminder.search([("sms_uuid", "in", uuids)]) if uuids else Reminder
