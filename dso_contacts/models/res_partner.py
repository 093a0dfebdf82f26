# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.db import FunctionStatus
from odoo.tools import SQL, create_index, escape_psql, index_exists

from ..tools.counts import count_by
from ..tools.phone import e164_candidates, looks_like_phone, to_e164

_logger = logging.getLogger(__name__)

COLLECTION_INDEX = "res_partner_dso_one_collection_contact_uniq"
# the indexes of the quick search and of the list's contact search
PHONE_SEARCH_INDEX = "res_partner_dso_phone_search_array_idx"
# trigrams need three characters: a shorter term would read the whole table
# the systray searches from the second character typed (a two-letter name,
# a Chinese or Japanese name); below CONTAINS_MIN_LENGTH, only whole and
# starting matches are looked for (btree indexes): trigrams need three
QUICK_SEARCH_MIN_LENGTH = 2
CONTAINS_MIN_LENGTH = 3
# partial matches of a quick search are ranked among this many found first
# (fewer for a term under CONTAINS_MIN_LENGTH, that starts many names)
PARTIAL_SCAN = 500
SHORT_TERM_SCAN = 100


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
    dso_phone_search = fields.Char(
        string="Phones (E.164)",
        compute="_compute_dso_phone_search",
        store=True,
        # searched by equality through the array index of _dso_init_search_indexes()
        help="Phone and mobile in E.164 form, used to find a contact whatever "
        "the format typed in the search.",
    )
    dso_contact_search = fields.Char(
        string="Customer or contact",
        compute="_compute_dso_contact_search",
        search="_search_dso_contact_search",
        help="Name, email or phone of the customer or of one of its contacts.",
    )
    dso_collection_warning = fields.Char(
        string="Collection warning",
        compute="_compute_dso_collection_warning",
    )

    dso_reminder_exclude = fields.Boolean(
        string="Exclude from automatic reminders",
        tracking=True,
        help="No automatic payment reminder is sent to this customer (a dispute, "
        "a payment plan...), until the date below if one is set.",
    )
    dso_reminder_exclude_until = fields.Date(
        string="Excluded until",
        tracking=True,
        help="Automatic reminders start again the day after this date. Empty: "
        "excluded until the box is unticked.",
    )
    dso_reminder_problem = fields.Text(
        string="Reminder problem",
        copy=False,
        help="What prevented the last payment reminder from reaching the "
        "customer's contact for collection.",
    )
    dso_reminder_ids = fields.One2many(
        "dso.reminder", "partner_id", string="Payment reminders"
    )
    dso_reminder_count = fields.Integer(
        string="Reminders", compute="_compute_dso_reminder_count"
    )
    dso_next_reminder_level_id = fields.Many2one(
        "dso.reminder.level",
        string="Next reminder",
        compute="_compute_dso_next_reminder",
    )
    dso_next_reminder_date = fields.Date(
        string="Next reminder on", compute="_compute_dso_next_reminder"
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

    @api.depends(
        "phone",
        "mobile",
        "country_id",
        "parent_id.country_id",
        "company_id.country_id",
    )
    def _compute_dso_phone_search(self):
        for partner in self:
            country_code = partner._dso_phone_country().code
            numbers = [
                to_e164(number, country_code) for number in (partner.phone, partner.mobile)
            ]
            partner.dso_phone_search = " ".join(n for n in numbers if n) or False
        # a country change triggers this compute: it is where the cached
        # countries of the customers learn a new one
        self._dso_forget_search_countries()

    def _compute_dso_contact_search(self):
        self.dso_contact_search = False

    def _search_dso_contact_search(self, operator, value):
        if operator not in ("ilike", "=ilike", "like", "="):
            return NotImplemented
        if not isinstance(value, str) or not value.strip():
            return []
        term = value.strip()
        if operator in ("=", "=ilike"):
            tier = "exact"
        else:
            # under three characters, as in the quick search, the names and
            # emails that start with the term: trigrams cannot serve a
            # shorter "contains", which would read the whole table
            tier = "contains" if len(term) >= CONTAINS_MIN_LENGTH else "prefix"
        # the user's record rules apply to every query: a contact of another
        # company's customer is neither found nor used to find its customer.
        # One IN on a UNION of the people found and of their customers, not an
        # OR of several IN: PostgreSQL joins the first on the few ids found,
        # and turns the second into a scan of the whole table.
        people = SQL(" UNION ").join(
            self._dso_people_selects(term, tier, ["id", "commercial_partner_id"])
        )
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT unnest(ARRAY[people.id, people.commercial_partner_id]) "
                    "FROM (%s) AS people)",
                    people,
                ),
            )
        ]

    @api.depends_context("company")
    @api.depends("collection_contact_id.email", "collection_contact_id.mobile")
    def _compute_dso_collection_warning(self):
        for partner in self:
            partner.dso_collection_warning = partner._dso_get_collection_warning()

    def _compute_dso_reminder_count(self):
        counts = count_by(self, "dso.reminder", "partner_id", [("is_draft", "=", False)])
        for partner in self:
            partner.dso_reminder_count = counts.get(partner._origin.id, 0)

    @api.depends_context("company")
    def _compute_dso_next_reminder(self):
        self.dso_next_reminder_level_id = False
        self.dso_next_reminder_date = False
        Reminder = self.env["dso.reminder"]
        Move = self.env["account.move"]
        customers = self.filtered(lambda p: p.id and p.commercial_partner_id == p)
        if not customers or not (Reminder.has_access("read") and Move.has_access("read")):
            return
        company = self.env.company
        levels = company._dso_reminder_levels()
        if not levels:
            return
        today = company._dso_reminder_today()
        engine = self.env["dso.reminder.engine"]
        oldest = {}
        # what is owed once open credits are deducted, as the reminders count it
        for group in engine._due_groups(customers, today, automatic=False, all_open=True):
            partner = group["partner"]
            oldest[partner] = min(
                group["trigger"] | oldest.get(partner, Move),
                key=lambda move: (move.invoice_date_due, move.id),
            )
        sent = engine._already_sent(Move.union(*oldest.values()))
        for partner, move in oldest.items():
            late = (today - move.invoice_date_due).days
            sent_days = sent.get(move.id)
            pending = levels.filtered(
                lambda lvl, sent_days=sent_days: sent_days is None or lvl.days > sent_days
            )
            reached = pending.filtered(lambda lvl, late=late: lvl.days <= late)
            if reached:
                level, date = reached[-1], today
            elif pending:
                level = pending[0]
                date = move.invoice_date_due + timedelta(days=level.days)
            else:
                continue
            until = partner.dso_reminder_exclude_until
            if partner.dso_reminder_exclude:
                if not until:
                    continue
                date = max(date, until + timedelta(days=1))
            partner.dso_next_reminder_level_id = level
            partner.dso_next_reminder_date = date

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
        self._dso_init_search_indexes()
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

    @api.ondelete(at_uninstall=False)
    def _unlink_except_reminder_history(self):
        # as Odoo keeps partners used in accounting: the reminder history must
        # still say who was reminded (sudo: the history may be hidden to the user)
        reminder = (
            self.env["dso.reminder"]
            .sudo()
            .search(
                [
                    "|",
                    "|",
                    ("partner_id", "in", self.ids),
                    ("contact_id", "in", self.ids),
                    ("recipient_ids", "in", self.ids),
                ],
                limit=1,
            )
        )
        if reminder:
            partner = (
                reminder.partner_id | reminder.contact_id | reminder.recipient_ids
            ) & self
            raise UserError(
                self.env._(
                    "%(name)s cannot be deleted: payment reminders were sent to them "
                    "and the reminder history keeps them. Archive the contact instead.",
                    name=partner[:1].sudo().display_name,
                )
            )

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

    def action_view_dso_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_reminder_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_hide_drafts": 1}
        return action

    def action_dso_send_reminder(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_reminder_send_action"
        )
        action["context"] = {
            "active_model": self._name,
            "active_ids": self.ids,
            "active_id": self[:1].id,
        }
        return action

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

    @api.model
    @tools.ormcache()
    def _dso_customer_country_codes(self):
        """Countries to read a typed national phone number in, as
        ``(companies, customers)``: the country of each company, and the
        countries of the active customers by company (``None``: shared
        customers), most frequent first, each as ``((company_id, ...), ...)``.

        Grouped over the whole partner table once, then kept in the registry's
        cache: ``_compute_dso_phone_search`` clears it when a customer (a
        company's own partner included) gets a country that is not in it yet.
        Plain SQL without the user's rights and without flushing, because it
        is shared by every user of the database and also read from that
        compute (flushing there would recompute the field being computed); it
        only says which countries to read a typed number in, it finds nothing
        by itself.
        """
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT company.id, country.code
                     FROM res_company company
                     JOIN res_partner partner ON partner.id = company.partner_id
                     JOIN res_country country ON country.id = partner.country_id"""
            )
        )
        companies = tuple(cr.fetchall())
        cr.execute(
            SQL(
                """SELECT partner.company_id, country.code
                     FROM res_partner partner
                     JOIN res_country country ON country.id = partner.country_id
                    WHERE partner.is_company AND partner.active
                 GROUP BY partner.company_id, country.code
                 ORDER BY count(*) DESC, country.code"""
            )
        )
        by_company = {}
        for company_id, code in cr.fetchall():
            by_company.setdefault(company_id, []).append(code)
        customers = tuple(
            (company_id, tuple(codes)) for company_id, codes in by_company.items()
        )
        return companies, customers

    def _dso_forget_search_countries(self):
        """Clear the cached countries of the customers when one of ``self``
        is a customer whose country is not among its company's yet."""
        # saved, active customers with a country: those that are grouped
        customers = self.filtered(
            lambda p: isinstance(p.id, int) and p.active and p.is_company and p.country_id.code
        )
        if not customers:
            return
        by_company = dict(self._dso_customer_country_codes()[1])
        if any(
            customer.country_id.code not in by_company.get(customer.company_id.id or None, ())
            for customer in customers
        ):
            self.env.registry.clear_cache()

    @api.model
    def _dso_search_country_codes(self, limit=20):
        """Countries a national phone number typed in a search may belong to:
        those of the user's companies, then the countries where most of their
        customers are (a contact's number is read in its customer's country),
        from the cache of ``_dso_customer_country_codes``."""
        companies, customers = map(dict, self._dso_customer_country_codes())
        company_ids = [self.env.company.id, *self.env.companies.ids]
        codes = []
        for code in (companies.get(company_id) for company_id in company_ids):
            if code and code not in codes:
                codes.append(code)
        lists = [customers.get(company_id, ()) for company_id in company_ids]
        lists.append(customers.get(None, ()))
        # the most frequent country of each list first, then the second ones...
        for rank in range(limit):
            for company_codes in lists:
                if rank < len(company_codes) and company_codes[rank] not in codes:
                    codes.append(company_codes[rank])
        return codes[: limit + len(company_ids)]

    @api.model
    def _dso_people_conditions(self, query, term, tier):
        """SQL conditions on the partners of ``query`` that match ``term`` in
        ``tier``, each served by one index of ``_dso_init_search_indexes()``:

        - ``exact``: the phone or mobile is the number ``term`` in any common
          format (equality on the E.164 numbers of ``dso_phone_search``), or
          the whole email, or the whole name, is ``term``;
        - ``prefix``: the name or the email starts with ``term``;
        - ``contains``: the phone or mobile is the number ``term``, or the
          name or the email contains ``term`` (trigrams).

        SQL rather than a domain because a domain cannot say "equal to one of
        the numbers of the column", and so that each condition is written in
        the expression of its index (``lower``, and ``unaccent`` where the ORM
        applies it); they are run apart (UNION), since PostgreSQL gives up the
        indexes of an ``OR`` of several kinds of conditions.
        """
        unaccent = self.env.registry.unaccent
        conditions = []
        if tier != "prefix" and looks_like_phone(term):
            numbers = e164_candidates(term, self._dso_search_country_codes())
            if numbers:
                conditions.append(
                    SQL(
                        "string_to_array(%s, ' ') && %s::text[]",
                        self._field_to_sql(query.table, "dso_phone_search", query),
                        numbers,
                    )
                )
        # a term with an @ is an email: it is looked for in emails only
        for fname in ("email",) if "@" in term else ("name", "email"):
            column = unaccent(self._field_to_sql(query.table, fname, query))
            if tier == "contains":
                conditions.append(self._dso_contains_condition(column, term))
                continue
            value = escape_psql(term) + "%" if tier == "prefix" else term
            conditions.append(
                SQL(
                    "lower(%s) %s lower(%s)",
                    column,
                    SQL("LIKE") if tier == "prefix" else SQL("="),
                    unaccent(SQL("%s", value)),
                )
            )
        return conditions

    @api.model
    def _dso_contains_condition(self, column, term):
        """``column ILIKE '%term%'``, served by the column's trigram index."""
        unaccent = self.env.registry.unaccent
        condition = SQL("%s ILIKE %s", column, unaccent(SQL("%s", f"%{escape_psql(term)}%")))
        local_part = term.split("@")[0]
        if len(local_part) < CONTAINS_MIN_LENGTH or local_part == term:
            return condition
        # For an email, the index is read for the part before the @ only: the
        # trigrams of a domain are in a large part of the table and reading
        # them costs more than all the rest. The whole term is then checked on
        # the few rows found, in an expression the index does not serve
        # (``|| ''``), so that PostgreSQL does not read its trigrams too.
        return SQL(
            "%s ILIKE %s AND (%s || '') ILIKE %s",
            column,
            unaccent(SQL("%s", f"%{escape_psql(local_part)}%")),
            column,
            unaccent(SQL("%s", f"%{escape_psql(term)}%")),
        )

    @api.model
    def _dso_people_selects(self, term, tier, columns, limit=None, exclude=()):
        """One ``SELECT columns`` per condition of ``_dso_people_conditions``,
        each with the user's record rules (computed once for all)."""
        query = self._search([])
        where = query.where_clause or SQL("TRUE")
        if exclude:
            where = SQL(
                "%s AND %s NOT IN %s", where, SQL.identifier(query.table, "id"), exclude
            )
        return [
            SQL(
                "(SELECT %s FROM %s WHERE %s AND %s%s)",
                SQL(", ").join(
                    self._field_to_sql(query.table, fname, query) for fname in columns
                ),
                query.from_clause,
                where,
                condition,
                SQL(" LIMIT %s", limit) if limit else SQL(),
            )
            for condition in self._dso_people_conditions(query, term, tier)
        ]

    @api.model
    def _dso_ranked_people(self, term, limit):
        """Partners matching ``term``, best first: exact matches (the phone
        number, the whole email or name), then names or emails that start
        with ``term``, then those that contain it; within each, the contacts
        for collection first. A tier is read only when the previous ones found
        fewer than ``limit``; a number found whole ends the search, and a
        whole email or name found skips the partial matches; the
        prefix and partial tiers are ranked among the first ``PARTIAL_SCAN``
        rows of each index, so that a short, common term costs no more than a
        precise one."""
        ids = []
        exact_found = False
        # a term too short for "contains" starts many names: fewer rows read
        scan = PARTIAL_SCAN if len(term) >= CONTAINS_MIN_LENGTH else SHORT_TERM_SCAN
        for tier in ("exact", "prefix", "contains"):
            if tier == "contains" and (len(term) < CONTAINS_MIN_LENGTH or exact_found):
                break
            selects = self._dso_people_selects(
                term,
                tier,
                ["id", "is_collection_contact"],
                # whole matches are few: no LIMIT, that could make PostgreSQL
                # prefer scanning the table until it finds enough
                limit=None if tier == "exact" else scan,
                exclude=tuple(ids),
            )
            rows = self.env.execute_query(SQL(" UNION ").join(selects))
            # the contacts for collection first, then the oldest first
            rows.sort(key=lambda row: (not row[1], row[0]))
            ids += [row[0] for row in rows if row[0] not in ids]
            if tier == "exact":
                # a whole number found ends the search; a whole email or
                # name, after the names and emails that start with it
                exact_found = bool(ids)
                if exact_found and looks_like_phone(term):
                    break
            if len(ids) >= limit:
                break
        return self.browse(ids[:limit])

    @api.model
    def dso_quick_search(self, term, limit=8):
        """Customers matching a person's name, an email or a phone number, with
        the contacts that matched, best matches first: the systray's quick
        search. Runs with the user's rights, like the customer list's search."""
        term = (term or "").strip()
        if len(term) < QUICK_SEARCH_MIN_LENGTH:
            return []
        people = self._dso_ranked_people(term, limit * 5)
        by_phone = looks_like_phone(term)
        # only the fields shown, not the whole rows of the partners
        people.fetch(
            [
                "name",
                "email",
                "phone",
                "mobile",
                "commercial_partner_id",
                "contact_role_id",
                "is_collection_contact",
            ]
        )
        # the customers the user may read (record rules), in one query
        customers = self.search_fetch(
            [("id", "in", people.commercial_partner_id.ids)], ["name", "ref"]
        )
        results = {}
        for person in people:
            customer = person.commercial_partner_id
            if customer not in customers:
                continue
            if customer.id not in results:
                if len(results) == limit:
                    break
                results[customer.id] = {
                    "id": customer.id,
                    "name": customer.name,
                    "ref": customer.ref or "",
                    "contacts": [],
                }
            if person != customer:
                results[customer.id]["contacts"].append(
                    {
                        "id": person.id,
                        "name": person.name,
                        "role": person.contact_role_id.name or "",
                        # what was searched for: the numbers for a phone, else the email
                        "detail": (
                            " / ".join(n for n in (person.mobile, person.phone) if n)
                            if by_phone
                            else person.email or person.mobile or person.phone or ""
                        ),
                        "is_collection_contact": person.is_collection_contact,
                    }
                )
        for result in results.values():
            # the contact for collection first, then in the order of the match
            result["contacts"].sort(key=lambda c: not c["is_collection_contact"])
        return list(results.values())

    def _dso_init_search_indexes(self):
        """Indexes of the searches, in the expressions of
        ``_dso_people_conditions``: core indexes ``name`` with a plain btree
        and ``email`` not at all, which serves neither ``lower(...) = ...``
        nor ``ilike '%...%'``, so they are created here with ``create_index``
        (core's own way for expression indexes, see ``mail.thread.phone``):

        - btree on ``lower(name)`` and ``lower(email)`` (``text_pattern_ops``:
          equality and ``LIKE 'term%'`` whatever the database's collation);
        - trigram (GIN) on ``name`` and ``email``, as ``ilike`` reads them;
        - GIN on the array of the E.164 numbers of ``dso_phone_search``.
        """
        cr = self.env.cr
        registry = self.env.registry
        # the trigram index the field declared before: phones are no longer
        # searched with ilike, so it only slowed down writes
        cr.execute(
            SQL(
                "DROP INDEX IF EXISTS %s",
                SQL.identifier("res_partner__dso_phone_search_index"),
            )
        )
        create_index(
            cr,
            PHONE_SEARCH_INDEX,
            self._table,
            ["(string_to_array(dso_phone_search, ' '))"],
            method="gin",
        )
        has_unaccent = registry.has_unaccent == FunctionStatus.INDEXABLE
        columns = {
            column: registry.unaccent(f'"{column}"') if has_unaccent else f'"{column}"'
            for column in ("name", "email")
        }
        for column, expression in columns.items():
            create_index(
                cr,
                f"res_partner_dso_{column}_lower_idx",
                self._table,
                [f"lower({expression}) text_pattern_ops"],
            )
        if not registry.has_trigram:
            # Odoo creates pg_trgm with the databases it creates, not with one
            # created beforehand; a trusted extension since PostgreSQL 13
            try:
                with cr.savepoint(flush=False):
                    cr.execute(SQL("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            except psycopg2.Error as error:
                _logger.warning("No trigram index for the quick search (pg_trgm): %s", error)
                return
        for column, expression in columns.items():
            create_index(
                cr,
                f"res_partner_dso_{column}_trgm_idx",
                self._table,
                [f"{expression} gin_trgm_ops"],
                method="gin",
            )

    def _dso_get_collection_warning(self):
        self.ensure_one()
        if self.commercial_partner_id != self or not self.id:
            return False
        contact = self.collection_contact_id
        if not contact:
            if self.credit > 0:
                return self.env._(
                    "This customer owes money and has no contact for collection: "
                    "no automatic reminder can be sent."
                )
            return False
        if not contact.email and not contact.mobile:
            return self.env._(
                "The contact for collection %(name)s has neither an email nor a "
                "mobile number: reminders cannot reach them.",
                name=contact.name,
            )
        return False

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

    def _dso_reminder_sms_number(self):
        """The number reminders are sent to by SMS, in E.164: the mobile, else
        the phone. (``mobile`` is gone in 19.0: the port changes this method
        only.)"""
        self.ensure_one()
        return self._phone_format(
            number=self.mobile or self.phone, country=self._dso_phone_country()
        )

    def _dso_log_reminder_failure(self, error):
        """Record on the customer that its automatic reminder failed."""
        self.ensure_one()
        text = self.env._("The payment reminder failed: %(error)s", error=str(error))
        self.sudo().write({"dso_reminder_problem": text})
        self._message_log_batch(bodies={self.id: text}, author_id=self.env.user.partner_id.id)

    # ------------------------------------------------------------------
    # Customer page (issue 12): link, promises, disputes
    # ------------------------------------------------------------------

    dso_promise_ids = fields.One2many(
        "dso.payment.promise", "partner_id", string="Promises to pay"
    )
    dso_promise_count = fields.Integer(
        string="Promise count", compute="_compute_dso_promise_stats"
    )
    dso_promise_settled_count = fields.Integer(
        string="Settled promise count",
        compute="_compute_dso_promise_stats",
        help="Promises to pay kept or broken: those the kept rate is computed on.",
    )
    dso_promise_kept_rate = fields.Float(
        string="Promises kept (%)",
        compute="_compute_dso_promise_stats",
        help="Share of the promises to pay, kept or broken, that were kept.",
    )
    dso_dispute_count = fields.Integer(
        string="Dispute count", compute="_compute_dso_dispute_count"
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
        """A promise made by phone, recorded from the customer form."""
        self.ensure_one()
        action = self._dso_portal_action("dso_contacts.dso_payment_promise_action", [])
        action.update(views=[(False, "form")], view_mode="form", target="new")
        action["context"].update(
            default_source="phone",
            default_contact_id=self.commercial_partner_id.collection_contact_id.id,
        )
        return action

    def action_dso_portal_regenerate(self):
        """A new link for the customer's page: the links sent before stop working."""
        self._dso_portal_check_collector()
        Access = self.env["dso.customer.access"]
        for partner in self:
            Access._get_or_create(partner, self.env.company)._regenerate()
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
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only invoicing users manage the customers' links."))

    def _dso_portal_url(self, company=None):
        """URL of the customer's page in ``company`` (default: the current
        one), with its access token, created when missing."""
        self.ensure_one()
        company = company or self.env.company
        return self.env["dso.customer.access"]._get_or_create(self, company)._get_url()
