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
                    %(email)s
                    UNION ALL
                    %(sms)s
                )
                """,
                view=SQL.identifier(self._table),
                email=self._derived_lines(
                    "email",
                    1,
                    # the email went to the contact alone
                    condition=SQL(
                        """ARRAY[reminder.contact_id] = ARRAY(
                               SELECT rel.partner_id
                                 FROM dso_reminder_recipient_rel rel
                                WHERE rel.reminder_id = reminder.id
                           )"""
                    ),
                    stored=SQL(
                        "line.partner_id = reminder.contact_id AND line.send_as = 'to'"
                    ),
                ),
                # an SMS line stored (to the contact, or to another contact
                # when the SMS went elsewhere) says it
                sms=self._derived_lines(
                    "sms", SMS_SEQUENCE, stored=SQL("line.send_as = 'sms'")
                ),
            )
        )

    @api.model
    def _derived_lines(self, channel, sequence, stored, condition=None):
        """The lines of the reminders' own contact on ``channel`` (email: id
        3n + 1, sms: 3n + 2): one per reminder whose own lines are derived and
        whose ``channel`` was queued, unless a line is stored for it
        (``stored``, a condition on ``line``)."""
        email = channel == "email"
        return SQL(
            """
            SELECT 3 * reminder.id + %(offset)s,
                   reminder.id,
                   reminder.company_id,
                   %(sequence)s,
                   reminder.contact_id,
                   NULL::integer,
                   %(send_as)s,
                   %(address)s,
                   %(is_derived_email)s,
                   'collection',
                   NULL::integer
              FROM dso_reminder reminder
             WHERE reminder.own_lines_derived
               AND reminder.contact_id IS NOT NULL
               AND reminder.channel IN %(channels)s
               AND %(state)s = 'queued'
               AND %(condition)s
               AND NOT EXISTS (
                   SELECT 1
                     FROM dso_reminder_recipient line
                    WHERE line.reminder_id = reminder.id
                      AND %(stored)s
               )
            """,
            offset=1 if email else 2,
            sequence=sequence,
            send_as="to" if email else "sms",
            address=SQL.identifier("reminder", "email_to" if email else "sms_number"),
            is_derived_email=email,
            channels=(channel, "both"),
            state=SQL.identifier("reminder", f"{channel}_state"),
            condition=condition or SQL("TRUE"),
            stored=stored,
        )
