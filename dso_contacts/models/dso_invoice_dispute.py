# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class DsoInvoiceDispute(models.Model):
    """A customer contests an invoice: the invoice leaves the automatic
    reminders (its receivable lines get Odoo's "No Follow-up" flag,
    ``account.move.line.blocked``) until a collector resolves the dispute."""

    _name = "dso.invoice.dispute"
    _description = "Invoice Dispute"
    _inherit = ["dso.customer.answer.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    company_id = fields.Many2one(
        related="move_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id",
        string="Customer",
        store=True,
        index=True,
        precompute=True,
    )
    reason_id = fields.Many2one("dso.dispute.reason", required=True)
    description = fields.Text(help="What the customer wrote.")
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        required=True,
        default="open",
        index=True,
        tracking=True,
    )
    resolution = fields.Text()
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "dso_invoice_dispute_attachment_rel",
        "dispute_id",
        "attachment_id",
        string="Attachments",
    )

    @api.depends("move_id", "reason_id")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = self.env._(
                "%(invoice)s: %(reason)s",
                invoice=dispute.move_id.name or "",
                reason=dispute.reason_id.name or "",
            )

    @api.constrains("move_id", "state")
    def _check_move_id(self):
        """An invoice has one open dispute at a time: a second one would be
        followed up twice."""
        moves = self.filtered(lambda d: d.state == "open").move_id
        for move, count in self.sudo()._read_group(
            [("move_id", "in", moves.ids), ("state", "=", "open")], ["move_id"], ["__count"]
        ):
            if count > 1:
                raise ValidationError(
                    self.env._("%(invoice)s is already disputed", invoice=move.name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        disputes._sync_blocked()
        disputes._log_on_documents()
        disputes._schedule_collector_activity()
        return disputes

    def action_resolve(self):
        for dispute in self.filtered(lambda d: d.state == "open"):
            dispute.state = "resolved"
            body = self.env._(
                "Dispute resolved: %(resolution)s", resolution=dispute.resolution or "-"
            )
            dispute.move_id.message_post(body=body, subtype_xmlid="mail.mt_note")
            dispute.activity_ids.action_feedback(feedback=dispute.resolution or "")
        self._sync_blocked()
        return True

    def action_reopen(self):
        self.filtered(lambda d: d.state == "resolved").write({"state": "open"})
        self._sync_blocked()
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _holds(self, moves):
        """{invoice: why it cannot be disputed} among ``moves``: an invoice
        whose dispute is open is disputed already. The one rule of the
        customer's page and the back office. Reads the disputes as superuser:
        the rule holds whoever asks."""
        return {
            move: self.env._("%(invoice)s is already disputed", invoice=move.name)
            for move in self._disputed(moves)
        }

    @api.model
    def _disputed(self, moves):
        """Those of ``moves`` with an open dispute (one query for them all),
        in the caller's environment. As superuser: the disputes say what may
        be done with an invoice, whoever asks."""
        disputed = {
            move.id
            for [move] in self.sudo()._read_group(
                [("move_id", "in", moves.ids), ("state", "=", "open")], ["move_id"]
            )
        }
        return moves.filtered(lambda move: move.id in disputed)

    def _sync_blocked(self):
        """The receivable lines of an invoice are "No Follow-up" while one of
        its disputes is open. Writing journal items needs accounting rights the
        customer page has not: sudo, after the caller's checks."""
        moves = self.move_id
        open_moves = (
            self.sudo().search([("move_id", "in", moves.ids), ("state", "=", "open")]).move_id
        )
        for moves_to_set, blocked in ((open_moves, True), (moves - open_moves, False)):
            lines = moves_to_set.sudo().line_ids.filtered(
                lambda line, b=blocked: (
                    line.account_type == "asset_receivable" and line.blocked != b
                )
            )
            lines.write({"blocked": blocked})

    def _log_on_documents(self):
        """The dispute, what the customer wrote and the files, in the invoice's
        and the customer's chatter (``dso_contacts.dso_dispute_note``)."""
        QWeb = self.env["ir.qweb"]
        for dispute in self:
            body = QWeb._render("dso_contacts.dso_dispute_note", {"dispute": dispute})
            dispute._post_on_documents(
                (dispute.move_id, dispute.partner_id), body, dispute.attachment_ids
            )

    def _schedule_collector_activity(self):
        for dispute in self:
            user = dispute.user_id or self.env.user
            # in the language of the collector who reads it, not the customer's
            env = self.with_context(lang=user.lang or self.env.lang).env
            dispute.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=env._("Invoice disputed"),
                note=env._(
                    "%(customer)s disputes %(invoice)s: %(reason)s",
                    customer=dispute.partner_id.display_name,
                    invoice=dispute.move_id.name,
                    reason=dispute.reason_id.with_env(env).name,
                ),
            )
