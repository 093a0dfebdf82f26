# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The customer's contacts: the contact for collection (one per customer),
the Company-role contacts of the customers file, and the contacts suggested
as recipients."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, index_exists

COLLECTION_INDEX = "res_partner_dso_one_collection_contact_uniq"


class ResPartner(models.Model):
    _inherit = "res.partner"

    contact_role_id = fields.Many2one(
        "dso.contact.role",
        string="Role",
        ondelete="restrict",
        help="What this person does for the customer: accountant, purchaser...",
    )
    is_collection_contact = fields.Boolean(
        string="Contact for collection",
        copy=False,
        tracking=True,
        help="The person of the customer who receives every automatic payment "
        "reminder, by email and SMS. A customer has at most one.",
    )
    is_company_role = fields.Boolean(
        string="Company role",
        copy=False,
        readonly=True,
        help="Contact that comes from the customers file (the ERP side). The next "
        "customers import replaces it: it is not created or edited by hand.",
    )
    collection_contact_id = fields.Many2one(
        "res.partner",
        string="Contact for Collection",
        compute="_compute_collection_contact_id",
        store=True,
        index="btree_not_null",
        help="The contact of this customer who receives the payment reminders.",
    )
    dso_contact_ids = fields.One2many(
        "res.partner",
        "parent_id",
        string="Customer Contacts",
        domain=[("type", "=", "contact")],
    )

    @api.depends("child_ids.is_collection_contact", "is_collection_contact")
    def _compute_collection_contact_id(self):
        commercials = self.filtered(lambda p: p.commercial_partner_id == p)
        (self - commercials).collection_contact_id = False
        if not commercials:
            return
        flagged = self.with_context(active_test=False).search(
            [
                ("commercial_partner_id", "in", commercials.ids),
                ("is_collection_contact", "=", True),
            ]
        )
        by_commercial = {contact.commercial_partner_id: contact for contact in flagged}
        for partner in commercials:
            partner.collection_contact_id = by_commercial.get(partner, False)

    @api.constrains("is_collection_contact", "parent_id", "is_company")
    def _check_collection_contact(self):
        for partner in self.filtered("is_collection_contact"):
            if not partner.parent_id or partner.is_company:
                raise ValidationError(
                    self.env._(
                        "%(name)s cannot be the contact for collection: only a person "
                        "among the contacts of a customer can.",
                        name=partner.display_name,
                    )
                )

    @api.onchange("dso_contact_ids")
    def _onchange_dso_contact_ids(self):
        # show at once what saving will do: the contact just flagged keeps the
        # flag, the customer's other contacts lose it
        flagged = self.dso_contact_ids.filtered("is_collection_contact")
        if len(flagged) > 1:
            newly_flagged = flagged.filtered(lambda c: not c._origin.is_collection_contact)
            winner = newly_flagged[-1:] or flagged[-1:]
            (flagged - winner).is_collection_contact = False

    @api.onchange("parent_id", "is_company", "company_type")
    def _onchange_dso_collection_flag(self):
        # show at once what saving will do: a contact moved to another
        # customer, or turned into a company, is no longer the contact for
        # collection (tick it again to make it the new customer's)
        origin = self._origin
        if self.is_collection_contact and (
            self.is_company
            or self.company_type == "company"
            or (origin and origin.parent_id != self.parent_id)
        ):
            self.is_collection_contact = False

    def init(self):
        res = super().init()
        # A partial unique index cannot be declared with _sql_constraints: it is
        # the database guarantee that no code path ever leaves two contacts for
        # collection on one customer.
        if not index_exists(self.env.cr, COLLECTION_INDEX):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX %s ON res_partner (commercial_partner_id) "
                    "WHERE is_collection_contact",
                    SQL.identifier(COLLECTION_INDEX),
                )
            )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        # the caller's dictionaries stay as given (an import retries a failed batch row by row)
        vals_list = [dict(vals) for vals in vals_list]
        if any(vals.get("is_company_role") for vals in vals_list):
            self._dso_check_company_role_access()
        flags = [vals.pop("is_collection_contact", False) for vals in vals_list]
        # a contact belongs to its customer's company (multi-company rule); the
        # parents are read at once, not one query per contact
        parents = self.browse(
            {vals["parent_id"] for vals in vals_list if vals.get("parent_id")}
        )
        parent_company = {parent.id: parent.company_id.id for parent in parents}
        for vals in vals_list:
            if vals.get("parent_id") and "company_id" not in vals:
                vals["company_id"] = parent_company[vals["parent_id"]]
            if vals.get("parent_id") and "is_company" not in vals:
                # a contact added to a customer is a person: the customers
                # menu's default_is_company is meant for the customer itself
                vals["is_company"] = False
        partners = super().create(vals_list)
        flagged = partners.browse(
            partner.id for partner, flag in zip(partners, flags, strict=True) if flag
        )
        if flagged:
            flagged._dso_set_collection_contact()
        partners.filtered("is_company_role")._dso_replace_company_role_contacts()
        return partners

    def write(self, vals):
        if not self.env.su and (
            vals.get("is_company_role")
            or (
                set(vals) - self._dso_company_role_sync_fields()
                and any(self.mapped("is_company_role"))
            )
        ):
            self._dso_check_company_role_access()
        vals = dict(vals)
        flag = vals.pop("is_collection_contact", None)
        leaving, successors = self._dso_collection_contacts_leaving(vals), self.browse()
        if leaving:
            # a contact that leaves its customer, is archived or becomes a
            # company stops receiving its reminders, and the customer is told
            if vals.get("active") is False:
                successors = self._dso_company_role_successors()
            leaving._dso_clear_collection_flag(self._dso_collection_drop_reason(vals))
        if flag is False:
            self.filtered("is_collection_contact")._dso_clear_collection_flag()
        res = super().write(vals) if vals else True
        if flag:
            # when several contacts of one customer are written, the last one wins
            self._dso_set_collection_contact()
        elif successors:
            successors._dso_take_over_collection()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_company_role(self):
        if not self.env.su and any(self.mapped("is_company_role")):
            self._dso_check_company_role_access()

    def unlink(self):
        dropped = [
            (contact.commercial_partner_id, contact.name)
            for contact in self.filtered("is_collection_contact")
        ]
        res = super().unlink()
        for customer, name in dropped:
            if customer.exists():
                customer._message_log(
                    body=self.env._(
                        "%(contact)s is no longer the contact for collection: %(reason)s.",
                        contact=name,
                        reason=self.env._("the contact was deleted"),
                    )
                )
        return res

    def action_set_collection_contact(self):
        self.ensure_one()
        self.is_collection_contact = True
        return True

    def _dso_set_collection_contact(self):
        """Make each of ``self`` the contact for collection of its customer.

        Other contacts of the customer lose the flag first, in the same
        transaction; when several of ``self`` belong to one customer, the last
        one wins.
        """
        winners = {}
        for partner in self:
            winners[partner.commercial_partner_id] = partner
        winners = self.browse(partner.id for partner in winners.values())
        # every contact of the customer, whatever the user's record rules: the
        # unique index sees them all
        all_partners = self.sudo().with_context(active_test=False)
        losers = all_partners.search(
            [
                ("commercial_partner_id", "in", winners.commercial_partner_id.ids),
                ("is_collection_contact", "=", True),
                ("id", "not in", winners.ids),
            ]
        )
        losers._dso_clear_collection_flag()
        # the base write: this one is what write() of this class delegates to
        return super(ResPartner, winners).write({"is_collection_contact": True})  # pylint: disable=super-method-mismatch

    def _dso_clear_collection_flag(self, reason=None):
        """Remove the flag from ``self``; with a ``reason``, say so on their
        customers' chatter."""
        if not self:
            return True
        for contact in self if reason else ():
            contact._dso_log_on_customer(
                self.env._(
                    "%(contact)s is no longer the contact for collection: %(reason)s.",
                    contact=contact.name,
                    reason=reason,
                )
            )
        res = super(ResPartner, self).write({"is_collection_contact": False})  # pylint: disable=super-method-mismatch
        # written before the new flag so that the unique index never sees two
        self.flush_recordset(["is_collection_contact"])
        return res

    def _dso_log_on_customer(self, body):
        """Log ``body`` on the chatter of the customer of each of ``self``."""
        for customer in self.commercial_partner_id - self:
            customer._message_log(body=body)

    def _dso_collection_contacts_leaving(self, vals):
        """The contacts for collection among ``self`` that writing ``vals``
        moves to another customer (with the flagged contacts below them),
        archives or turns into a company."""
        if "parent_id" in vals:
            moved = self.filtered(lambda p: p.parent_id.id != vals["parent_id"])
            people = moved.filtered(lambda p: not p.is_company and p.child_ids)
            below = people and self.sudo().search(
                [("id", "child_of", people.ids), ("is_collection_contact", "=", True)]
            )
            return moved.filtered("is_collection_contact") | self.browse(below.ids)
        if (
            vals.get("active") is False
            or vals.get("is_company")
            or (vals.get("company_type") == "company")
        ):
            return self.filtered("is_collection_contact")
        return self.browse()

    def _dso_collection_drop_reason(self, vals):
        if "parent_id" in vals:
            parent = self.browse(vals["parent_id"])
            if parent:
                return self.env._("moved to %(customer)s", customer=parent.display_name)
            return self.env._("detached from the customer")
        if vals.get("active") is False:
            return self.env._("the contact was archived")
        return self.env._("the contact became a company")

    def _dso_company_role_successors(self):
        """For the Company-role contacts for collection among ``self`` (being
        archived), the customer's other active Company-role contact, which
        takes the flag over: the customers file replaced the one by the other."""
        leaving = self.filtered(lambda p: p.is_collection_contact and p.is_company_role)
        if not leaving:
            return self.browse()
        others = self.sudo().search(
            [
                ("parent_id", "in", leaving.parent_id.ids),
                ("is_company_role", "=", True),
                ("id", "not in", self.ids),
            ]
        )
        by_customer = {}
        for contact in others:
            by_customer.setdefault(contact.parent_id, contact)
        return self.browse(
            by_customer[c.parent_id].id for c in leaving if c.parent_id in by_customer
        )

    def _dso_take_over_collection(self):
        """``self`` (Company-role contacts) become the contacts for collection
        of their customers, in place of the Company-role contact they replace."""
        self._dso_set_collection_contact()
        for contact in self:
            contact._dso_log_on_customer(
                self.env._(
                    "%(contact)s, the customer's Company-role contact from the "
                    "customers file, is the contact for collection now.",
                    contact=contact.name,
                )
            )

    def _dso_replace_company_role_contacts(self):
        """A customer has one Company-role contact, the customers file's: the
        new ones (``self``) replace the others of their customers, archived; a
        replaced contact for collection hands the flag over (see write()). The
        creator's right to manage Company-role contacts was checked in create()."""
        new = self.filtered(lambda p: p.is_company_role and p.active and p.parent_id)
        if new:
            old = self.sudo().search(
                [
                    ("parent_id", "in", new.parent_id.ids),
                    ("is_company_role", "=", True),
                    ("id", "not in", new.ids),
                ]
            )
            old.write({"active": False})
        return True

    @api.model
    def _dso_company_role_sync_fields(self):
        """Fields Odoo itself writes on a contact to keep it in sync with its
        customer (address, commercial fields, company), and the choice of the
        contact for collection, which stays free on Company-role contacts."""
        return {
            *self._address_fields(),
            *self._commercial_fields(),
            "company_id",
            "is_collection_contact",
        }

    def _dso_check_company_role_access(self):
        """Refuse a hand-made change of Company-role contacts. The customers
        import writes them as superuser, after checking its own access."""
        if self.env.su:
            return
        if not self.env.user.has_group("dso_contacts.group_company_role_manager"):
            raise AccessError(
                self.env._(
                    "Company-role contacts come from the customers file and are "
                    "replaced at each customers import: they cannot be created, "
                    "edited or deleted by hand. Change them in the customers file "
                    "and import it again."
                )
            )

    def _dso_phone_country(self):
        self.ensure_one()
        return (
            self.country_id
            or self.commercial_partner_id.country_id
            or self.company_id.country_id
            or self.env.company.country_id
        )

    def _dso_collection_contacts(self):
        """The customer's contacts to propose as recipients: the contact for
        collection first, then the others with an email."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        contacts = commercial.child_ids.filtered(
            lambda c: c.type == "contact" and not c.is_company and c.email
        )
        first = commercial.collection_contact_id
        return first + (contacts - first)

    def _dso_prepend_suggested_contacts(self, thread, recipients):
        """Put the customer's contacts in front of ``recipients``, the
        suggested recipients of ``thread`` (the customer or one of its
        documents), the contact for collection first."""
        contact_recipients = []
        for contact in self._dso_collection_contacts():
            reason = (
                self.env._("Contact for collection")
                if contact.is_collection_contact
                else contact.contact_role_id.name or self.env._("Customer contact")
            )
            thread._message_add_suggested_recipient(
                contact_recipients, partner=contact, reason=reason
            )
        known = {r.get("partner_id") for r in contact_recipients}
        return contact_recipients + [
            r for r in recipients if not r.get("partner_id") or r["partner_id"] not in known
        ]

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.commercial_partner_id != self:
            return recipients
        return self._dso_prepend_suggested_contacts(self, recipients)
