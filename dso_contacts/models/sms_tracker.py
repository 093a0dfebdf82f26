# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

# as core's mail.notification._gc_notifications: a delivery report comes within
# days of the sending, never half a year later
TRACKER_MAX_AGE_DAYS = 180


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

    @api.autovacuum
    def _gc_dso_reminder_trackers(self, max_age_days=TRACKER_MAX_AGE_DAYS):
        """Remove the trackers of payment reminders' SMS older than
        ``max_age_days``. Core's own trackers go with their notification
        (``mail_notification_id``, ``ondelete="cascade"``, which
        ``mail.notification._gc_notifications`` removes); a reminder's tracker
        has none and would otherwise stay for ever. The reminder keeps its SMS
        status and uuid: only the technical link to late reports goes."""
        # the old reminders' uuids as a subquery: years of history, never read
        limit_date = fields.Datetime.now() - relativedelta(days=max_age_days)
        old_reminders = (
            self.env["dso.reminder"]
            .sudo()
            ._search([("sms_uuid", "!=", False), ("create_date", "<", limit_date)])
        )
        old_uuids = old_reminders.subselect(SQL.identifier(old_reminders.table, "sms_uuid"))
        trackers = self.sudo().search(
            [("mail_notification_id", "=", False), ("sms_uuid", "in", old_uuids)],
            limit=models.GC_UNLINK_LIMIT,
        )
        if len(trackers) >= models.GC_UNLINK_LIMIT:
            self.env.ref("base.autovacuum_job")._trigger()
        return trackers.unlink()
