# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""My work today: what each collector has to act on, one line per thing to
do, read from a SQL view (as Odoo's reports) so that it stays one indexed
query on a large customer book."""

from odoo import api, fields, models, tools
from odoo.tools import SQL, format_amount, format_date

from ..tools.work_sql import WORK_DEPENDS, WORK_KINDS, work_query


class DsoWorkItem(models.Model):
    _name = "dso.work.item"
    _description = "Collection Work Item"
    _auto = False
    _order = "date, id"
    _rec_name = "partner_id"
    # what the view reads: flushed before each search (as Odoo's reports)
    _depends = WORK_DEPENDS

    kind = fields.Selection(WORK_KINDS, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_due = fields.Monetary(readonly=True, currency_field="currency_id")
    date = fields.Date(readonly=True)
    promise_id = fields.Many2one("dso.payment.promise", readonly=True)
    dispute_id = fields.Many2one("dso.invoice.dispute", readonly=True)
    reminder_id = fields.Many2one("dso.reminder", readonly=True)
    contact_id = fields.Many2one("res.partner", readonly=True)
    description = fields.Char(compute="_compute_description")

    @api.depends_context("lang")
    @api.depends("kind", "promise_id", "dispute_id", "reminder_id", "contact_id")
    def _compute_description(self):
        texts = self._describe()
        for line in self:
            line.description = texts.get(line, False)

    def _describe(self):
        """The text of each line of ``self``: {line: text}, per batch. The
        promises, disputes, reminders and contacts of the lines are read once
        for the batch (a read per model; display names and blacklist flags
        computed together), then each text is filled in: a list of 100,000
        lines (an export) reads no record per line."""
        empty = self.browse()
        by_kind = self.grouped("kind")
        texts = {}

        lines = by_kind.get("promise", empty)
        lines.promise_id.fetch(["amount", "currency_id", "date"])
        for line in lines:
            promise = line.promise_id
            texts[line] = self.env._(
                "Promised %(amount)s by %(date)s, not paid",
                amount=format_amount(self.env, promise.amount, promise.currency_id),
                date=format_date(self.env, promise.date),
            )

        lines = by_kind.get("dispute", empty)
        lines.dispute_id.mapped("display_name")
        for line in lines:
            texts[line] = line.dispute_id.display_name

        lines = by_kind.get("reply", empty) | by_kind.get("last_level", empty)
        lines.reminder_id.mapped("display_name")
        for line in lines:
            reminder = line.reminder_id.display_name
            if line.kind == "reply":
                texts[line] = self.env._("Answered %(reminder)s", reminder=reminder)
            else:
                texts[line] = self.env._("%(reminder)s, still unpaid", reminder=reminder)

        lines = by_kind.get("no_contact", empty)
        contacts = lines.contact_id
        contacts.fetch(["name", "message_bounce", "dso_sms_bounce"])
        blacklisted = contacts.filtered("is_blacklisted")
        for line in lines:
            contact = line.contact_id
            if not contact:
                texts[line] = self.env._("Owes money and has no contact for collection")
            elif contact.message_bounce or contact.dso_sms_bounce:
                texts[line] = self.env._(
                    "Reminders to %(contact)s did not arrive", contact=contact.name
                )
            elif contact in blacklisted:
                texts[line] = self.env._("%(contact)s is blacklisted", contact=contact.name)
            else:
                texts[line] = self.env._(
                    "%(contact)s has no email, mobile or phone", contact=contact.name
                )
        return texts

    @property
    def _table_query(self):
        return SQL(self._query())

    def _query(self):
        """The five kinds of work, UNION ALL (``tools/work_sql.py``)."""
        return work_query()

    def init(self):
        # an index for each branch's filter, on the states it reads; the
        # other tables are read through their primary keys and Odoo's own
        # indexes (account_move_line__unreconciled_index, mail_message's
        # (model, res_id))
        cr = self.env.cr
        tools.create_index(
            cr,
            "dso_reminder_answered_idx",
            "dso_reminder",
            ["partner_id", "company_id"],
            where="is_answered",
        )
        tools.create_index(
            cr,
            "dso_payment_promise_partner_company_idx",
            "dso_payment_promise",
            ["partner_id", "company_id", "id"],
        )
        tools.create_index(
            cr,
            "dso_reminder_partner_level_idx",
            "dso_reminder",
            ["partner_id", "level_id", "id"],
        )

    # ------------------------------------------------------------------
    # Actions: each checks that the user reads the line (its company's
    # rule), then opens the addon's own door for it
    # ------------------------------------------------------------------

    def _check_line(self):
        self.ensure_one()
        self.check_access("read")
        self.partner_id.check_access("read")
        return self.with_company(self.company_id)

    def action_open_customer(self):
        line = self._check_line()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": line.partner_id.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_open_source(self):
        """The promise, dispute or reminder of the line, else the customer."""
        line = self._check_line()
        record = line.promise_id or line.dispute_id or line.reminder_id
        if not record:
            return line.action_open_customer()
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_log_call(self):
        """Odoo's activity dialog, a call by the collector today, on the
        line's promise, dispute or reminder (where the customer answered),
        else on the customer: *Mark as Done* logs it in that chatter (an
        answered reply leaves the list then)."""
        line = self._check_line()
        record = line.promise_id or line.dispute_id or line.reminder_id or line.partner_id
        self.env["mail.activity"].check_access("create")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a call"),
            "res_model": "mail.activity",
            "views": [(self.env.ref("mail.mail_activity_view_form_popup").id, "form")],
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": record._name,
                "default_res_id": record.id,
                "default_activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "default_user_id": self.env.uid,
                "default_date_deadline": fields.Date.context_today(self),
                "default_summary": line.description,
            },
        }

    def action_record_promise(self):
        """The promise dialog of the customer form (``_action_record``), in
        the line's company."""
        line = self._check_line()
        return line.env["dso.payment.promise"]._action_record(line.partner_id)

    def action_send_reminder(self):
        """The manual send of the customer form, in the line's company."""
        line = self._check_line()
        action = line.partner_id.action_dso_send_reminder()
        action["context"] = {**action["context"], "default_company_id": line.company_id.id}
        return action
