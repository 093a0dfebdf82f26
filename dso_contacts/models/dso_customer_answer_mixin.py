# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class DsoCustomerAnswerMixin(models.AbstractModel):
    """What a customer answers to a reminder (a promise to pay, a dispute):
    who answered and through which channel, the collector who follows it up,
    and the key that makes a form of the customer page posted twice create
    one record. The models using it have a ``partner_id``, the customer."""

    _name = "dso.customer.answer.mixin"
    _description = "Customer Answer to a Reminder"

    contact_id = fields.Many2one(
        "res.partner",
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    source = fields.Selection(
        [("page", "Customer page"), ("phone", "Phone"), ("email", "Email")],
        required=True,
        default="phone",
    )
    submission_key = fields.Char(
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Key of the customer page form that created it: a form posted twice "
        "creates one record.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
    )

    _sql_constraints = [
        (
            "submission_key_uniq",
            "unique (submission_key)",
            "This form was already sent.",
        ),
    ]

    @api.constrains("contact_id", "partner_id")
    def _check_contact(self):
        for answer in self:
            customer = answer.partner_id.commercial_partner_id
            if answer.contact_id and answer.contact_id.commercial_partner_id != customer:
                raise ValidationError(self.env._("The contact must belong to the customer."))

    def _post_on_documents(self, records, body, attachments=None):
        """Post ``body`` as a note on each of ``records`` (the customer, the
        invoices), written by whoever answered on the customer page, else by
        the collector who recorded it. As superuser, after the caller's
        checks: the customer page's public user may post on none of them."""
        self.ensure_one()
        author = self.env.user.partner_id
        if self.source == "page":
            author = self.contact_id or self.partner_id
        for record in records:
            # pending copies, as the composer leaves them: message_post moves
            # them to the record, also for the customer page's public user
            # (who may post no other attachment)
            copies = attachments and attachments.sudo().copy(
                {"res_model": "mail.compose.message", "res_id": 0}
            )
            record.sudo().message_post(
                body=body,
                author_id=author.id,
                attachment_ids=copies.ids if copies else [],
                subtype_xmlid="mail.mt_note",
            )
