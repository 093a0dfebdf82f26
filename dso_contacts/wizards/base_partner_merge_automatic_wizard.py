# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command, models


class MergePartnerAutomatic(models.TransientModel):
    """Odoo's Merge keeps one contact for collection and one Company-role
    contact per customer.

    Core moves every foreign key to the destination with SQL, reads the
    partners' values, then deletes the merged partners. Two contacts for
    collection brought under one customer by that SQL would break the unique
    index, and core then deletes the rows it could not move. So the flags are
    noted and cleared before the SQL, and the rule applied once the merge is
    done: the destination's contact for collection is kept, else the one
    brought by a merged customer; a merged person hands its flag to the
    survivor.
    """

    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids).exists()
        if len(partners) < 2:
            return super()._merge(partner_ids, dst_partner, extra_checks)
        if any(partners.mapped("is_company_role")):
            # merging deletes or rewrites a Company-role contact: only those
            # who may change them by hand may merge them
            partners._dso_check_company_role_access()
        if dst_partner and dst_partner in partners:
            dst = dst_partner
        else:
            dst = self._get_ordered_partner(partners.ids)[-1]
        plan = self._dso_collection_plan(partners, dst)
        customer = dst.commercial_partner_id
        customer_roles = self._dso_company_roles(customer)
        res = super()._merge(partner_ids, dst_partner, extra_checks)
        src = partners - dst
        if src.exists():
            # stopped by core before merging anything
            return res
        self.env.invalidate_all()
        self._dso_apply_collection_plan(plan, src, dst)
        if customer.exists():
            self._dso_keep_one_company_role(customer, customer_roles)
        return res

    def _update_foreign_keys(self, src_partners, dst_partner):
        # no flag may be moved by the SQL below (see the class docstring); the
        # flags were noted by _merge()
        self._dso_flagged_contacts(src_partners | dst_partner)._dso_clear_collection_flag()
        # the SQL below moves the journal items of the merged partners: their
        # customers' stored ageing totals are computed again
        self.env["dso.ageing.change"]._log_partners((src_partners | dst_partner).ids)
        res = super()._update_foreign_keys(src_partners, dst_partner)
        self._dso_drop_merged_recipients(src_partners, dst_partner)
        return res

    def _dso_flagged_contacts(self, partners):
        """The contacts for collection of the customers of ``partners``, with
        sudo: the unique index sees every contact, whatever the record rules."""
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("commercial_partner_id", "in", partners.commercial_partner_id.ids),
                    ("is_collection_contact", "=", True),
                ]
            )
        )

    def _dso_collection_plan(self, partners, dst):
        """The contacts for collection before the merge, as ``(contact, its
        name, its customer, the customer's name)``, the destination's
        customer's first (names are kept: merged partners are deleted)."""
        dst_customer = dst.commercial_partner_id
        plan = [
            (contact, contact.name, customer, customer.name)
            for contact in self._dso_flagged_contacts(partners)
            for customer in [contact.commercial_partner_id]
        ]
        return sorted(plan, key=lambda item: item[2] != dst_customer)

    def _dso_company_roles(self, customer):
        return (
            self.env["res.partner"]
            .sudo()
            .search([("parent_id", "=", customer.id), ("is_company_role", "=", True)])
        )

    def _dso_apply_collection_plan(self, plan, src, dst):
        """Give each customer one contact for collection again, and say on the
        customers' chatter which contact lost the flag, and why."""
        winners, dropped = {}, []
        for contact, name, old_customer, old_name in plan:
            survivor = dst if contact in src else contact.exists()
            customer = survivor.commercial_partner_id
            if (
                survivor.active
                and survivor.parent_id
                and not survivor.is_company
                and customer not in winners
            ):
                winners[customer] = survivor
            else:
                dropped.append((name, old_customer, old_name, survivor, customer))
        # sudo: the merge is allowed, and the flags are its consequence
        self.env["res.partner"].sudo().union(*winners.values())._dso_set_collection_contact()
        merged = dst.display_name
        for name, old_customer, old_name, survivor, customer in dropped:
            if customer in winners:
                customer._message_log(
                    body=self.env._(
                        "%(contact)s, contact for collection of %(former)s, is no longer "
                        "a contact for collection: after the merge, %(customer)s keeps "
                        "%(winner)s.",
                        contact=name,
                        former=old_name,
                        customer=customer.name,
                        winner=winners[customer].name,
                    )
                )
            if old_customer.exists() and old_customer not in winners:
                old_customer._message_log(
                    body=self.env._(
                        "%(contact)s is no longer the contact for collection: it was "
                        "merged into %(merged)s. This customer has no contact for "
                        "collection now.",
                        contact=name,
                        merged=survivor.display_name or merged,
                    )
                )

    def _dso_keep_one_company_role(self, customer, customer_roles):
        """The customers file's rule: one Company-role contact per customer,
        the destination's kept, the ones brought by the merge archived (a
        brought contact for collection hands the flag over, see
        res.partner.write())."""
        roles = self._dso_company_roles(customer).filtered("active")
        kept = (roles & customer_roles)[:1] or roles[:1]
        brought = roles - kept
        if not brought:
            return
        customer._message_log(
            body=self.env._(
                "%(contacts)s archived: the merge brought them as Company-role "
                "contacts, and a customer has one, %(kept)s, replaced at each "
                "customers import.",
                contacts=", ".join(brought.mapped("name")),
                kept=kept.name,
            )
        )
        # sudo: the merge is allowed, and the archive is its consequence
        brought.sudo().write({"active": False})

    def _dso_drop_merged_recipients(self, src_partners, dst_partner):
        # a reminder sent to two merged persons keeps both as recipients: the
        # SQL could not move the merged one (the destination was there), so
        # it is removed before the merged partner is deleted
        reminders = (
            self.env["dso.reminder"].sudo().search([("recipient_ids", "in", src_partners.ids)])
        )
        if reminders:
            # the same persons, merged: not a rewrite of what was sent
            reminders._write_merged_partners(
                {"recipient_ids": [Command.unlink(partner.id) for partner in src_partners]}
            )
