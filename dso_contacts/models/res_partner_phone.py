# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The phone numbers of customers and their contacts: one rule
(:func:`..tools.phone.check_phone`, core's ``phone_validation`` and
phonenumbers' number type), in the country of the contact, else of its
customer, else of the company, at import, in the form and at sending."""

from odoo import api, fields, models

from ..tools.phone import PHONE_INVALID, PHONE_NOT_MOBILE, check_phone


class ResPartner(models.Model):
    _inherit = "res.partner"

    dso_phone_warning = fields.Char(
        string="Phone warning",
        compute="_compute_dso_phone_warning",
        help="What is wrong with the phone or mobile number: a number that is not "
        "valid, or a mobile that cannot receive SMS reminders.",
    )

    @api.depends(
        "phone",
        "mobile",
        "country_id",
        "commercial_partner_id.country_id",
        "company_id.country_id",
    )
    def _compute_dso_phone_warning(self):
        for partner in self:
            warnings = [
                partner._dso_phone_warning(
                    fname, partner[fname], partner._dso_check_phone(partner[fname])[1]
                )
                for fname in ("phone", "mobile")
                if partner[fname]
            ]
            partner.dso_phone_warning = "\n".join(filter(None, warnings)) or False

    # core's onchanges of phone_validation (res.partner), redefined: the number
    # in E.164 as the import stores it, read in the country of the contact or
    # of its customer (core reads it in the contact's own country, which a
    # contact added in the customer's form does not have yet)
    @api.onchange("phone", "country_id", "company_id", "parent_id")
    def _onchange_phone_validation(self):
        if self.phone:
            self.phone = self._dso_check_phone(self.phone)[0] or self.phone

    @api.onchange("mobile", "country_id", "company_id", "parent_id")
    def _onchange_mobile_validation(self):
        if self.mobile:
            self.mobile = self._dso_check_phone(self.mobile)[0] or self.mobile

    def _dso_check_phone(self, number):
        """``(e164, problem)`` of ``number`` for this partner (see
        :func:`..tools.phone.check_phone`)."""
        self.ensure_one()
        return check_phone(number, self._dso_phone_country().code)

    def _dso_sms_number(self):
        """The number an SMS reaches, in E.164: the mobile, else the phone,
        when it is a valid mobile number; ``False`` when neither is."""
        self.ensure_one()
        # ``mobile`` is gone in 19.0: the port changes this method only
        for number in (self.mobile, self.phone):
            e164, problem = self._dso_check_phone(number)
            if number and not problem:
                return e164
        return False

    @api.model
    def _dso_phone_warning(self, fname, number, problem):
        """What the form and the import say of ``number``, entered in the
        field ``fname`` (``phone`` or ``mobile``), given the ``problem`` that
        :func:`..tools.phone.check_phone` found; ``False`` when it is fine. A
        landline in the phone field is fine."""
        if problem == PHONE_INVALID:
            return self.env._(
                "%(number)s is not a valid phone number: no call or SMS can reach it.",
                number=number,
            )
        if problem == PHONE_NOT_MOBILE and fname == "mobile":
            return self.env._(
                "%(number)s is not a mobile number: it cannot receive SMS reminders.",
                number=number,
            )
        return False
