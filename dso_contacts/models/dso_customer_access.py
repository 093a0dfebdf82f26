# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import secrets
import string
import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import consteq

SHORT_CODE_ALPHABET = string.ascii_letters + string.digits
# 62^10, about 8e17 codes: as hard to guess as a token, short enough for an SMS
SHORT_CODE_LENGTH = 10


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
                self._open_invoices_domain(self.partner_id, self.company_id),
                order="invoice_date_due, id",
            )
        )

    @api.model
    def _open_invoices_domain(self, customer, company):
        """The unpaid posted invoices of ``customer`` (a commercial entity) in
        ``company``: what its page shows, and what a promise may cover."""
        return [
            ("company_id", "=", company.id),
            ("commercial_partner_id", "=", customer.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("amount_residual", ">", 0),
        ]

    def _get_url(self):
        """Absolute URL of the page with its token; False while it has none
        (no page made yet, or revoked). Reads only."""
        self.ensure_one()
        if not self.access_token:
            return False
        return self.get_base_url() + self.get_portal_url()
