# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import BaseCase, tagged

from ..tools.phone_repair import repair_phone

# a mobile number of each of our countries: E.164, and the digits a
# spreadsheet keeps of its national form (the leading zero lost)
NUMBERS = [
    ("FR", "+33612345678", "612345678"),
    ("DE", "+4915123456789", "15123456789"),
    ("NL", "+31612345678", "612345678"),
    ("ES", "+34612345678", "612345678"),
    ("IT", "+393123456789", "3123456789"),
    ("BR", "+5511961234567", "11961234567"),
    ("PT", "+351912345678", "912345678"),
    ("PL", "+48512345678", "512345678"),
    ("RO", "+40712034567", "712034567"),
    ("SE", "+46701234567", "701234567"),
    ("TR", "+905012345678", "5012345678"),
    ("HR", "+385921234567", "921234567"),
    ("CN", "+8613123456789", "13123456789"),
    ("JP", "+819012345678", "9012345678"),
]


@tagged("post_install", "-at_install")
class TestImportPhoneRepair(BaseCase):
    def test_number_that_lost_its_plus_is_read_as_international(self):
        for _country, e164, _national in NUMBERS:
            for customer_country, _e164, _n in NUMBERS:
                with self.subTest(number=e164, customer_country=customer_country):
                    self.assertEqual(repair_phone(e164[1:], customer_country), e164)

    def test_national_number_that_lost_its_zero_is_read_in_the_customers_country(self):
        for country, e164, national in NUMBERS:
            with self.subTest(country=country):
                self.assertEqual(repair_phone(national, country), e164)

    def test_numbers_as_written_are_read_as_before(self):
        self.assertEqual(repair_phone("06 12 34 56 78", "FR"), "+33612345678")
        self.assertEqual(repair_phone("+49 170 1234567", "FR"), "+491701234567")
        self.assertEqual(repair_phone("0033612345678", "DE"), "+33612345678")
        self.assertIsNone(repair_phone("call me", "FR"))
        self.assertIsNone(repair_phone("12", "FR"))
