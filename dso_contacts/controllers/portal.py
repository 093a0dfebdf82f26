# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The customer's page: what they owe, a promise to pay, a dispute.

Every route takes the token of one (customer, company) access record
(``dso.customer.access``), compares it with ``consteq`` and only then reads
with sudo, always restricted to that customer's open invoices in that
company: ids sent by the visitor never widen what is read."""

import base64
import logging
import uuid
from datetime import timedelta

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import format_amount, format_date

from odoo.addons.portal.controllers.portal import CustomerPortal

_logger = logging.getLogger(__name__)

MAX_TEXT = 2000
MAX_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024


class DsoCustomerPage(CustomerPortal):
    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _dso_access(self, access_id, access_token):
        """The access record of the page, sudo, if ``access_token`` opens it;
        else 404, the same answer for a wrong, expired or revoked token, a
        customer owing nothing and a missing page."""
        access = request.env["dso.customer.access"].sudo().browse(access_id).exists()
        if not access or not access._check_token(access_token):
            raise NotFound()
        contact = access.partner_id.collection_contact_id or access.partner_id
        request.update_context(lang=contact.lang or access.partner_id.lang or "en_US")
        return access.with_context(lang=request.env.lang).with_company(access.company_id)

    def _dso_page_url(self, access, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        url = access._get_share_url()
        return f"{url}&{query}" if query else url

    def _dso_clean_text(self, text):
        """Plain text, bounded: stored in Text fields and shown escaped."""
        return (text or "").replace("\x00", "").strip()[:MAX_TEXT]

    def _dso_selected_moves(self, access, move_ids):
        """The open invoices of the page among the ids the visitor sent."""
        wanted = set()
        for value in move_ids:
            if str(value).isdigit():
                wanted.add(int(value))
        return access._open_invoices().filtered(lambda m: m.id in wanted)

    def _dso_collector(self, access):
        company = access.company_id
        return company.dso_reminder_user_id or access.partner_id.user_id

    def _dso_page_values(self, access, **kwargs):
        env = request.env
        today = fields.Date.context_today(access)
        moves = access._open_invoices()
        totals = {}
        for move in moves:
            totals[move.currency_id] = totals.get(move.currency_id, 0.0) + move.amount_residual
        company = access.company_id
        contact_user = self._dso_collector(access)
        return {
            "access": access,
            "access_token": access.access_token,
            "customer": access.partner_id,
            "company": company,
            "res_company": company,
            "no_breadcrumbs": True,
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
                    "disputed": move.dso_dispute_ids.filtered(lambda d: d.state == "open"),
                }
                for move in moves
            ],
            "totals": [
                format_amount(env, amount, currency) for currency, amount in totals.items()
            ],
            "contact_name": contact_user.name or company.name,
            "contact_email": contact_user.email or company.email,
            "contact_phone": contact_user.partner_id.phone or company.phone,
            "reasons": env["dso.dispute.reason"].sudo().search([]),
            "date_min": fields.Date.to_string(today),
            "date_max": fields.Date.to_string(
                today + timedelta(days=company.dso_promise_max_days)
            ),
            # one key per form shown: a second post of the same form is ignored
            "submission_key": uuid.uuid4().hex,
            "message": kwargs.get("message"),
            "error": kwargs.get("error"),
        }

    def _dso_already_submitted(self, model, key):
        return bool(key) and bool(
            request.env[model].sudo().search_count([("submission_key", "=", key)], limit=1)
        )

    # ------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------

    @http.route("/dso/<string:code>", type="http", auth="public", methods=["GET"])
    def dso_short_link(self, code, **kw):
        """The short link of an SMS: to the page, with its token. A code that
        opens nothing (wrong, revoked, expired, nothing owed) is a 404, as a
        wrong token is."""
        access = request.env["dso.customer.access"]._from_short_code(code)
        if not access or not access._check_token(access.access_token):
            raise NotFound()
        return request.redirect(access._get_share_url(), code=303, local=True)

    @http.route(
        "/my/dso/<int:access_id>", type="http", auth="public", methods=["GET"], website=True
    )
    def dso_customer_page(self, access_id, access_token=None, message=None, error=None, **kw):
        access = self._dso_access(access_id, access_token)
        values = self._dso_page_values(access, message=message, error=error)
        return request.render("dso_contacts.dso_portal_customer_page", values)

    @http.route(
        "/my/dso/<int:access_id>/invoice/<int:move_id>/pdf",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def dso_invoice_pdf(self, access_id, move_id, access_token=None, **kw):
        access = self._dso_access(access_id, access_token)
        move = self._dso_selected_moves(access, [move_id])
        if not move:
            raise NotFound()
        # a real PDF even on a server run with --test-enable, where Odoo
        # otherwise renders reports as HTML
        document = move.with_context(force_report_rendering=True)._get_invoice_legal_documents(
            "pdf", allow_fallback=True
        )
        headers = self._get_http_headers(move, "pdf", document["content"], True)
        return request.make_response(document["content"], list(headers.items()))

    @http.route(
        "/my/dso/<int:access_id>/promise",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def dso_promise(self, access_id, access_token=None, date=None, note=None, **post):
        access = self._dso_access(access_id, access_token)
        key = post.get("submission_key")
        if self._dso_already_submitted("dso.payment.promise", key):
            return request.redirect(self._dso_page_url(access, message="duplicate"))
        moves = self._dso_selected_moves(access, request.httprequest.form.getlist("move_ids"))
        if not moves:
            return request.redirect(self._dso_page_url(access, error="no_invoice"))
        try:
            promise_date = fields.Date.to_date(date)
        except ValueError:
            promise_date = None
        if not promise_date:
            return request.redirect(self._dso_page_url(access, error="date"))
        contact = access.partner_id.collection_contact_id
        try:
            # a savepoint: a refused date leaves nothing behind
            with request.env.cr.savepoint():
                request.env["dso.payment.promise"].sudo().create(
                    {
                        "company_id": access.company_id.id,
                        "partner_id": access.partner_id.id,
                        "contact_id": contact.id,
                        "move_ids": [fields.Command.set(moves.ids)],
                        "date": promise_date,
                        "source": "page",
                        "note": self._dso_clean_text(note),
                        "user_id": self._dso_collector(access).id,
                        "submission_key": key,
                    }
                )
        except UserError as error:
            _logger.info("Promise refused on the customer page %s: %s", access.id, error)
            return request.redirect(self._dso_page_url(access, error="date"))
        return request.redirect(self._dso_page_url(access, message="promise"))

    @http.route(
        "/my/dso/<int:access_id>/dispute",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def dso_dispute(self, access_id, access_token=None, move_id=None, reason_id=None, **post):
        access = self._dso_access(access_id, access_token)
        key = post.get("submission_key")
        if self._dso_already_submitted("dso.invoice.dispute", key):
            return request.redirect(self._dso_page_url(access, message="duplicate"))
        move = self._dso_selected_moves(access, [move_id])
        reason = (
            request.env["dso.dispute.reason"].sudo().browse(int(reason_id)).exists()
            if str(reason_id or "").isdigit()
            else None
        )
        if not move or not reason or not reason.active:
            return request.redirect(self._dso_page_url(access, error="dispute"))
        files = [f for f in request.httprequest.files.getlist("attachments") if f.filename]
        if len(files) > MAX_FILES:
            return request.redirect(self._dso_page_url(access, error="files"))
        attachment_vals = []
        for upload in files:
            content = upload.read(MAX_FILE_SIZE + 1)
            if len(content) > MAX_FILE_SIZE:
                return request.redirect(self._dso_page_url(access, error="files"))
            attachment_vals.append(
                {
                    "name": upload.filename[:200],
                    "datas": base64.b64encode(content),
                    "res_model": "dso.invoice.dispute",
                }
            )
        Attachment = request.env["ir.attachment"].sudo()
        attachments = Attachment.create(attachment_vals) if attachment_vals else Attachment
        dispute = (
            request.env["dso.invoice.dispute"]
            .sudo()
            .create(
                {
                    "move_id": move.id,
                    "contact_id": access.partner_id.collection_contact_id.id,
                    "reason_id": reason.id,
                    "description": self._dso_clean_text(post.get("description")),
                    "source": "page",
                    "user_id": self._dso_collector(access).id,
                    "attachment_ids": [fields.Command.set(attachments.ids)],
                    "submission_key": key,
                }
            )
        )
        attachments.write({"res_id": dispute.id})
        return request.redirect(self._dso_page_url(access, message="dispute"))
