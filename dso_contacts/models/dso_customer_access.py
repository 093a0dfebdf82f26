# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
import secrets
import string
import uuid
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq, format_amount, format_date

_logger = logging.getLogger(__name__)

SHORT_CODE_ALPHABET = string.ascii_letters + string.digits
# 62^10, about 8e17 codes: as hard to guess as a token, short enough for an SMS
SHORT_CODE_LENGTH = 10
# what a visitor of the page may send
MAX_TEXT = 2000
MAX_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024


class DsoCustomerAccess(models.Model):
    """The access token of one customer's page in one company.

    ``res.partner`` is no ``portal.mixin`` and a partner is shared by the
    companies: the token lives here, one per (customer, company), so that a
    link never shows another company's invoices."""

    _name = "dso.customer.access"
    _description = "Customer Page Access"
    _inherit = ["portal.mixin"]
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, ondelete="cascade", readonly=True
    )
    token_date = fields.Datetime(
        string="Link created on", readonly=True, help="Date the current token was created."
    )
    expiry_date = fields.Datetime(string="Link expires on", compute="_compute_expiry_date")
    short_code = fields.Char(
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="The code of the page's short link (/dso/<code>), sent in SMS; it "
        "changes and stops working with the token.",
    )

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique (partner_id, company_id)",
            "A customer has one page access per company.",
        ),
        ("short_code_uniq", "unique (short_code)", "A short link opens one page."),
    ]

    def _compute_access_url(self):
        for access in self:
            access.access_url = f"/my/dso/{access.id}"

    @api.depends("token_date", "company_id.dso_portal_token_days")
    def _compute_expiry_date(self):
        for access in self:
            days = access.company_id.dso_portal_token_days
            expiry = access.token_date and days and access.token_date + timedelta(days=days)
            access.expiry_date = expiry or False

    def _portal_ensure_token(self):
        if not self.access_token:
            self.sudo().write(
                {"token_date": fields.Datetime.now(), "short_code": self._new_short_code()}
            )
        return super()._portal_ensure_token()

    @api.model
    def _new_short_code(self):
        return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _i in range(SHORT_CODE_LENGTH))

    @api.model
    def _from_short_code(self, code):
        """The access record whose short link is ``code``, sudo, or nothing."""
        if not code or len(code) != SHORT_CODE_LENGTH:
            return self.sudo().browse()
        return self.sudo().search([("short_code", "=", code)], limit=1)

    @api.model
    def _get_or_create(self, partner, company):
        """The access record of ``partner``'s commercial entity in ``company``
        (created when missing). Caller checked the rights: sudo here."""
        customer = partner.commercial_partner_id
        access = self.sudo().search(
            [("partner_id", "=", customer.id), ("company_id", "=", company.id)], limit=1
        )
        return access or self.sudo().create(
            {"partner_id": customer.id, "company_id": company.id}
        )

    @api.model
    def _ensure(self, partners, company):
        """The access records of the commercial entities of ``partners`` in
        ``company``, each with a token and a short code, created when missing:
        what a reminder about to be sent links to. One search and one create
        for a whole batch. Called when sending, after the caller checked the
        rights: sudo here."""
        customers = partners.commercial_partner_id
        accesses = self.sudo().search(
            [("partner_id", "in", customers.ids), ("company_id", "=", company.id)]
        )
        missing = customers - accesses.partner_id
        if missing:
            now = fields.Datetime.now()
            accesses |= self.sudo().create(
                [
                    {
                        "partner_id": customer.id,
                        "company_id": company.id,
                        # portal.mixin's own token, made in the create rather
                        # than by one write per record
                        "access_token": str(uuid.uuid4()),
                        "token_date": now,
                        "short_code": self._new_short_code(),
                    }
                    for customer in missing
                ]
            )
        for access in accesses.filtered(lambda access: not access.access_token):
            access._portal_ensure_token()
        # pages whose token was made before the short links
        for access in accesses.filtered(lambda access: not access.short_code):
            access.short_code = self._new_short_code()
        return accesses

    @api.model
    def _ensure_for_reminders(self, reminders):
        """The pages the ``reminders`` about to be sent (a channel queued)
        link to, created when missing, before their templates are rendered:
        ``dso.reminder._compute_portal_url`` reads the links, never creates
        them. Caller checked the rights."""
        sent = reminders.filtered(
            lambda r: r.partner_id and "queued" in (r.email_state, r.sms_state)
        )
        for company, company_reminders in sent.grouped("company_id").items():
            self._ensure(company_reminders.partner_id, company)
        reminders.invalidate_recordset(["portal_url", "portal_short_url", "portal_link_html"])

    @api.model
    def _get_urls(self, partners, company):
        """{customer id: (URL of its page with its token, short URL)} for the
        commercial entities of ``partners`` that have a page in ``company``,
        for a whole batch of reminders: one search. Reads only: the pages are
        created when sending (``_ensure``), and handing the links out
        (``_hand_out``) is the sender's business, not the renderer's."""
        customers = partners.commercial_partner_id
        accesses = self.sudo().search(
            [
                ("partner_id", "in", customers.ids),
                ("company_id", "=", company.id),
                ("access_token", "!=", False),
            ]
        )
        base_url = self.get_base_url()
        return {
            access.partner_id.id: (
                base_url + access.get_portal_url(),
                access.short_code and f"{base_url}/dso/{access.short_code}",
            )
            for access in accesses
        }

    @api.model
    def _hand_out(self, reminders):
        """The links of ``reminders`` were sent: their validity period starts
        again (one write per company)."""
        now = fields.Datetime.now()
        for company, company_reminders in reminders.grouped("company_id").items():
            self.sudo().search(
                [
                    (
                        "partner_id",
                        "in",
                        company_reminders.partner_id.commercial_partner_id.ids,
                    ),
                    ("company_id", "=", company.id),
                    ("access_token", "!=", False),
                ]
            ).write({"token_date": now})

    def _regenerate(self):
        """A new token and short link: the links sent before stop working."""
        self._revoke()
        for access in self.sudo():
            access._portal_ensure_token()

    def _revoke(self):
        self.sudo().write({"access_token": False, "token_date": False, "short_code": False})

    def _check_token(self, token):
        """True when ``token`` opens this page now: it is this record's token,
        not expired, and the customer owes something in this company."""
        self.ensure_one()
        if not token or not self.access_token or not consteq(self.access_token, token):
            return False
        if self.expiry_date and self.expiry_date < fields.Datetime.now():
            return False
        return bool(self._open_invoices())

    def _open_invoices(self):
        """The customer's unpaid posted invoices in the access' company."""
        self.ensure_one()
        return (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("commercial_partner_id", "=", self.partner_id.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("amount_residual", ">", 0),
                ],
                order="invoice_date_due, id",
            )
        )

    def _get_url(self):
        """Absolute URL of the page with its token; False while it has none
        (no page made yet, or revoked). Reads only."""
        self.ensure_one()
        if not self.access_token:
            return False
        return self.get_base_url() + self.get_portal_url()

    # ------------------------------------------------------------------
    # The page: what it shows and what its forms record. The controller
    # checks the token (``_check_token``), then makes one call per page or
    # form on the access, sudo: every read and write below is bounded by
    # the access' customer and company, whatever ids the visitor sent.
    # ------------------------------------------------------------------

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
        contact, the dispute reasons and the promise's date limits."""
        self.ensure_one()
        env = self.env
        today = fields.Date.context_today(self)
        moves = self._open_invoices()
        totals = {}
        for move in moves:
            totals[move.currency_id] = totals.get(move.currency_id, 0.0) + move.amount_residual
        company = self.company_id
        collector = self._collector()
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
                    "disputed": move.dso_dispute_ids.filtered(lambda d: d.state == "open"),
                }
                for move in moves
            ],
            "totals": [
                format_amount(env, amount, currency) for currency, amount in totals.items()
            ],
            "contact_name": collector.name or company.name,
            "contact_email": collector.email or company.email,
            "contact_phone": collector.partner_id.phone or company.phone,
            "reasons": env["dso.dispute.reason"].sudo().search([]),
            "date_min": fields.Date.to_string(today),
            "date_max": fields.Date.to_string(
                today + timedelta(days=company.dso_promise_max_days)
            ),
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
        if not move or not reason or not reason.active:
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
