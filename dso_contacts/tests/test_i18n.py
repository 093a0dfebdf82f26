from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tools.misc import file_path

from .common_reminder import NOW, TODAY, ReminderCommon
from .po_check import po_problems, pot_differences

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


@tagged("post_install", "-at_install")
class TestTranslationTemplate(TransactionCase):
    def test_committed_template_holds_the_terms_of_the_code(self):
        """The committed .pot is what ``make pot`` exports from this database
        now: a term added, changed or removed in the code or the data fails
        here until the template is exported again (then the languages fail
        until the new terms are translated)."""
        pot = file_path("dso_contacts/i18n/dso_contacts.pot")
        problems = pot_differences(self.env.cr, "dso_contacts", pot)
        self.assertFalse(problems, "\n".join(["", *problems]))


@tagged("post_install", "-at_install")
class TestReminderInContactLanguage(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["dso_contacts"], ["fr_FR"], overwrite=True
        )

    @freeze_time(NOW)
    def test_french_contact_receives_french_reminder(self):
        self.contact.lang = "fr_FR"
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=16), 250.0)
        self._run_cron_mocked()
        self.assertMailMail(
            self.contact,
            "outgoing",
            content=invoice.name,
            fields_values={
                "subject": f"{self.company.name} : deuxième relance de paiement (Alpha SA)"
            },
        )
        self.assertSMSOutgoing(self.contact, "+32456123456", content="doit encore")

    @freeze_time(NOW)
    def test_english_contact_still_receives_english_reminder(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=16), 250.0)
        self._run_cron_mocked()
        self.assertMailMail(
            self.contact,
            "outgoing",
            fields_values={
                "subject": f"{self.company.name}: second payment reminder (Alpha SA)"
            },
        )

    def test_default_levels_of_a_new_company_in_every_installed_language(self):
        company = self.env["res.company"].create({"name": "Nouvelle Société"})
        levels = self.env["dso.reminder.level"].search(
            [("company_id", "=", company.id)], order="days"
        )
        self.assertEqual(
            levels.with_context(lang="en_US").mapped("name"),
            ["Courtesy notice", "First reminder", "Second reminder", "Final notice"],
        )
        french = levels.with_context(lang="fr_FR").mapped("name")
        self.assertEqual(len(set(french)), 4)
        self.assertNotIn("Courtesy notice", french)
        self.assertEqual(french[0], "Rappel de courtoisie")
