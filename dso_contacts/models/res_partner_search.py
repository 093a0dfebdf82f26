# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The quick search of the systray and the customer list's search of a
customer by one of its contacts (name, email or phone)."""

import logging

import psycopg2

from odoo import api, fields, models, tools
from odoo.modules.db import FunctionStatus
from odoo.tools import SQL, create_index

from ..tools import partner_search
from ..tools.phone import e164_candidates, looks_like_phone, to_e164

_logger = logging.getLogger(__name__)

# the indexes of the quick search and of the list's contact search
PHONE_SEARCH_INDEX = "res_partner_dso_phone_search_array_idx"


class ResPartner(models.Model):
    _inherit = "res.partner"

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
        tier = partner_search.list_search_tier(operator, term)
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

    def init(self):
        res = super().init()
        self._dso_init_search_indexes()
        return res

    @api.model
    def dso_quick_search(self, term, limit=8):
        """Customers matching a person's name, an email or a phone number, with
        the contacts that matched, best matches first: the systray's quick
        search. Runs with the user's rights, like the customer list's search."""
        term = (term or "").strip()
        if len(term) < partner_search.QUICK_SEARCH_MIN_LENGTH:
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
        ``tier`` (see ``tools.partner_search.match_conditions``)."""
        numbers = ()
        if tier != "prefix" and looks_like_phone(term):
            numbers = e164_candidates(term, self._dso_search_country_codes())
        return partner_search.match_conditions(
            term,
            tier,
            {
                fname: self._field_to_sql(query.table, fname, query)
                for fname in ("name", "email")
            },
            phones=self._field_to_sql(query.table, "dso_phone_search", query),
            numbers=numbers,
            unaccent=self.env.registry.unaccent,
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
        return partner_search.people_selects(
            SQL(", ").join(self._field_to_sql(query.table, fname, query) for fname in columns),
            query.from_clause,
            where,
            self._dso_people_conditions(query, term, tier),
            limit=limit,
        )

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
        scan = partner_search.partial_scan(term)
        for tier in partner_search.TIERS:
            if tier == "contains" and (
                len(term) < partner_search.CONTAINS_MIN_LENGTH or exact_found
            ):
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
            rows = partner_search.rank_rows(
                self.env.execute_query(SQL(" UNION ").join(selects))
            )
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
