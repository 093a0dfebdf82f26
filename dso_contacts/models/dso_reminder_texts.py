# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class DsoReminder(models.Model):
    """What the reminder templates show: plain field paths (amount, invoice
    numbers, the invoices' table, the language), so that Odoo renders them
    without compiling QWeb per record."""

    _inherit = "dso.reminder"

    # shown in the templates: plain field paths, so that Odoo renders them
    # without compiling QWeb per record (see mail_allowed_qweb_expressions)
    render_lang = fields.Char(compute="_compute_render_lang")
    amount_due_text = fields.Char(string="Amount due (text)", compute="_compute_texts")
    invoice_names = fields.Char(string="Invoice numbers", compute="_compute_texts")
    invoice_table_html = fields.Html(
        string="Invoices (table)", compute="_compute_texts", sanitize=False
    )

    @api.depends("contact_id.lang", "partner_id.lang")
    def _compute_render_lang(self):
        for reminder in self:
            reminder.render_lang = reminder.contact_id.lang or reminder.partner_id.lang

    @api.depends_context("lang")
    @api.depends("move_ids", "credit_line_ids", "amount_due", "currency_id")
    def _compute_texts(self):
        QWeb = self.env["ir.qweb"]
        helpers = self.env["dso.reminder.dispatch"]._format_helpers()
        for reminder in self:
            moves = reminder.move_ids.sorted(lambda m: (m.invoice_date_due, m.id))
            reminder.amount_due_text = helpers["format_amount"](
                reminder.amount_due, reminder.currency_id
            )
            reminder.invoice_names = ", ".join(moves.mapped("name"))
            reminder.invoice_table_html = QWeb._render(
                "dso_contacts.reminder_invoice_table",
                {
                    "moves": moves,
                    "credit_lines": reminder.credit_line_ids.sorted(
                        lambda line: (line.date, line.id)
                    ),
                    "amount_due": reminder.amount_due_text,
                    **helpers,
                },
                minimal_qcontext=True,
            )

    @api.model
    def mail_allowed_qweb_expressions(self):
        # the values the reminder templates show, allowed to the users who are
        # not template editors, and rendered without QWeb compilation
        return (
            *super().mail_allowed_qweb_expressions(),
            "object.contact_id.name",
            "object.company_id.name",
            "object.level_id.name",
            "object.amount_due_text",
            "object.invoice_names",
            "object.invoice_table_html",
            "object.email_from",
            "object.render_lang",
            "object.contact_id.id",
        )
