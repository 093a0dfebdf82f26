from odoo.exceptions import UserError
from odoo.tests import BaseCase, Form, tagged

from odoo.addons.phone_validation.tools.phone_validation import phone_format

from ..tools.phone import PHONE_INVALID, PHONE_NOT_MOBILE, check_phone
from .import_common import DsoImportCommon

# (country, typed, E.164, can an SMS reach it)
NUMBERS = [
    ("GB", "07700 900123", "+447700900123", False),  # a reserved range: not valid
    ("GB", "07911 123456", "+447911123456", True),
    ("NL", "010 123 4567", "+31101234567", False),  # a landline
    ("NL", "06 12 34 56 78", "+31612345678", True),
    ("FR", "01 23 45 67 89", "+33123456789", False),
    ("FR", "0033 6 12 34 56 78", "+33612345678", True),
    ("BE", "0456 12 34 56", "+32456123456", True),
]


@tagged("post_install", "-at_install")
class TestCheckPhone(BaseCase):
    def test_check_phone_says_what_core_phone_validation_says(self):
        for country, typed, e164, sms in NUMBERS:
            with self.subTest(typed=typed):
                self.assertEqual(check_phone(typed, country)[0], e164)
                self.assertEqual(check_phone(typed, country)[1] is None, sms)
                try:
                    core = phone_format(typed, country, None, force_format="E164")
                except UserError:
                    core = None
                self.assertEqual(core, None if typed == "07700 900123" else e164)
        self.assertEqual(check_phone("07700 900123", "GB")[1], PHONE_INVALID)
        self.assertEqual(check_phone("010 123 4567", "NL")[1], PHONE_NOT_MOBILE)
        self.assertEqual(check_phone("call me", "FR"), (None, PHONE_INVALID))
        self.assertEqual(check_phone("+1 415 555 2671", None), ("+14155552671", None))


@tagged("post_install", "-at_install")
class TestOnePhoneRule(DsoImportCommon):
    """One rule for a number, where it is entered (import, form) and where
    it is used (SMS reminders): the same stored form, the same warning."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = {
            code: cls.partner_model.create(
                {
                    "name": f"Customer {code}",
                    "is_company": True,
                    "ref": f"P{code}",
                    "country_id": cls.env["res.country"].search([("code", "=", code)]).id,
                }
            )
            for code in ("GB", "NL", "FR", "BE")
        }

    def _typed_in_form(self, customer, name, mobile=None, phone=None):
        """A contact added in the customer's Collection Contacts tab, by the
        Billing user; the warning shown under the numbers before saving."""
        with Form(customer.with_user(self.billing_user)) as customer_form:
            with customer_form.dso_contact_ids.new() as contact_form:
                contact_form.name = name
                if phone:
                    contact_form.phone = phone
                if mobile:
                    contact_form.mobile = mobile
                warning = contact_form.dso_phone_warning
        return customer.child_ids.filtered(lambda c: c.name == name), warning

    def test_numbers_typed_in_the_form_are_stored_as_imported_ones(self):
        # today "010 123 4567" sat beside "+31107654321" in one table
        customer = self.customers["NL"]
        data = self._csv(
            [["Customer code", "Name", "Phone"], ["PNL", "Imported", "010 7654321"]]
        )
        self._wizard(data=data).action_import()
        typed, _warning = self._typed_in_form(customer, "Typed", phone="010 123 4567")
        imported = customer.child_ids.filtered(lambda c: c.name == "Imported")
        self.assertEqual(imported.phone, "+31107654321")
        self.assertEqual(typed.phone, "+31101234567")

    def test_a_number_no_sms_reaches_is_flagged_in_the_form(self):
        contact, warning = self._typed_in_form(
            self.customers["GB"], "Oliver Hughes", mobile="07700 900123"
        )
        self.assertIn("+447700900123 is not a valid phone number", warning)
        self.assertEqual(contact.mobile, "+447700900123")
        self.assertIn("not a valid phone number", contact.dso_phone_warning)
        _contact, warning = self._typed_in_form(
            self.customers["NL"], "Daan Visser", mobile="010 123 4567"
        )
        self.assertIn("not a mobile number", warning)
        _contact, warning = self._typed_in_form(
            self.customers["NL"], "Sanne Bakker", phone="010 123 4567", mobile="06 12345678"
        )
        self.assertFalse(warning, "a landline in the phone field is fine")

    def test_import_form_and_sending_follow_one_rule(self):
        rows = [["Customer code", "Name", "Mobile"]]
        for index, (country, typed, _e164, _sms) in enumerate(NUMBERS):
            rows.append([f"P{country}", f"Imported {index}", typed])
        wizard = self._wizard(data=self._csv(rows))
        wizard.action_import()
        for index, (country, typed, e164, sms) in enumerate(NUMBERS):
            with self.subTest(typed=typed):
                customer = self.customers[country]
                imported = customer.child_ids.filtered(
                    lambda c, i=index: c.name == f"Imported {i}"
                )
                typed_contact, form_warning = self._typed_in_form(
                    customer, f"Typed {index}", mobile=typed
                )
                # stored alike
                self.assertEqual(imported.mobile, e164)
                self.assertEqual(typed_contact.mobile, e164)
                # flagged alike, where it is entered
                self.assertEqual(
                    f"Line {index + 2}: " in (wizard.result_message or ""), not sms
                )
                self.assertEqual(bool(form_warning), not sms)
                # and used alike at sending
                for contact in (imported, typed_contact):
                    self.assertEqual(
                        contact._dso_reminder_sms_number(), e164 if sms else False
                    )

    def test_import_warns_of_a_mobile_no_sms_reaches(self):
        # the README's promise: the number is stored, and the report says so
        data = self._csv(
            [["Customer code", "Name", "Mobile"], ["PGB", "Oliver Hughes", "07700 900123"]]
        )
        wizard = self._wizard(data=data)
        wizard.action_import()
        oliver = self.customers["GB"].child_ids
        self.assertEqual(oliver.mobile, "+447700900123")
        self.assertEqual(wizard.warning_count, 1)
        self.assertIn(
            "Line 2: 07700 900123 is not a valid phone number", wizard.result_message
        )
