# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from collections import defaultdict

from psycopg2 import Error as DatabaseError

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.mail import plaintext2html

from ..tools.header_guess import (
    ROLE_INDEX,
    is_mobile_label,
    is_true,
    labelled_phones,
    normalize,
)
from ..tools.import_report import contact_key

_logger = logging.getLogger(__name__)


class DsoContactImportContacts(models.AbstractModel):
    """The import of contacts: the people of existing customers, found by
    customer code; added, never changed (a contact already there is skipped)."""

    _name = "dso.contact.import.contacts"
    _inherit = "dso.contact.import.engine"
    _description = "Import of Contacts"

    @api.model
    def _lookup_context(self):
        """The roles too, by their names in every installed language."""
        context = super()._lookup_context()
        roles = {}
        role_records = self.env["dso.contact.role"].search([("active", "=", True)])
        for lang_code in {*context["langs"].values(), "en_US"}:
            for role in role_records.with_context(lang=lang_code):
                roles.setdefault(normalize(role.name), role.id)
        for role in role_records:
            if role.code:
                roles[normalize(role.code)] = role.id
        by_code = {role.code: role.id for role in role_records if role.code}
        for word, code in ROLE_INDEX.items():
            if code in by_code:
                roles.setdefault(word, by_code[code])
        return {**context, "roles": roles}

    @api.model
    def _process_batch(self, run, batch, mapping):
        if run.phone_labels is None:
            run.phone_labels = labelled_phones(run.header)
        rows = []
        for line, cells in batch:
            values, reason = self._row_values(run, cells, mapping)
            if reason:
                run.reject(line, cells, reason)
                continue
            if run.phone_labels:
                self._route_labelled_phones(run, cells, values, mapping)
            rows.append((line, cells, values))
        customers, ambiguous = self._find_customers(
            {values.get("customer_ref") for _line, _cells, values in rows}
        )
        existing = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search_fetch(
                [("parent_id", "in", [c.id for c in customers.values()])],
                ["parent_id", "name", "email"],
            )
        )
        known = {
            (
                contact.parent_id.id,
                normalize(contact.name),
                (contact.email or "").strip().lower(),
            )
            for contact in existing
        }
        to_create = []
        for line, cells, values in rows:
            vals, reason = self._contact_vals(run, line, values, customers, ambiguous)
            if reason:
                run.reject(line, cells, reason)
                continue
            if self._contact_is_known(run, line, values, vals, known):
                run.skipped += 1
                continue
            to_create.append((line, cells, vals))
        parents = self.env["res.partner"].browse(
            {vals["parent_id"] for _l, _c, vals in to_create}
        )
        # the customers whose contact for collection the batch may replace
        flagged = parents.browse(
            {vals["parent_id"] for _l, _c, vals in to_create if vals["is_collection_contact"]}
        )
        before = self._collection_contacts(flagged)
        self._create_contacts(run, to_create, parents)
        self._note_collection_changes(run, flagged, before)

    @api.model
    def _route_labelled_phones(self, run, cells, values, mapping):
        """Labelled phone columns (Google's "Phone 1 - Value" with its
        "Phone 1 - Label") go to the mobile or the phone by each row's label:
        the first Mobile number to the mobile, the first other to the phone.
        A field mapped to another column keeps it."""
        found = {"mobile": [], "phone": []}
        for value_index, label_index in sorted(run.phone_labels.items()):
            value = cells[value_index] if value_index < len(cells) else ""
            if value:
                label = cells[label_index] if label_index < len(cells) else ""
                found["mobile" if is_mobile_label(label) else "phone"].append(value)
        for field in ("mobile", "phone"):
            if field not in mapping or mapping[field] in run.phone_labels:
                values[field] = found[field][0] if found[field] else ""

    @api.model
    def _contact_is_known(self, run, line, values, vals, known):
        """Whether the row's contact is already there (in the database or on
        an earlier row of the file); remember it otherwise."""
        db_key = (
            vals["parent_id"],
            normalize(vals["name"]),
            (vals.get("email") or "").lower(),
        )
        if db_key in known:
            if vals.get("is_collection_contact"):
                run.warn(
                    self.env._(
                        "Line %(line)s: %(name)s is already a contact of this "
                        "customer; imports add contacts and do not change existing "
                        "ones, so its contact for collection flag was left as it is.",
                        line=line,
                        name=vals["name"],
                    )
                )
            return True
        key = contact_key(values["customer_ref"], vals["name"], vals.get("email"))
        if key in run.seen_keys:
            return True
        self._remember_contact_row(run, line, values, key=key, vals=vals)
        return False

    @api.model
    def _remember_row(self, run, line, values):
        self._remember_contact_row(run, line, values)

    @api.model
    def _remember_contact_row(self, run, line, values, key=None, vals=None):
        ref = values.get("customer_ref")
        if key is None:
            name = self._contact_name(values)
            if not (ref and name):
                return
            key = contact_key(ref, name, values.get("email"))
            if key in run.seen_keys:
                return
        run.seen_keys.add(key)
        flagged = (
            vals.get("is_collection_contact")
            if vals is not None
            else is_true(values.get("is_collection_contact"))
        )
        if not flagged:
            return
        previous = run.collection_lines.get(ref)
        if previous and vals is not None:
            run.warn(
                self.env._(
                    "Lines %(first)s and %(line)s both mark a contact for "
                    "collection of customer %(customer)s: the last one (line "
                    "%(line)s) wins.",
                    first=previous,
                    line=line,
                    customer=ref,
                )
            )
        run.collection_lines[ref] = line

    @api.model
    def _contact_name(self, values):
        """The name column, else the first and last names joined (family
        name first and no space in Chinese and Japanese: 山田太郎)."""
        if values.get("name"):
            return values["name"]
        first, last = values.get("firstname") or "", values.get("lastname") or ""
        if any(ord(char) >= 0x2E80 for char in last):
            return f"{last}{first}"
        return " ".join(part for part in (first, last) if part)

    @api.model
    def _contact_vals(self, run, line, values, customers, ambiguous):
        """``(res.partner values, reason)`` of one contact row."""
        context = run.context
        ref = values.get("customer_ref")
        name = self._contact_name(values)
        if not ref:
            return None, self.env._("The customer code is missing.")
        if not name:
            return None, self.env._("The contact name is missing.")
        if ref in ambiguous:
            return None, self.env._(
                "Several customers have the code %(ref)s in this company: give each a "
                "code of its own.",
                ref=ref,
            )
        customer = customers.get(ref)
        if not customer:
            return None, self.env._(
                "No customer has the code %(ref)s in the current company.", ref=ref
            )
        email, reason = self._check_email(values.get("email"))
        if reason:
            return None, reason
        country_code = (
            context["country_codes"].get(customer.country_id.id) or context["company_country"]
        )
        vals = {
            "name": name,
            "parent_id": customer.id,
            "type": "contact",
            "is_company": False,
            "email": email,
            "phone": self._phone(
                values.get("phone"), country_code, line, run, self.env._("phone")
            ),
            "mobile": self._phone(
                values.get("mobile"),
                country_code,
                line,
                run,
                self.env._("mobile"),
                mobile=True,
            ),
            "function": values.get("function") or False,
            "comment": plaintext2html(values["comment"]) if values.get("comment") else False,
            "is_collection_contact": is_true(values.get("is_collection_contact")),
        }
        # the optional columns read by name: a value not found is left out,
        # with a warning
        unknown = {
            "role": lambda role: self.env._(
                "Line %(line)s: the role %(role)s is unknown; the contact is "
                "imported without a role.",
                line=line,
                role=role,
            ),
            "lang": lambda lang: self.env._(
                "Line %(line)s: the language %(lang)s is not installed; the "
                "contact gets its customer's language.",
                line=line,
                lang=lang,
            ),
        }
        for column, known, fname in (
            ("role", context["roles"], "contact_role_id"),
            ("lang", context["langs"], "lang"),
        ):
            value = values.get(column)
            found = value and known.get(normalize(value))
            if found:
                vals[fname] = found
            elif value:
                run.warn(unknown[column](value))
        return vals, None

    @api.model
    def _create_contacts(self, run, rows, parents, extra_vals=None):
        """Create the contacts of ``rows`` (``(line, cells, vals)``) in one
        batch ``create``; a batch that fails is retried row by row so that only
        the failing rows are rejected."""
        if not rows:
            return self.env["res.partner"]
        sync = self._parent_sync_values(parents)
        partner_model = self._contact_partner_model()
        vals_list = [
            {**sync[vals["parent_id"]], **vals, **(extra_vals or {})} for _l, _c, vals in rows
        ]
        # the defaults are the same for every row: read them once per batch
        # rather than once per contact inside create()
        given = set().union(*vals_list)
        missing = [fname for fname in partner_model._fields if fname not in given]
        defaults = partner_model.default_get(missing)
        vals_list = [{**defaults, **vals} for vals in vals_list]
        try:
            with self.env.cr.savepoint():
                # create() takes values out of the dictionaries it is given
                # (the contact for collection flag): give it copies, so that
                # a retry row by row still has them
                contacts = self._create_synced(partner_model, [dict(v) for v in vals_list])
        except (UserError, ValidationError, DatabaseError) as error:
            _logger.info("Batch create failed (%s), retrying row by row", error)
            contacts = partner_model
            for (line, cells, _vals), vals in zip(rows, vals_list, strict=True):
                contact, reason = self._try(
                    lambda vals=vals: self._create_synced(partner_model, [dict(vals)])
                )
                if reason:
                    run.reject(line, cells, reason)
                else:
                    contacts |= contact
        run.created += len(contacts)
        return contacts

    @api.model
    def _create_synced(self, partner_model, vals_list):
        contacts = partner_model.create(vals_list)
        self._sync_other_companies(contacts)
        # the database's own checks (required columns, constraints) now
        contacts.flush_recordset()
        return contacts

    @api.model
    def _contact_partner_model(self):
        # Odoo's per-record sync is skipped: its values are given to create,
        # see _parent_sync_values
        return self._partner_model().with_context(_partners_skip_fields_sync=True)

    @api.model
    def _parent_sync_values(self, parents):
        """What Odoo copies from a customer to each new contact, per customer.

        The same values ``res.partner._fields_sync`` writes contact by contact
        after its create (commercial fields, company-dependent ones included,
        the address when the customer has one, and the language), read here
        for all the batch's customers at once and given to ``create``.
        """
        partner_model = self.env["res.partner"]
        commercial_fields = self._commercial_sync_fields()
        address_fields = partner_model._address_fields()
        parents.fetch([*commercial_fields, *address_fields, "lang", "company_id", "user_id"])
        parents.commercial_partner_id.fetch(commercial_fields)
        sync = {}
        for parent in parents:
            values = parent.commercial_partner_id._update_fields_values(commercial_fields)
            if any(parent[fname] for fname in address_fields):
                values.update(parent._update_fields_values(address_fields))
            values["lang"] = parent.lang
            values["company_id"] = parent.company_id.id
            # precomputed at create from the parent (one new record per contact
            # otherwise): a contact's salesperson is its customer's
            values["user_id"] = parent.user_id.id
            sync[parent.id] = values
        return sync

    @api.model
    def _commercial_sync_fields(self):
        """The commercial fields to copy from the customer at create.

        A commercial field computed from a company-dependent commercial field
        (the pricelist, computed from ``specific_property_product_pricelist``)
        is given through that stored field: the contact computes the same
        value, without running the computed field's inverse (a search) once per
        contact, as Odoo's per-contact sync does.
        """
        partner_model = self.env["res.partner"]
        stored_sources = set(partner_model._company_dependent_commercial_fields())
        sync_fields = []
        for fname in partner_model._commercial_fields():
            field = partner_model._fields[fname]
            depends = set(self.pool.field_depends[field])
            if not field.store and field.inverse and stored_sources & depends:
                continue
            sync_fields.append(fname)
        return [*sync_fields, *(stored_sources - set(sync_fields))]

    @api.model
    def _sync_other_companies(self, contacts):
        """Company-dependent commercial fields in the other companies, as
        ``_company_dependent_commercial_sync`` does, one write per company and
        distinct value set instead of one per contact."""
        fields_to_sync = contacts._company_dependent_commercial_fields()
        if not fields_to_sync or not contacts:
            return
        for company in (
            self.env["res.company"].sudo().search([("id", "!=", self.env.company.id)])
        ):
            groups = defaultdict(lambda: contacts.browse())
            contacts_in_company = contacts.sudo().with_company(company)
            for contact in contacts_in_company:
                values = contact.parent_id._update_fields_values(fields_to_sync)
                groups[tuple(sorted(values.items()))] |= contact
            for values, group in groups.items():
                group.write(dict(values))
