# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models, tools
from odoo.tools import SQL

# the sequence of a derived SMS line: after every line stored (the SMS line is
# the last one _recipients_vals writes)
SMS_SEQUENCE = 1000


class DsoReminderRecipientLine(models.Model):
    """The recipients of a reminder as the history and the preview show them:
    the lines stored (``dso.reminder.recipient``) and the lines of the
    reminder's own contact that the engine does not store because the
    reminder already says them (``own_lines_derived``): its email to the
    contact for collection alone (``email_to``, ``recipient_ids``) and its
    SMS (``sms_number``). A line stored for the same person and channel
    (reminders written before, a fallback, a role) is shown, never doubled.

    A SQL view (``init``): one line per stored line (id 3n), per derived email
    (3n + 1 of its reminder) and per derived SMS (3n + 2)."""

    _name = "dso.reminder.recipient.line"
    _inherit = "dso.reminder.recipient.mixin"
    _description = "Payment Reminder Recipient (shown)"
    _auto = False
    _order = "reminder_id, sequence, id"
    # the view reads these: a search flushes them first
    _depends = {
        "dso.reminder": [
            "company_id",
            "contact_id",
            "channel",
            "email_state",
            "sms_state",
            "email_to",
            "sms_number",
            "recipient_ids",
            "own_lines_derived",
        ],
        "dso.reminder.recipient": [
            "reminder_id",
            "company_id",
            "sequence",
            "partner_id",
            "user_id",
            "send_as",
            "address",
            "reason_code",
            "role_id",
        ],
    }

    stored_address = fields.Char(readonly=True)
    is_derived_email = fields.Boolean(readonly=True)
    address = fields.Char(
        compute="_compute_address",
        help="The email address or phone number used, when it was sent.",
    )

    @api.depends("stored_address", "is_derived_email")
    def _compute_address(self):
        for line in self:
            # the reminder's email went to its contact alone: email_to is
            # that contact's address as it was, normalized as the stored
            # lines are (res.partner.email_normalized)
            line.address = (
                tools.email_normalize(line.stored_address, strict=False)
                if line.is_derived_email
                else line.stored_address
            )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # odoo.tools.SQL, no value from outside: a view over the history
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(view)s AS (
                    SELECT 3 * line.id AS id,
                           line.reminder_id,
                           line.company_id,
                           line.sequence,
                           line.partner_id,
                           line.user_id,
                           line.send_as,
                           line.address AS stored_address,
                           FALSE AS is_derived_email,
                           line.reason_code,
                           line.role_id
                      FROM dso_reminder_recipient line
                    UNION ALL
                    SELECT 3 * reminder.id + 1,
                           reminder.id,
                           reminder.company_id,
                           1,
                           reminder.contact_id,
                           NULL::integer,
                           'to',
                           reminder.email_to,
                           TRUE,
                           'collection',
                           NULL::integer
                      FROM dso_reminder reminder
                     WHERE reminder.own_lines_derived
                       AND reminder.contact_id IS NOT NULL
                       AND reminder.channel IN ('email', 'both')
                       AND reminder.email_state = 'queued'
                       AND ARRAY[reminder.contact_id] = ARRAY(
                           SELECT rel.partner_id
                             FROM dso_reminder_recipient_rel rel
                            WHERE rel.reminder_id = reminder.id
                       )
                       AND NOT EXISTS (
                           SELECT 1
                             FROM dso_reminder_recipient line
                            WHERE line.reminder_id = reminder.id
                              AND line.partner_id = reminder.contact_id
                              AND line.send_as = 'to'
                       )
                    UNION ALL
                    SELECT 3 * reminder.id + 2,
                           reminder.id,
                           reminder.company_id,
                           %(sms_sequence)s,
                           reminder.contact_id,
                           NULL::integer,
                           'sms',
                           reminder.sms_number,
                           FALSE,
                           'collection',
                           NULL::integer
                      FROM dso_reminder reminder
                     WHERE reminder.own_lines_derived
                       AND reminder.contact_id IS NOT NULL
                       AND reminder.channel IN ('sms', 'both')
                       AND reminder.sms_state = 'queued'
                       AND NOT EXISTS (
                           -- an SMS line stored (to the contact, or to another
                           -- contact when the SMS went elsewhere) says it
                           SELECT 1
                             FROM dso_reminder_recipient line
                            WHERE line.reminder_id = reminder.id
                              AND line.send_as = 'sms'
                       )
                )
                """,
                view=SQL.identifier(self._table),
                sms_sequence=SMS_SEQUENCE,
            )
        )
