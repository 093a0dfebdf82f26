# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The customer's page: what they owe, a promise to pay, a dispute.

Every route takes the token of one (customer, company) access record
(``dso.customer.access``), checks it (``_check_token``, with ``consteq``) and
only then makes one call on that access, sudo: the page's engine there reads
and writes within that customer's open invoices in that company, so ids sent
by the visitor never widen what is read."""

import uuid

from werkzeug.exceptions import NotFound
from werkzeug.urls import url_encode

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.dso_customer_page import MAX_FILE_SIZE, MAX_FILES


def _page_route(path="", methods=("GET",)):
    """A route of the customer's page ``/my/dso/<access_id>`` (``path``
    below it): public, each route checks the token (``_dso_access``)."""
    return http.route(
        f"/my/dso/<int:access_id>{path}",
        type="http",
        auth="public",
        methods=list(methods),
        website=True,
    )


class DsoCustomerPage(CustomerPortal):
    def _dso_access(self, access_id, access_token):
        """The access record of the page, sudo, in the reader's language, if
        ``access_token`` opens it; else 404, the same answer for a wrong,
        expired or revoked token, a customer owing nothing and a missing page."""
        access = request.env["dso.customer.access"].sudo().browse(access_id).exists()
        if not access or not access._check_token(access_token):
            raise NotFound()
        if request.env.user._is_public():
            # a visitor of the link: most likely whom the reminder was sent to,
            # in their language; a logged-in reader keeps their own
            contact = access.partner_id.collection_contact_id or access.partner_id
            request.update_context(lang=contact.lang or access.partner_id.lang or "en_US")
        return access.with_context(lang=request.env.lang).with_company(access.company_id)

    def _dso_redirect(self, access, params):
        """Back to the page, saying what happened (``params``: message or error)."""
        query = f"&{url_encode(params)}" if params else None
        return request.redirect(access.get_portal_url(query_string=query))

    @http.route("/dso/<string:code>", type="http", auth="public", methods=["GET"])
    def dso_short_link(self, code, **kw):
        """The short link of an SMS: to the page, with its token. A code that
        opens nothing (wrong, revoked, expired, nothing owed) is a 404, as a
        wrong token is."""
        access = request.env["dso.customer.access"]._from_short_code(code)
        if not access or not access._check_token(access.access_token):
            raise NotFound()
        return request.redirect(access.get_portal_url(), code=303, local=True)

    @_page_route()
    def dso_customer_page(self, access_id, access_token=None, message=None, error=None, **kw):
        access = self._dso_access(access_id, access_token)
        values = access._page_values()
        values.update(
            no_breadcrumbs=True,
            message=message,
            error=error,
            # one key per form shown: a second post of the same form is ignored
            submission_key=uuid.uuid4().hex,
        )
        return request.render("dso_contacts.dso_portal_customer_page", values)

    @_page_route("/invoice/<int:move_id>/pdf")
    def dso_invoice_pdf(self, access_id, move_id, access_token=None, **kw):
        access = self._dso_access(access_id, access_token)
        move = access._invoices_among([move_id])
        if not move:
            raise NotFound()
        # a real PDF even on a server run with --test-enable, where Odoo
        # otherwise renders reports as HTML
        document = move.with_context(force_report_rendering=True)._get_invoice_legal_documents(
            "pdf", allow_fallback=True
        )
        headers = self._get_http_headers(move, "pdf", document["content"], True)
        return request.make_response(document["content"], list(headers.items()))

    @_page_route("/promise", methods=("POST",))
    def dso_promise(self, access_id, access_token=None, date=None, note=None, **post):
        access = self._dso_access(access_id, access_token)
        result = access._submit_promise(
            request.httprequest.form.getlist("move_ids"),
            date,
            note=note,
            submission_key=post.get("submission_key"),
        )
        return self._dso_redirect(access, result)

    @_page_route("/dispute", methods=("POST",))
    def dso_dispute(self, access_id, access_token=None, move_id=None, reason_id=None, **post):
        access = self._dso_access(access_id, access_token)
        uploads = [f for f in request.httprequest.files.getlist("attachments") if f.filename]
        # read no more than the engine accepts (one byte over says "too big")
        files = [
            (upload.filename, upload.read(MAX_FILE_SIZE + 1))
            for upload in uploads[: MAX_FILES + 1]
        ]
        result = access._submit_dispute(
            move_id,
            reason_id,
            description=post.get("description"),
            files=files,
            submission_key=post.get("submission_key"),
        )
        return self._dso_redirect(access, result)
