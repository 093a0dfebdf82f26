# ruff: noqa: RUF001 - Turkish names are spelt with the dotless i
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .import_common import DsoImportCommon


@tagged("post_install", "-at_install")
class TestImportRealFiles(DsoImportCommon):
    """Files written by the real tools (see samples/make_tool_samples.py)."""

    def _contact(self, customer, name):
        contact = self._contacts(customer).filtered(lambda c: c.name == name)
        self.assertEqual(len(contact), 1, f"{name} imported once")
        return contact

    def _set_languages(self, lang):
        self.env["res.lang"]._activate_lang(lang)
        self.billing_user.lang = lang
        self.company.partner_id.lang = lang

    def test_outlook_export_gives_names_job_positions_emails_and_phones(self):
        wizard = self._form_wizard("outlook_contacts_en.csv")
        self.assertEqual(wizard.detected_encoding, "cp1252")
        self.assertFalse(wizard.is_encoding_unsure)
        self.assertFalse(wizard.missing_fields)
        lines = {line.column_name: line for line in wizard.line_ids}
        self.assertEqual(len(lines), 93)
        for column, reason in [
            ("Title", "salutation"),
            ("Company", "company"),
            ("E-mail Display Name", "display_name"),
            ("Pager", "empty"),
        ]:
            self.assertEqual(
                (lines[column].contact_field, lines[column].reason), (False, reason), column
            )
        mapped = {
            line.column_name: line.contact_field
            for line in wizard.line_ids
            if line.contact_field
        }
        self.assertEqual(
            mapped,
            {
                "First Name": "firstname",
                "Last Name": "lastname",
                "Job Title": "function",
                "Business Phone": "phone",
                "Mobile Phone": "mobile",
                "E-mail Address": "email",
                "Customer code": "customer_ref",
                # known, empty in this file: after the others
                "Language": "lang",
                "Notes": "comment",
            },
        )
        # the mapped columns come first, the left-out ones last
        groups = wizard.line_ids.mapped("column_group")
        self.assertEqual(groups[: len(mapped)], ["mapped"] * len(mapped))
        self.assertEqual(wizard.line_ids[len(mapped) - 1].column_name, "Notes")
        self.assertEqual(groups[-1], "left_out")
        order = ["mapped", "not_mapped", "left_out"]
        self.assertEqual(groups, sorted(groups, key=order.index))
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (2, 0))
        helene = self._contact(self.customer_fr, "Hélène Lefèvre")
        self.assertRecordValues(
            helene,
            [
                {
                    "function": "Comptable",
                    "email": "helene@dupont.example.com",
                    "phone": "+33123456789",
                    "mobile": "+33612345678",
                }
            ],
        )
        jan = self._contact(self.customer_be, "Jan Peeters")
        self.assertEqual((jan.function, jan.phone), ("Purchaser", "+3221234567"))

    def test_google_export_sends_labelled_values_by_their_label(self):
        wizard = self._form_wizard("google_contacts.csv")
        reasons = {line.column_name: line.reason for line in wizard.line_ids}
        self.assertEqual(reasons["Phone 1 - Value"], "pair")
        self.assertEqual(reasons["Organization Name"], "company")
        self.assertEqual(reasons["File As"], "display_name")
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (2, 0))
        marie = self._contact(self.customer_fr, "Marie Curie")
        self.assertRecordValues(
            marie,
            [
                {
                    "function": "Directrice financière",
                    "email": "marie@dupont.example.com",
                    "mobile": "+33698765432",
                    "phone": "+33198765432",
                }
            ],
        )
        anna = self._contact(self.customer_be, "Anna Janssens")
        self.assertEqual((anna.phone, anna.mobile), ("+3227654321", False))

    def test_libreoffice_sheets_join_first_and_last_names_and_repair_numbers(self):
        expected = {
            "lo_fr.xls": [("Hélène Lefèvre", "Comptable", "+33123456789", "+33612345678")],
            "lo_fr_cp1252.csv": [("François Dupré", "Acheteur", False, "+33698765432")],
            "lo_de.ods": [("Jürgen Weiß", "Buchhalter", "+33123456789", "+491701234567")],
            "lo_de.xlsx": [("Jürgen Weiß", "Buchhalter", "+33123456789", "+491701234567")],
            "lo_es.xlsx": [("María José García López", "Contable", False, "+34612345678")],
        }
        for name, contacts in expected.items():
            with self.subTest(name=name):
                wizard = self._form_wizard(name)
                self.assertFalse(
                    wizard.line_ids.filtered(lambda line: line.contact_field == "name"),
                    "the last name column is not the whole name",
                )
                wizard.action_import()
                self.assertEqual(wizard.error_count, 0)
                for contact_name, function, phone, mobile in contacts:
                    contact = self._contact(self.customer_fr, contact_name)
                    self.assertEqual(
                        (contact.function, contact.phone, contact.mobile),
                        (function, phone, mobile),
                    )

    def test_code_page_files_are_read_in_the_languages_code_page(self):
        files = {
            "pl_PL": ("lo_pl_cp1250.csv", "cp1250", "Małgorzata Wiśniewska", "+48512345678"),
            "hr_HR": ("lo_hr_cp1250.csv", "cp1250", "Ivana Kovačević", "+385981234567"),
            "tr_TR": ("lo_tr_cp1254.csv", "cp1254", "Şükrü Öztürk", "+905012345678"),
            "ja_JP": ("lo_ja_shift_jis.csv", "cp932", "山田太郎", "+819012345678"),
            "zh_CN": ("lo_zh_gbk.csv", "gb18030", "王小明", "+8613123456789"),
        }
        for lang, (name, encoding, contact_name, mobile) in files.items():
            with self.subTest(lang=lang):
                self._set_languages(lang)
                wizard = self._form_wizard(name)
                self.assertEqual(
                    (wizard.detected_encoding, wizard.is_encoding_unsure), (encoding, False)
                )
                wizard.action_import()
                self.assertEqual((wizard.created_count, wizard.error_count), (2, 0))
                contact = self._contact(self.customer_fr, contact_name)
                self.assertEqual(contact.mobile, mobile)

    def test_unsure_encoding_is_shown_and_confirmed_never_imported_silently(self):
        # a French user, a Polish file saved in Windows-1250
        wizard = self._form_wizard("lo_pl_cp1250.csv")
        self.assertTrue(wizard.is_encoding_unsure)
        self.assertEqual(wizard.detected_encoding, "cp1250")
        self.assertIn("Małgorzata", wizard.preview_html)
        with self.assertRaisesRegex(UserError, "without certainty"):
            wizard.action_import()
        self.assertFalse(self._contacts(self.customer_fr))
        wizard.action_confirm_encoding()
        self.assertEqual((wizard.encoding, wizard.is_encoding_unsure), ("cp1250", False))
        wizard.action_import()
        self.assertEqual(wizard.created_count, 2)
        self._contact(self.customer_fr, "Małgorzata Wiśniewska")
        # a Croatian file whose Windows-1252 reading looks French ("Kovaèeviæ"):
        # read in Windows-1250, and asked
        wizard = self._form_wizard("lo_hr_cp1250.csv")
        self.assertEqual(
            (wizard.detected_encoding, wizard.is_encoding_unsure), ("cp1250", True)
        )
        self.assertIn("Kovačević", wizard.preview_html)
        # a Turkish file: the guess is wrong and says so; the user picks the encoding
        wizard = self._form_wizard("lo_tr_cp1254.csv")
        self.assertTrue(wizard.is_encoding_unsure)
        form = Form(wizard)
        form.encoding = "cp1254"
        self.assertIn("Şükrü", form.preview_html)
        form.save().action_import()
        self._contact(self.customer_fr, "Ayşe Yıldız")
