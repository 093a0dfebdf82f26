# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models


class DsoReminderDispatch(models.AbstractModel):
    """The levels that call instead of writing: one activity "Call" per
    customer for its collector, the invoices of its reminders listed."""

    _inherit = "dso.reminder.dispatch"

    @api.model
    def _schedule_calls(self, reminders):
        """One activity "Call" on each customer of ``reminders`` (reminders
        of a call level, see ``dso.reminder.level.action_kind``), assigned to
        the collector each reminder names, written in the collector's
        language; each reminder keeps its activity (``activity_id``)."""
        if not reminders:
            return self.env["mail.activity"]
        call = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        partner_model = self.env["ir.model"]._get_id("res.partner")
        helpers = self._format_helpers()
        groups = list(reminders.grouped(lambda r: (r.partner_id, r.activity_user_id)).items())
        vals_list = []
        for (customer, user), customer_reminders in groups:
            in_lang = self.with_context(lang=user.lang or self.env.lang)
            levels = customer_reminders.level_id.with_env(in_lang.env)
            vals_list.append(
                {
                    "res_model_id": partner_model,
                    "res_id": customer.id,
                    "activity_type_id": call.id if call else False,
                    "summary": in_lang.env._(
                        "Call about the unpaid invoices (%(level)s)",
                        level=", ".join(levels.mapped("name")),
                    ),
                    "note": in_lang.env["ir.qweb"]._render(
                        "dso_contacts.reminder_call_note",
                        {
                            "reminders": customer_reminders.with_env(in_lang.env),
                            "contacts": customer.collection_contact_id,
                            **helpers,
                        },
                        minimal_qcontext=True,
                    ),
                    "user_id": user.id,
                    "date_deadline": min(customer_reminders.mapped("date")),
                }
            )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        for (_key, customer_reminders), activity in zip(groups, activities, strict=True):
            customer_reminders.write({"activity_id": activity.id})
        return activities
