# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The collection activity: reminders sent, undelivered and answered,
promises made, kept and broken, disputes, and the customers without a
contact for collection, per company, month, level, channel and collector.
One row per event, read from a SQL view, summed by the pivot and graph."""

from odoo import fields, models
from odoo.tools import SQL

from ..tools.work_sql import (
    DISPUTE_MOVE,
    WORK_DEPENDS,
    from_customer_record,
    query_no_contact,
    select_columns,
)

ACTIVITY_KINDS = [
    ("reminder", "Reminder"),
    ("promise", "Promise to pay"),
    ("dispute", "Dispute"),
    ("no_contact", "No contact for collection"),
]
KIND_CODE = {kind: code for code, (kind, _label) in enumerate(ACTIVITY_KINDS, start=1)}
MEASURES = (
    "reminder_count",
    "undelivered_count",
    "answered_count",
    "promise_count",
    "kept_count",
    "broken_count",
    "kept_rate",
    "dispute_count",
    "dispute_open_count",
    "dispute_amount",
    "no_contact_count",
)
# the view's columns, after its id and kind
COLUMNS = (
    "company_id",
    "date",
    "currency_id",
    "partner_id",
    "user_id",
    "level_id",
    "channel",
    *MEASURES,
)


class DsoCollectionActivity(models.Model):
    _name = "dso.collection.activity"
    _description = "Collection Activity"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "kind"

    # the same tables as My work today's (its no-contact lines included)
    _depends = WORK_DEPENDS

    kind = fields.Selection(ACTIVITY_KINDS, readonly=True)
    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    level_id = fields.Many2one("dso.reminder.level", readonly=True)
    channel = fields.Selection(
        [("email", "Email"), ("sms", "SMS"), ("both", "Email and SMS")], readonly=True
    )
    reminder_count = fields.Integer(string="Reminders sent", readonly=True)
    undelivered_count = fields.Integer(
        string="Undelivered",
        readonly=True,
        help="Reminders not sent, or sent on one channel only (a failed or bounced "
        "email or SMS, no address).",
    )
    answered_count = fields.Integer(string="Answered", readonly=True)
    promise_count = fields.Integer(string="Promises made", readonly=True)
    kept_count = fields.Integer(string="Promises kept", readonly=True)
    broken_count = fields.Integer(string="Promises broken", readonly=True)
    # 100 for a kept promise, 0 for a broken one, empty otherwise: its
    # average is the kept rate of any group (SQL's avg skips the empty)
    kept_rate = fields.Float(string="Kept rate (%)", readonly=True, aggregator="avg")
    dispute_count = fields.Integer(string="Disputes", readonly=True)
    dispute_open_count = fields.Integer(string="Disputes open", readonly=True)
    dispute_amount = fields.Monetary(
        string="Amount disputed (open)", readonly=True, currency_field="currency_id"
    )
    no_contact_count = fields.Integer(string="Customers without contact", readonly=True)

    @property
    def _table_query(self):
        return SQL(self._query())

    @staticmethod
    def _select(kind, alias, source=None, **values):
        """One branch's columns: the event is a record of a customer
        (``alias``: its id, company and customer; ``source``: its id when
        other), in the company's currency unless ``values`` say otherwise."""
        values = {
            "company_id": f"{alias}.company_id",
            "partner_id": f"{alias}.partner_id",
            "currency_id": "c.currency_id",
            **values,
        }
        defaults = {
            "channel": "NULL::varchar",
            **dict.fromkeys(MEASURES, "0"),
            "kept_rate": "NULL::float",
        }
        return select_columns(
            kind,
            KIND_CODE[kind],
            source or f"{alias}.id",
            values["company_id"],
            [(name, values.get(name, defaults.get(name, "NULL::int"))) for name in COLUMNS],
        )

    def _query(self):
        reminders = self._select(
            "reminder",
            "r",
            date="r.date",
            user_id="COALESCE(r.user_id, c.dso_reminder_user_id, rp.user_id)",
            level_id="r.level_id",
            channel="r.channel",
            reminder_count="1",
            undelivered_count="(r.state IN ('failed', 'partial'))::int",
            answered_count="(r.is_answered IS TRUE)::int",
        )
        promises = self._select(
            "promise",
            "p",
            date="(p.create_date AT TIME ZONE 'UTC')::date",
            user_id="COALESCE(p.user_id, c.dso_reminder_user_id, rp.user_id)",
            promise_count="1",
            kept_count="(p.state = 'kept')::int",
            broken_count="(p.state = 'broken')::int",
            kept_rate="CASE p.state WHEN 'kept' THEN 100.0 WHEN 'broken' THEN 0.0 END",
        )
        disputes = self._select(
            "dispute",
            "d",
            date="(d.create_date AT TIME ZONE 'UTC')::date",
            user_id="COALESCE(d.user_id, c.dso_reminder_user_id, rp.user_id)",
            dispute_count="1",
            dispute_open_count="(d.state = 'open')::int",
            dispute_amount="CASE WHEN d.state = 'open' THEN m.amount_residual_signed "
            "ELSE 0 END",
        )
        # today's customers without a (reachable) contact: My work today's
        # lines of that kind (one definition for both), dated today
        no_contact = self._select(
            "no_contact",
            "w",
            source="w.partner_id",
            date="CURRENT_DATE",
            currency_id="w.currency_id",
            user_id="w.user_id",
            no_contact_count="1",
        )
        work_no_contact = query_no_contact()
        return f"""({reminders}
            {from_customer_record("dso_reminder", "r")}
            WHERE r.is_draft IS NOT TRUE)
        UNION ALL
        ({promises}
            {from_customer_record("dso_payment_promise", "p")}
            WHERE p.state != 'cancel')
        UNION ALL
        ({disputes}
            {from_customer_record("dso_invoice_dispute", "d", DISPUTE_MOVE)})
        UNION ALL
        ({no_contact} FROM ({work_no_contact}) w)"""
