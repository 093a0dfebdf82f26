from odoo.tests import BaseCase, tagged
from odoo.tools.misc import file_path

from .po_check import po_problems

LANGUAGES = (
    "fr", "de", "nl", "es", "it", "pt_BR", "pt", "pl", "ro", "sv", "tr", "hr", "zh_CN", "ja",
)  # fmt: skip


@tagged("post_install", "-at_install")
class TestTranslations(BaseCase):
    def test_every_language_translates_every_term(self):
        pot = file_path("dso_contacts/i18n/dso_contacts.pot")
        for lang in LANGUAGES:
            with self.subTest(lang=lang):
                po = file_path(f"dso_contacts/i18n/{lang}.po")
                self.assertEqual(po_problems(pot, po), [])
