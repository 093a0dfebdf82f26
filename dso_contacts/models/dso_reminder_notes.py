# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models
from odoo.tools import format_amount, format_date, get_lang

from .dso_reminder_dispatch import FORMATS_KEY


class DsoReminderDispatch(models.AbstractModel):
    """What the dispatch leaves behind a send: one note on each customer (QWeb,
    views/dso_reminder_templates.xml) and an activity for each reminder that
    could not use a channel."""

    _inherit = "dso.reminder.dispatch"

    @api.model
    def _log_chatter(self, reminders):
        """One note on each customer: its reminders, what went where, the
        invoices they name. The invoices show their reminders from the history
        (``account.move.dso_reminder_ids``, the smart button), not a note each:
        a note per invoice cost as much as the customers' notes (bench/README.md)."""
        QWeb = self.env["ir.qweb"]
        helpers = self._format_helpers()
        bodies = {
            customer.id: QWeb._render(
                "dso_contacts.reminder_customer_note",
                {"reminders": customer_reminders, **helpers},
                minimal_qcontext=True,
            )
            for customer, customer_reminders in reminders.grouped("partner_id").items()
        }
        if bodies:
            # core's batch log creates the notes, their bodies written sanitized
            # once (see _store_bodies: the ORM sanitizes each twice)
            notes = (
                self.env["res.partner"]
                .browse(bodies)
                ._message_log_batch(
                    bodies=dict.fromkeys(bodies, ""), author_id=self.env.user.partner_id.id
                )
            )
            self._store_bodies({note: bodies[note.res_id] for note in notes})

    @api.model
    def _format_helpers(self):
        """The formatting functions the reminder QWeb templates call, in the
        environment's language (looked up once), each value formatted once:
        a batch shows the same amounts and dates in its emails' tables and its
        notes (``format_amount`` took 12% of the scheduled action, profiled)."""
        env = self.env
        lang_code = get_lang(env).code
        # one set per language for a whole dispatch (see _send): its tables,
        # SMS and notes format the same amounts and dates
        shared = env.cr.cache.get(FORMATS_KEY)
        if shared is not None and lang_code in shared:
            return shared[lang_code]
        amounts, dates = {}, {}

        def amount_text(amount, currency):
            key = (amount, currency.id)
            if key not in amounts:
                amounts[key] = format_amount(env, amount, currency, lang_code)
            return amounts[key]

        def date_text(date):
            if date not in dates:
                dates[date] = format_date(env, date, lang_code=lang_code)
            return dates[date]

        helpers = {"format_amount": amount_text, "format_date": date_text}
        if shared is not None:
            shared[lang_code] = helpers
        return helpers

    @api.model
    def _flag_problems(self, reminders):
        """Raise an activity for each reminder that could not use a channel,
        written in the language of the user it is assigned to; clear the
        failure of the customers reminded. (The customer's banner is computed
        from the current data: ``res.partner.dso_reminder_problem``.)"""
        for company, company_reminders in reminders.grouped("company_id").items():
            # a reminder of one company clears that company's failure only
            company_reminders.partner_id.filtered(
                lambda partner, company=company: (
                    partner.dso_reminder_error
                    and partner.dso_reminder_error_company_id in (company, company.browse())
                )
            ).sudo().write(
                {"dso_reminder_error": False, "dso_reminder_error_company_id": False}
            )
        problems = reminders.filtered("problem_data")
        if not problems:
            return
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        partner_model = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for reminder in problems:
            user = (
                reminder.user_id
                or reminder.partner_id.user_id
                or reminder.trigger_move_id.invoice_user_id
                or self.env.user
            )
            # as mail.activity's own notes: in the assigned user's language
            in_lang = self.with_context(lang=user.lang or self.env.lang)
            vals_list.append(
                {
                    "res_model_id": partner_model,
                    "res_id": reminder.partner_id.id,
                    "activity_type_id": todo.id if todo else False,
                    "summary": in_lang.env._(
                        "Payment reminder %(level)s not fully sent",
                        level=reminder.level_id.with_env(in_lang.env).name,
                    ),
                    "note": in_lang.env["ir.qweb"]._render(
                        "dso_contacts.reminder_problem_note",
                        {"lines": in_lang._problem_lines(reminder.problem_data)},
                        minimal_qcontext=True,
                    ),
                    "user_id": user.id,
                    "date_deadline": reminder.date,
                }
            )
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            vals_list
        )
