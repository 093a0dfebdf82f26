from odoo.tests import BaseCase, tagged

from odoo.addons.phone_validation.tools.phone_validation import phone_format

from ..tools.phone import e164_candidates, looks_like_phone, to_e164


@tagged("post_install", "-at_install")
class TestPhoneTools(BaseCase):
    def test_to_e164_reads_national_and_international_forms(self):
        for typed in ("+33 1 23 45 67 89", "01.23.45.67.89", "0123456789", "0033123456789"):
            with self.subTest(typed=typed):
                self.assertEqual(to_e164(typed, "FR"), "+33123456789")

    def test_to_e164_refuses_what_is_not_a_number(self):
        self.assertIsNone(to_e164("call me", "FR"))
        self.assertIsNone(to_e164("12", "FR"))
        self.assertIsNone(to_e164("0123456789", None))
        self.assertIsNone(to_e164("", "FR"))

    def test_looks_like_phone(self):
        self.assertTrue(looks_like_phone("01.23.45.67.89"))
        self.assertTrue(looks_like_phone("+33 (0)1 23 45 67 89"))
        self.assertFalse(looks_like_phone("Claire"))
        self.assertFalse(looks_like_phone("12 34"))
        self.assertFalse(looks_like_phone("claire@example.com"))
        self.assertFalse(looks_like_phone("+33 1234 5678 9012 345"), "over 15 digits")
        # one rule for the quick search and the import's guess of a column:
        # a column of numbers needs more digits, so that codes are not phones
        self.assertTrue(looks_like_phone("123456"))
        self.assertFalse(looks_like_phone("123456", min_digits=8))
        self.assertTrue(looks_like_phone("06 12 34 56 78", min_digits=8))

    def test_e164_candidates_per_country(self):
        self.assertEqual(e164_candidates("0033123456789", ["FR", "BE"]), ["+33123456789"])
        self.assertEqual(e164_candidates("02 123 45 67", ["BE"]), ["+3221234567"])
        self.assertEqual(e164_candidates("02 123 45 67", ["BE", "FR"])[0], "+3221234567")
        self.assertEqual(e164_candidates("hello", ["FR"]), [])

    def test_to_e164_agrees_with_core_phone_format(self):
        # the E.164 forms of phone.blacklist and phone_sanitized (issue 8)
        for number, country in (
            ("06 12 34 56 78", "FR"),
            ("+33 1 23 45 67 89", "FR"),
            ("0033 6 12 34 56 78", "FR"),
            ("0470 12 34 56", "BE"),
            ("02 555 12 12", "BE"),
            ("0151 23456789", "DE"),
            ("(0)20 7946 0958", "GB"),
            ("+1 415 555 2671", None),
            ("33612345678", "FR"),
        ):
            with self.subTest(number=number):
                self.assertEqual(
                    to_e164(number, country),
                    phone_format(number, country, None, force_format="E164"),
                )
