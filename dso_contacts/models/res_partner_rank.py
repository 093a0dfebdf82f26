# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A person of a customer is never a customer (or a vendor) of its own.

account's ``res.partner.create()`` gives ``customer_rank`` 1 to every partner
created under the customers menu (``res_partner_search_mode``), the people
added in the customer's contacts tab included, and posting an invoice raises
the rank of its partner and of its commercial partner (``_increase_rank``).
The customers list and kanban show every partner with a rank: the customer's
people then show as customers of their own ("Lumière Distribution, Paul
Durand"). The ranks belong to the commercial partner, the one that is
invoiced; a partner below it keeps none, whatever path made it (a form, an
import, a merge, a move under a customer, a posted invoice).
"""

from odoo import api, models

RANK_FIELDS = ("customer_rank", "supplier_rank")
# the fields that make a partner a person of a customer, or give it a rank
RANK_TRIGGERS = {*RANK_FIELDS, "parent_id", "is_company", "company_type"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners._dso_reset_person_ranks()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if RANK_TRIGGERS.intersection(vals):
            self._dso_reset_person_ranks()
        return res

    def _increase_rank(self, field, n=1):
        # a posted invoice addressed to a person raises the rank of the person
        # and of its customer: only the customer's counts
        return super(ResPartner, self._dso_rank_holders())._increase_rank(field, n=n)

    def _dso_rank_holders(self):
        """The partners of ``self`` that may carry a customer or vendor rank:
        the commercial partners (companies, people without a company)."""
        return self.filtered(lambda partner: partner.is_company or not partner.parent_id)

    def _dso_reset_person_ranks(self):
        """Take the ranks from the people of a customer among ``self``."""
        people = (self - self._dso_rank_holders()).filtered(
            lambda partner: any(partner[fname] for fname in RANK_FIELDS)
        )
        if people:
            # sudo: a counter the ORM keeps, not the user's data; the user
            # may not be allowed to write a Company-role contact
            people.sudo().write(dict.fromkeys(RANK_FIELDS, 0))
        return True
