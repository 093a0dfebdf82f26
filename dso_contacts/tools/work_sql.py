# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The SQL of My work today (``dso.work.item``) and of the collection
activity's customers without a contact: plain text built from constants
only (no value from a user goes in), one branch per kind of work."""

WORK_KINDS = [
    ("promise", "Broken promise"),
    ("dispute", "Dispute to answer"),
    ("reply", "Reply to answer"),
    ("last_level", "At the last level"),
    ("no_contact", "No contact for collection"),
]
# the number of each kind in the lines' ids (see line_id)
KIND_CODE = {kind: code for code, (kind, _label) in enumerate(WORK_KINDS, start=1)}
# what Odoo calls a paid invoice (as dso.payment.promise's PAID_STATES)
PAID = "('paid', 'in_payment', 'reversed')"
# a dispute's invoice, joined to the dispute (d)
DISPUTE_MOVE = "JOIN account_move m ON m.id = d.move_id"
# open receivable journal items, written as account's partial index
# account_move_line__unreconciled_index is, so that the planner uses it
OPEN_RECEIVABLE = (
    "acc.account_type = 'asset_receivable' AND aml.parent_state = 'posted' "
    "AND (aml.reconciled IS NULL OR aml.reconciled = false OR aml.reconciled IS NOT true)"
)

# the tables and fields the views read: flushed before each search
WORK_DEPENDS = {
    "dso.payment.promise": [
        "state",
        "partner_id",
        "company_id",
        "user_id",
        "currency_id",
        "amount",
        "date",
        "contact_id",
        "move_ids",
        "create_date",
    ],
    "dso.invoice.dispute": [
        "state",
        "partner_id",
        "company_id",
        "user_id",
        "move_id",
        "contact_id",
        "create_date",
    ],
    "dso.reminder": [
        "partner_id",
        "company_id",
        "currency_id",
        "amount_due",
        "is_answered",
        "answer_date",
        "is_draft",
        "state",
        "level_id",
        "date",
        "move_ids",
        "contact_id",
        "user_id",
        "channel",
    ],
    "dso.reminder.level": ["company_id", "active", "days"],
    "account.move": ["payment_state", "amount_residual_signed"],
    "account.move.line": [
        "account_id",
        "parent_state",
        "reconciled",
        "amount_residual",
        "partner_id",
        "company_id",
        "date_maturity",
        "date",
    ],
    "account.account": ["account_type"],
    "mail.message": [
        "model",
        "res_id",
        "date",
        "message_type",
        "mail_activity_type_id",
        "author_id",
    ],
    "res.partner": [
        "user_id",
        "collection_contact_id",
        "email",
        "mobile",
        "phone",
        "active",
        "parent_id",
    ],
    "res.company": ["dso_reminder_user_id", "currency_id"],
}


def line_id(code, source, company):
    """A line's id, stable from one query to the next (its buttons act on
    it): the source record, its company and its kind's ``code`` in one
    number (below 2**53, an integer for the web client too)."""
    return f"(({source}::bigint * 4096 + {company}) * 8 + {code})"


def select_columns(kind, code, source, company, columns):
    """The SELECT of one branch of a view of kinds (My work today's, the
    collection activity's): its id (``line_id``), its kind, then
    ``columns``, ``[(name, SQL expression)]`` in the view's order."""
    items = [f"{line_id(code, source, company)} AS id", f"'{kind}'::varchar AS kind"]
    items += [f"{expression} AS {name}" for name, expression in columns]
    return "SELECT " + ", ".join(items)


def from_customer_record(table, alias, *joins):
    """The FROM of a branch that reads a customer's record (``table`` as
    ``alias``, with its ``company_id`` and ``partner_id``): the record,
    ``joins``, its company as ``c`` and its customer as ``rp``."""
    return "\n".join(
        (
            f"FROM {table} {alias}",
            *joins,
            f"JOIN res_company c ON c.id = {alias}.company_id",
            f"JOIN res_partner rp ON rp.id = {alias}.partner_id",
        )
    )


def work_query():
    """The five kinds of work, UNION ALL: each branch reads an index of
    its own table (states, the flags of a reminder) and joins the few
    rows it finds; the collector is the record's, else the company's
    reminders sender, else the customer's salesperson (as the customer
    page's ``_collector``)."""
    branches = (
        query_promises(),
        query_disputes(),
        query_replies(),
        query_last_level(),
        query_no_contact(),
    )
    return "\nUNION ALL\n".join(f"({branch})" for branch in branches)


# the columns of My work today's lines, after their id and kind
COLUMNS = (
    "partner_id",
    "company_id",
    "user_id",
    "currency_id",
    "amount_due",
    "date",
    "promise_id",
    "dispute_id",
    "reminder_id",
    "contact_id",
)


def _columns(kind, source, **values):
    return select_columns(
        kind,
        KIND_CODE[kind],
        source,
        values["company_id"],
        [(name, values.get(name, "NULL::int")) for name in COLUMNS],
    )


def _record_columns(kind, alias, record_field, **values):
    """The columns of a branch that reads one customer's record (``alias``):
    the line's source, customer, company and contact are the record's, and
    ``record_field`` (promise_id, dispute_id, reminder_id) points to it."""
    return _columns(
        kind,
        f"{alias}.id",
        partner_id=f"{alias}.partner_id",
        company_id=f"{alias}.company_id",
        contact_id=f"{alias}.contact_id",
        **{record_field: f"{alias}.id"},
        **values,
    )


def query_promises():
    """Broken promises (the daily check's state) whose invoices are
    still unpaid, unless a newer promise of the customer was made."""
    select = _record_columns(
        "promise",
        "p",
        "promise_id",
        user_id="COALESCE(p.user_id, c.dso_reminder_user_id, rp.user_id)",
        currency_id="p.currency_id",
        amount_due="p.amount",
        date="p.date",
    )
    return f"""{select}
        {from_customer_record("dso_payment_promise", "p")}
        WHERE p.state = 'broken'
          AND EXISTS (
            SELECT 1 FROM dso_payment_promise_account_move_rel rel
            JOIN account_move m ON m.id = rel.move_id
            WHERE rel.promise_id = p.id AND m.payment_state NOT IN {PAID})
          AND NOT EXISTS (
            SELECT 1 FROM dso_payment_promise newer
            WHERE newer.partner_id = p.partner_id AND newer.company_id = p.company_id
              AND newer.id > p.id AND newer.state IN ('open', 'kept'))"""


def query_disputes():
    select = _record_columns(
        "dispute",
        "d",
        "dispute_id",
        user_id="COALESCE(d.user_id, c.dso_reminder_user_id, rp.user_id)",
        currency_id="c.currency_id",
        amount_due="m.amount_residual_signed",
        date="(d.create_date AT TIME ZONE 'UTC')::date",
    )
    source = from_customer_record("dso_invoice_dispute", "d", DISPUTE_MOVE)
    return f"""{select}
        {source}
        WHERE d.state = 'open'"""


def query_replies():
    """The customer's last reply to a reminder, until the collector
    answers: a message or note written by a user on the reminder or the
    customer, an activity done there (a call logged), or a promise
    recorded since."""
    select = _record_columns(
        "reply",
        "r",
        "reminder_id",
        user_id="COALESCE(c.dso_reminder_user_id, rp.user_id)",
        currency_id="r.currency_id",
        amount_due="r.amount_due",
        date="(r.answer_date AT TIME ZONE 'UTC')::date",
    )
    return f"""{select}
        {from_customer_record("dso_reminder", "r")}
        WHERE r.is_answered AND r.is_draft IS NOT TRUE
          AND NOT EXISTS (
            SELECT 1 FROM dso_reminder later
            WHERE later.partner_id = r.partner_id AND later.company_id = r.company_id
              AND later.is_answered
              AND (later.answer_date, later.id) > (r.answer_date, r.id))
          AND NOT EXISTS (
            SELECT 1 FROM mail_message mm
            JOIN res_users u ON u.partner_id = mm.author_id AND u.share IS NOT TRUE
            WHERE ((mm.model = 'dso.reminder' AND mm.res_id = r.id)
                   OR (mm.model = 'res.partner' AND mm.res_id = r.partner_id))
              AND mm.date >= r.answer_date
              AND (mm.message_type = 'comment' OR mm.mail_activity_type_id IS NOT NULL))
          AND NOT EXISTS (
            SELECT 1 FROM dso_payment_promise p
            WHERE p.partner_id = r.partner_id AND p.company_id = r.company_id
              AND p.create_date >= r.answer_date)"""


def query_last_level():
    """Customers sent the last level of their company's ladder whose
    invoices of that reminder are still unpaid (its latest one)."""
    select = _record_columns(
        "last_level",
        "r",
        "reminder_id",
        user_id="COALESCE(c.dso_reminder_user_id, rp.user_id)",
        currency_id="c.currency_id",
        amount_due="unpaid.amount",
        date="r.date",
    )
    return f"""{select}
        {from_customer_record("dso_reminder", "r")}
        JOIN (
            SELECT DISTINCT ON (l.company_id) l.id
            FROM dso_reminder_level l WHERE l.active
            ORDER BY l.company_id, l.days DESC, l.id DESC
        ) last_level ON last_level.id = r.level_id
        JOIN LATERAL (
            SELECT SUM(m.amount_residual_signed) AS amount
            FROM dso_reminder_account_move_rel rel
            JOIN account_move m ON m.id = rel.move_id
            WHERE rel.reminder_id = r.id AND m.payment_state NOT IN {PAID}
        ) unpaid ON unpaid.amount IS NOT NULL
        WHERE r.is_draft IS NOT TRUE AND r.state != 'failed'
          AND NOT EXISTS (
            SELECT 1 FROM dso_reminder newer
            WHERE newer.partner_id = r.partner_id AND newer.level_id = r.level_id
              AND newer.id > r.id AND newer.is_draft IS NOT TRUE)"""


def query_no_contact():
    """Customers who owe money (open receivables) in a company and have no
    reachable contact for collection: none, or one whose email bounced, whose
    number failed, who is blacklisted or has no email, mobile or phone (the
    rule of ``res.partner._dso_unreachable_domain``)."""
    select = _columns(
        "no_contact",
        "rp.id",
        partner_id="rp.id",
        company_id="aml.company_id",
        user_id="COALESCE(c.dso_reminder_user_id, rp.user_id)",
        currency_id="c.currency_id",
        amount_due="SUM(aml.amount_residual)",
        date="MIN(COALESCE(aml.date_maturity, aml.date))",
        contact_id="rp.collection_contact_id",
    )
    return f"""{select}
        FROM account_move_line aml
        JOIN account_account acc ON acc.id = aml.account_id
        JOIN res_partner rp ON rp.id = aml.partner_id
        JOIN res_company c ON c.id = aml.company_id
        LEFT JOIN res_partner cc ON cc.id = rp.collection_contact_id
        WHERE {OPEN_RECEIVABLE}
          AND rp.active AND rp.parent_id IS NULL
          AND (rp.collection_contact_id IS NULL
               OR cc.message_bounce > 0
               OR cc.dso_sms_bounce > 0
               OR EXISTS (
                   SELECT 1 FROM mail_blacklist bl
                   WHERE bl.active AND bl.email = cc.email_normalized)
               OR (cc.email_normalized IS NULL AND COALESCE(cc.mobile, '') = ''
                   AND COALESCE(cc.phone, '') = ''))
        GROUP BY rp.id, aml.company_id, c.dso_reminder_user_id, c.currency_id
        HAVING SUM(aml.amount_residual) > 0"""
