# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The customer's page: its link, the promises to pay, the disputes and
the kept rate."""

from odoo import fields, models

from ..tools.counts import count_by
from ..tools.guards import check_collector


class ResPartner(models.Model):
    _inherit = "res.partner"

    dso_promise_ids = fields.One2many(
        "dso.payment.promise",
        "partner_id",
        string="Promises to pay",
        groups="account.group_account_invoice",
    )
    dso_promise_count = fields.Integer(
        string="Promise count",
        compute="_compute_dso_promise_stats",
        groups="account.group_account_invoice",
    )
    dso_promise_settled_count = fields.Integer(
        string="Settled promise count",
        compute="_compute_dso_promise_stats",
        help="Promises to pay kept or broken: those the kept rate is computed on.",
        groups="account.group_account_invoice",
    )
    dso_promise_kept_rate = fields.Float(
        string="Promises kept (%)",
        compute="_compute_dso_promise_stats",
        help="Share of the promises to pay, kept or broken, that were kept.",
        groups="account.group_account_invoice",
    )
    dso_dispute_count = fields.Integer(
        string="Dispute count",
        compute="_compute_dso_dispute_count",
        groups="account.group_account_invoice",
    )

    def _compute_dso_promise_stats(self):
        self.dso_promise_count = self.dso_promise_settled_count = 0
        self.dso_promise_kept_rate = 0
        Promise = self.env["dso.payment.promise"]
        if not Promise.has_access("read"):
            return
        counts = {}
        for partner, state, count in Promise._read_group(
            [("partner_id", "in", self.ids)], ["partner_id", "state"], ["__count"]
        ):
            counts.setdefault(partner, {})[state] = count
        for partner in self:
            by_state = counts.get(partner._origin, {})
            partner.dso_promise_count = sum(by_state.values())
            done = by_state.get("kept", 0) + by_state.get("broken", 0)
            partner.dso_promise_settled_count = done
            partner.dso_promise_kept_rate = done and 100.0 * by_state.get("kept", 0) / done

    def _compute_dso_dispute_count(self):
        counts = count_by(self, "dso.invoice.dispute", "partner_id")
        for partner in self:
            partner.dso_dispute_count = counts.get(partner._origin.id, 0)

    def _dso_portal_action(self, xmlid, domain):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_view_dso_promises(self):
        self.ensure_one()
        return self._dso_portal_action(
            "dso_contacts.dso_payment_promise_action",
            [("partner_id", "=", self.commercial_partner_id.id)],
        )

    def action_view_dso_disputes(self):
        self.ensure_one()
        return self._dso_portal_action(
            "dso_contacts.dso_invoice_dispute_action",
            [("partner_id", "=", self.commercial_partner_id.id)],
        )

    def action_dso_record_promise(self):
        """A promise made by phone, recorded from the customer form: the
        promise's dialog, filled in and checked by the promise model, as on
        the customer's page."""
        self.ensure_one()
        return self.env["dso.payment.promise"]._action_record(self)

    def action_dso_portal_regenerate(self):
        """A new link for the customer's page: the links sent before stop working."""
        self._dso_portal_check_collector()
        self.env["dso.customer.access"]._ensure(self, self.env.company)._regenerate()
        return True

    def action_dso_portal_revoke(self):
        self._dso_portal_check_collector()
        self.env["dso.customer.access"].sudo().search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )._revoke()
        return True

    def _dso_portal_check_collector(self):
        """Invoicing users manage the links of the customers they may read,
        in their current company (the environment's, never a value sent)."""
        check_collector(
            self.env, self.env._("Only invoicing users manage the customers' links.")
        )
        self.check_access("read")

    def _dso_portal_url(self, company=None):
        """URL of the customer's page in ``company`` (default: the current
        one), with its access token, created when missing (as when sending)."""
        self.ensure_one()
        company = company or self.env.company
        return self.env["dso.customer.access"]._ensure(self, company)._get_url()
