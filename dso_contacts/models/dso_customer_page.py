# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from datetime import timedelta

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

_logger = logging.getLogger(__name__)

# what a visitor of the page may send
MAX_TEXT = 2000
MAX_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024


class DsoCustomerAccess(models.Model):
    """The customer's page: what it shows and what its forms record, one
    engine for the page's doors. The controller checks the token
    (``_check_token``), then makes one call per page or form on the access,
    sudo: every read and write here is bounded by the access' customer and
    company, whatever ids the visitor sent."""

    _inherit = "dso.customer.access"

    def _collector(self):
        """Who follows the customer's answers up: the company's collector,
        else the customer's salesperson."""
        self.ensure_one()
        return self.company_id.dso_reminder_user_id or self.partner_id.user_id

    def _invoices_among(self, move_ids):
        """The page's open invoices among the ``move_ids`` the visitor sent
        (strings or integers; anything else is ignored)."""
        self.ensure_one()
        wanted = {int(value) for value in move_ids if str(value).isdigit()}
        return self._open_invoices().filtered(lambda move: move.id in wanted)

    def _page_values(self):
        """What the page shows: the open invoices, their totals, whom to
        contact, the dispute reasons and the promise's date limits, and for
        each form the invoices it may take and why the others are held (the
        rules of the promise and dispute models, ``_holds``)."""
        self.ensure_one()
        env = self.env
        today = fields.Date.context_today(self)
        moves = self._open_invoices()
        promise_holds = env["dso.payment.promise"]._holds(moves)
        dispute_holds = env["dso.invoice.dispute"]._holds(moves)
        totals = {}
        for move in moves:
            totals[move.currency_id] = totals.get(move.currency_id, 0.0) + move.amount_residual
        company = self.company_id
        collector = self._collector()
        date_max = today + timedelta(days=company.dso_promise_max_days)
        return {
            "access": self,
            "access_token": self.access_token,
            "customer": self.partner_id,
            "company": company,
            "res_company": company,
            "invoices": [
                {
                    "move": move,
                    "date": format_date(env, move.invoice_date),
                    "due": format_date(env, move.invoice_date_due),
                    "amount": format_amount(env, move.amount_residual, move.currency_id),
                    "late": max((today - move.invoice_date_due).days, 0)
                    if move.invoice_date_due
                    else 0,
                    "promised": move.dso_promise_ids.filtered(lambda p: p.state == "open"),
                    "promise_date": format_date(
                        env,
                        move.dso_promise_ids.filtered(lambda p: p.state == "open")[:1].date,
                    ),
                    "disputed": move.dso_dispute_ids.filtered(lambda d: d.state == "open"),
                    "promisable": move not in promise_holds,
                    "disputable": move not in dispute_holds,
                }
                for move in moves
            ],
            "totals": [
                format_amount(env, amount, currency) for currency, amount in totals.items()
            ],
            "promise_holds": list(promise_holds.values()),
            "can_promise": len(promise_holds) < len(moves),
            "dispute_holds": list(dispute_holds.values()),
            "can_dispute": len(dispute_holds) < len(moves),
            "disputes": [
                {
                    "dispute": dispute,
                    "date": format_date(env, dispute.create_date),
                    "resolved": dispute.state == "resolved",
                }
                for dispute in moves.dso_dispute_ids.sorted(
                    lambda d: (d.move_id.invoice_date_due, d.move_id.id, d.id)
                )
            ],
            "contact_name": collector.name or company.name,
            "contact_email": collector.email or company.email,
            "contact_phone": collector.partner_id.phone or company.phone,
            # the few reasons a company configures (a short list, read for the form)
            "reasons": env["dso.dispute.reason"].sudo().search([], limit=100),
            # the date input's bounds, and the same said in the reader's words
            "date_min": fields.Date.to_string(today),
            "date_max": fields.Date.to_string(date_max),
            "date_first": format_date(env, today),
            "date_limit": format_date(env, date_max),
        }

    def _answer_values(self, model, submission_key):
        """Values of a promise or a dispute answered on the page: the
        customer's contact for collection answered, the collector follows
        it up; None when the form with ``submission_key`` was recorded
        already (a form posted twice records one answer)."""
        self.ensure_one()
        if submission_key and self.env[model].sudo().search_count(
            [("submission_key", "=", submission_key)], limit=1
        ):
            return None
        return {
            "contact_id": self.partner_id.collection_contact_id.id,
            "source": "page",
            "user_id": self._collector().id,
            "submission_key": submission_key or False,
        }

    def _submit_promise(self, move_ids, date, note=None, submission_key=None):
        """Record the promise to pay sent from the page. Returns what the page
        says next: ``{"message": ...}`` or ``{"error": ...}``."""
        self.ensure_one()
        values = self._answer_values("dso.payment.promise", submission_key)
        if values is None:
            return {"message": "duplicate"}
        moves = self._invoices_among(move_ids)
        # a disputed invoice is greyed out on the page: ignored if sent anyway
        held = self.env["dso.payment.promise"]._holds(moves)
        moves = moves.filtered(lambda move: move not in held)
        if not moves:
            return {"error": "no_invoice"}
        try:
            promise_date = fields.Date.to_date(date)
        except ValueError:
            promise_date = None
        if not promise_date:
            return {"error": "date"}
        try:
            # a savepoint: a refused date leaves nothing behind
            with self.env.cr.savepoint():
                self.env["dso.payment.promise"].sudo().create(
                    {
                        **values,
                        "company_id": self.company_id.id,
                        "partner_id": self.partner_id.id,
                        "move_ids": [Command.set(moves.ids)],
                        "date": promise_date,
                        "note": clean_text(note),
                    }
                )
        except UserError as error:
            _logger.info("Promise refused on the customer page %s: %s", self.id, error)
            return {"error": "date"}
        return {"message": "promise"}

    def _submit_dispute(
        self, move_id, reason_id, description=None, files=(), submission_key=None
    ):
        """Record the dispute of one invoice sent from the page, with the
        visitor's ``files`` (``(name, content)`` pairs). Returns what the page
        says next, as ``_submit_promise``."""
        self.ensure_one()
        values = self._answer_values("dso.invoice.dispute", submission_key)
        if values is None:
            return {"message": "duplicate"}
        move = self._invoices_among([move_id])
        reason = (
            self.env["dso.dispute.reason"].sudo().browse(int(reason_id)).exists()
            if str(reason_id or "").isdigit()
            else None
        )
        if (
            not move
            or not reason
            or not reason.active
            or self.env["dso.invoice.dispute"]._holds(move)
        ):
            return {"error": "dispute"}
        if len(files) > MAX_FILES or any(
            len(content) > MAX_FILE_SIZE for _n, content in files
        ):
            return {"error": "files"}
        Attachment = self.env["ir.attachment"].sudo()
        attachments = Attachment.create(
            [
                {
                    "name": name[:200],
                    "raw": content,
                    "res_model": "dso.invoice.dispute",
                }
                for name, content in files
            ]
        )
        dispute = (
            self.env["dso.invoice.dispute"]
            .sudo()
            .create(
                {
                    **values,
                    "move_id": move.id,
                    "reason_id": reason.id,
                    "description": clean_text(description),
                    "attachment_ids": [Command.set(attachments.ids)],
                }
            )
        )
        attachments.write({"res_id": dispute.id})
        return {"message": "dispute"}


def clean_text(text):
    """Plain text, bounded: stored in Text fields and shown escaped."""
    return (text or "").replace("\x00", "").strip()[:MAX_TEXT]
