# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import api, models

from ..tools.header_guess import normalize


class DsoContactImportCustomers(models.AbstractModel):
    """The import of customers: the customers themselves, created or updated
    by customer code, each with its single Company-role contact."""

    _name = "dso.contact.import.customers"
    _inherit = "dso.contact.import.engine"
    _description = "Import of Customers"

    @api.model
    def _lookup_context(self):
        """The countries too, by code and by name (the user's language and
        English)."""
        context = super()._lookup_context()
        countries = {}
        country_records = self.env["res.country"].search_fetch(
            [("code", "!=", False)], ["code", "name"]
        )
        for lang_code in {self.env.lang or "en_US", "en_US"}:
            for country in country_records.with_context(lang=lang_code):
                countries.setdefault(normalize(country.name), country.id)
        for country in country_records:
            countries[normalize(country.code)] = country.id
        # the reminder plans of the company, by name (the user's language and
        # English), read with the user's rights; a name that two plans share
        # (once folded) names none of them: 0
        plans = {}
        plan_records = self.env["dso.reminder.plan"].search_fetch(
            [("company_id", "=", self.env.company.id)], ["name"]
        )
        for lang_code in {self.env.lang or "en_US", "en_US"}:
            for plan in plan_records.with_context(lang=lang_code):
                key = normalize(plan.name)
                plans[key] = plan.id if plans.get(key, plan.id) == plan.id else 0
        return {**context, "countries": countries, "reminder_plans": plans}

    @api.model
    def _remember_row(self, run, line, values):
        if values.get("ref"):
            run.customer_lines.setdefault(values["ref"], line)

    @api.model
    def _process_batch(self, run, batch, mapping):
        rows = []
        for line, cells in batch:
            values, reason = self._row_values(run, cells, mapping)
            if not reason:
                ref = values.get("ref")
                if not ref:
                    reason = self.env._("The customer code is missing.")
                elif ref in run.customer_lines:
                    reason = self.env._(
                        "The customer code %(ref)s is already on line %(line)s of this file.",
                        ref=ref,
                        line=run.customer_lines[ref],
                    )
            if reason:
                run.reject(line, cells, reason)
                continue
            run.customer_lines[values["ref"]] = line
            rows.append((line, cells, values))
        customers, ambiguous = self._find_customers({values["ref"] for _l, _c, values in rows})
        to_create, to_update, contact_plans = [], [], []
        for line, cells, values in rows:
            vals, reason = self._customer_vals(run, values, customers, ambiguous)
            if reason:
                run.reject(line, cells, reason)
                continue
            customer = customers.get(values["ref"])
            country_id = vals.get("country_id") or (
                customer.country_id.id if customer else False
            )
            country_code = (
                run.context["country_codes"].get(country_id) or run.context["company_country"]
            )
            if "phone" in vals:
                vals["phone"] = self._phone(
                    vals["phone"], country_code, line, run, self.env._("phone")
                )
            contact = {
                "name": values.get("contact_name") or vals.get("name") or customer.name,
                "email": vals.get("email") or False,
                "phone": vals.get("phone") or False,
            }
            has_contact = bool(
                values.get("contact_name") or contact["email"] or contact["phone"]
            )
            if customer:
                changes = {
                    fname: value
                    for fname, value in vals.items()
                    if self._differs(customer, fname, value)
                }
                to_update.append((line, cells, customer, changes))
            else:
                to_create.append((line, cells, {**vals, "ref": values["ref"]}))
            contact_plans.append(
                (line, customer or values["ref"], contact if has_contact else None)
            )
        # a Company-role contact renamed or archived may be the contact for
        # collection of an existing customer
        existing = self.env["res.partner"].browse(c.id for _l, _c, c, _ch in to_update)
        before = self._collection_contacts(existing)
        failed = set()
        created = self._create_customers(run, to_create, failed)
        self._update_customers(run, to_update, failed)
        self._write_company_role_contacts(
            [plan for plan in contact_plans if plan[0] not in failed], created, run
        )
        self._note_collection_changes(run, existing.browse(list(before)), before)

    @api.model
    def _customer_vals(self, run, values, customers, ambiguous):
        context = run.context
        ref = values["ref"]
        if ref in ambiguous:
            return None, self.env._(
                "Several customers have the code %(ref)s in this company: give each a "
                "code of its own.",
                ref=ref,
            )
        if not customers.get(ref) and not values.get("name"):
            return None, self.env._(
                "The customer name is missing (new customer %(ref)s).", ref=ref
            )
        vals = {}
        for fname in ("name", "street", "street2", "zip", "city", "vat", "phone"):
            if values.get(fname):
                vals[fname] = values[fname]
        email, reason = self._check_email(values.get("email"))
        if reason:
            return None, reason
        if email:
            vals["email"] = email
        if values.get("country"):
            country_id = context["countries"].get(normalize(values["country"]))
            if not country_id:
                return None, self.env._(
                    "The country %(country)s is unknown: use its name or its two-letter "
                    "code (FR, DE...).",
                    country=values["country"],
                )
            vals["country_id"] = country_id
        if values.get("lang"):
            lang = context["langs"].get(normalize(values["lang"]))
            if not lang:
                return None, self.env._(
                    "The language %(lang)s is not installed.", lang=values["lang"]
                )
            vals["lang"] = lang
        if values.get("reminder_plan"):
            plan_id = context["reminder_plans"].get(normalize(values["reminder_plan"]))
            if plan_id == 0:
                return None, self.env._(
                    "Several reminder plans of %(company)s are named %(plan)s: give "
                    "each plan a name of its own.",
                    plan=values["reminder_plan"],
                    company=self.env.company.display_name,
                )
            if not plan_id:
                return None, self.env._(
                    "The reminder plan %(plan)s is not a plan of %(company)s.",
                    plan=values["reminder_plan"],
                    company=self.env.company.display_name,
                )
            vals["dso_reminder_plan_id"] = plan_id
        return vals, None

    @api.model
    def _differs(self, record, fname, value):
        current = record[fname]
        if isinstance(current, models.BaseModel):
            current = current.id
        return (current or False) != (value or False)

    @api.model
    def _create_customers(self, run, to_create, failed):
        """Create the new customers in one ``create``; when it fails, row by
        row, so that a row refused by the ORM (a constraint, a tax ID check)
        is rejected with its message and the others go through.

        :return: ``{ref: new customer}``
        """
        if not to_create:
            return {}
        partner_model = self._partner_model()
        vals_list = [
            {**vals, "is_company": True, "customer_rank": 1, "company_id": self.env.company.id}
            for _line, _cells, vals in to_create
        ]
        customers, _reason = self._try(
            lambda: self._create_flushed(partner_model, [dict(vals) for vals in vals_list])
        )
        if customers is None:
            customers = partner_model
            for (line, cells, _vals), vals in zip(to_create, vals_list, strict=True):
                customer, reason = self._try(
                    lambda vals=vals: self._create_flushed(partner_model, [dict(vals)])
                )
                if reason:
                    failed.add(line)
                    run.reject(line, cells, reason)
                else:
                    customers |= customer
        run.created += len(customers)
        return {customer.ref: customer for customer in customers}

    @api.model
    def _create_flushed(self, partner_model, vals_list):
        records = partner_model.create(vals_list)
        # the database's own checks (required columns, constraints) now
        records.flush_recordset()
        return records

    @api.model
    def _update_customers(self, run, to_update, failed):
        """Write the changes: one ``write`` per distinct set of changes (most
        rows of a file change the same fields to the same values seldom, but a
        file imported again changes nothing, and a new field changes them all
        alike), under one savepoint; row by row only when that fails."""
        groups = defaultdict(list)
        for line, cells, customer, changes in to_update:
            if not customer.customer_rank:
                changes = {**changes, "customer_rank": 1}
            if not changes:
                run.skipped += 1
                continue
            groups[tuple(sorted(changes.items()))].append((line, cells, customer))
        if not groups:
            return

        def write_groups():
            for changes, rows in groups.items():
                customers = self.env["res.partner"].browse(c.id for _l, _c, c in rows)
                customers.write(dict(changes))
                customers.flush_recordset()
            return True

        if self._try(write_groups)[0]:
            run.updated += sum(len(rows) for rows in groups.values())
            return
        for changes, rows in groups.items():
            for line, cells, customer in rows:
                _done, reason = self._try(
                    lambda customer=customer, changes=changes: (
                        customer.write(dict(changes)) and customer.flush_recordset()
                    )
                )
                if reason:
                    failed.add(line)
                    run.reject(line, cells, reason)
                else:
                    run.updated += 1

    @api.model
    def _write_company_role_contacts(self, plans, created, run):
        """Make the row's contact data the single Company-role contact of each
        customer. Company-role contacts are closed to hand edits; the import
        writes them as superuser after checking the user is an accounting user.
        Other contacts are never touched. A Company-role contact that becomes
        another person (renamed) or goes (archived) is noted in ``run``."""
        self._check_rights()
        contacts_engine = self.env["dso.contact.import.contacts"]
        partner_model = contacts_engine._contact_partner_model().sudo()
        customers = partner_model.browse(
            (created[key] if isinstance(key, str) else key).id for _line, key, _c in plans
        )
        current = partner_model.search_fetch(
            [("parent_id", "in", customers.ids), ("is_company_role", "=", True)],
            ["parent_id", "name", "email", "phone"],
        )
        by_customer = defaultdict(list)
        for contact in current:
            by_customer[contact.parent_id.id].append(contact)
        to_archive = partner_model.browse()
        to_create = []
        for (_line, _key, wanted), customer in zip(plans, customers, strict=True):
            existing = by_customer.get(customer.id, [])
            if not wanted:
                to_archive |= partner_model.browse(c.id for c in existing)
                if existing:
                    self._note_company_role_change(run, customer, existing[0], None)
                continue
            if existing:
                keep, *others = existing
                to_archive |= partner_model.browse(c.id for c in others)
                changes = {k: v for k, v in wanted.items() if self._differs(keep, k, v)}
                if "name" in changes:
                    self._note_company_role_change(run, customer, keep, changes["name"])
                if changes:
                    keep.write(changes)
            else:
                to_create.append(
                    {**wanted, "parent_id": customer.id, "type": "contact",
                     "is_company_role": True}
                )  # fmt: skip
        if to_archive:
            to_archive.write({"active": False})
        if to_create:
            sync = contacts_engine._parent_sync_values(
                customers.browse({vals["parent_id"] for vals in to_create})
            )
            partner_model.create([{**sync[vals["parent_id"]], **vals} for vals in to_create])

    @api.model
    def _note_company_role_change(self, run, customer, contact, new_name):
        """Note that the Company-role contact ``contact`` of ``customer`` is
        renamed ``new_name`` (another person) or archived (``None``)."""
        run.changes.note(
            "company_role",
            self._customer_entry(customer),
            [contact.id, contact.name],
            [contact.id, new_name] if new_name else None,
        )
