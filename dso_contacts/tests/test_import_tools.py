# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io
import zipfile

import openpyxl

from odoo.tests import BaseCase, tagged
from odoo.tools import file_open

from ..tools.encoding import guess_encoding
from ..tools.file_reader import FileReadError, ImportFile, number_to_text
from ..tools.header_guess import (
    guess_columns,
    guess_fields,
    header_signature,
    is_true,
    normalize,
)

SAMPLES = "dso_contacts/tests/samples/"


def read(name, **options):
    with file_open(SAMPLES + name, "rb") as file:
        return ImportFile(file.read(), name, **options)


@tagged("post_install", "-at_install")
class TestImportFileReader(BaseCase):
    def test_reader_detects_encoding_and_delimiter_of_text_files(self):
        cases = {
            "contacts_en_utf8_comma.csv": ("utf-8", ","),
            "contacts_fr_cp1252_semicolon.csv": ("cp1252", ";"),
            "contacts_de_utf8bom_tab.txt": ("utf-8-sig", "\t"),
            "contacts_nl_utf16_semicolon.csv": ("utf-16", ";"),
            "contacts_es_latin1_pipe.csv": ("cp1252", "|"),
        }
        for name, (encoding, delimiter) in cases.items():
            with self.subTest(name=name):
                file = read(name)
                self.assertEqual((file.encoding, file.delimiter), (encoding, delimiter))
                first = next(file.rows())[1]
                self.assertEqual(len(first), len(file.header))
        self.assertEqual(read("contacts_fr_cp1252_semicolon.csv").header[3], "Rôle")
        self.assertEqual(next(read("contacts_de_utf8bom_tab.txt").rows())[1][2], "Groß")
        self.assertEqual(read("contacts_de_utf8bom_tab.txt").header[0], "Kundennummer")

    def test_central_european_names_are_not_read_as_western_letters(self):
        """Windows-1252 reads the "ć" and "č" of Windows-1250 as "æ" and "è",
        letters of French: the guess is Windows-1250, asked to a French user."""
        sample = "Kod;Ime\nC1;Marko Perić\nC2;Ivana Kovačević\n".encode("cp1250")
        self.assertEqual(guess_encoding(sample, ["fr_FR"]), ("cp1250", False))
        self.assertEqual(guess_encoding(sample, ["hr_HR"]), ("cp1250", True))
        self.assertEqual(guess_encoding(sample, ["hr_HR", "fr_FR"]), ("cp1250", True))
        french = "Code;Nom\nC1;Hélène Lefèvre\nC2;François Dupré\n".encode("cp1252")
        self.assertEqual(guess_encoding(french, ["fr_FR"]), ("cp1252", True))
        # a rare French "æ" is asked, not misread silently
        sample = "Code;Nom\nC1;Lætitia Dupré\nC2;François Lefèvre\n".encode("cp1252")
        self.assertEqual(guess_encoding(sample, ["fr_FR"]), ("cp1252", False))

    def test_reader_obeys_forced_encoding_and_delimiter(self):
        file = read("contacts_fr_cp1252_semicolon.csv", encoding="latin-1", delimiter=",")
        self.assertEqual(file.encoding, "latin-1")
        self.assertEqual(len(file.header), 1, "a forced comma does not split a ; file")
        with self.assertRaises(FileReadError) as caught:
            list(read("contacts_fr_cp1252_semicolon.csv", encoding="utf-8").rows())
        self.assertEqual(caught.exception.code, "encoding")

    def test_reader_keeps_leading_zeros_of_excel_numbers(self):
        rows = [cells for _line, cells in read("contacts_it_numeric.xlsx").rows()]
        self.assertEqual(rows[0][0], "0042", "a code shown as 0042 keeps its zeros")
        self.assertEqual(rows[0][4], "33123456789", "no 3.3123456789E+10")
        self.assertEqual(rows[0][5], "0612345678")
        self.assertEqual(rows[1][4], "3312345678", "no trailing .0")
        xls = [cells for _line, cells in read("contacts_pl.xls").rows()]
        self.assertEqual(xls[0][5], "221234567")
        self.assertEqual(number_to_text(12.5), "12.5")
        self.assertEqual(number_to_text(1.0e15), "1000000000000000")
        self.assertEqual(number_to_text(42, "000000"), "000042")

    def test_reader_reads_spreadsheets_and_chosen_sheet(self):
        xlsx = read("contacts_it_numeric.xlsx")
        self.assertEqual(xlsx.sheet_names, ["Contacts", "Notes"])
        self.assertEqual(
            read("contacts_it_numeric.xlsx", sheet="Notes").header, ["Not the data"]
        )
        with self.assertRaises(FileReadError) as caught:
            read("contacts_it_numeric.xlsx", sheet="Missing")
        self.assertEqual(caught.exception.code, "no_sheet")
        ods = read("contacts_ja.ods")
        self.assertEqual(ods.header[0], "顧客コード")
        # the sheet's 1,048,000 repeated empty rows are not rows
        self.assertEqual(
            list(ods.rows()),
            [(2, ["C003", "山田太郎", "経理部長", "yamada@example.jp", "312345678"])],
        )
        self.assertEqual(read("contacts_pl.xls").sheet_names, ["Kontakty"])

    def test_reader_streams_rows(self):
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(["code", "name"])
        for index in range(3000):
            sheet.append([f"C{index}", f"Name {index}"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        rows = read_bytes(buffer.getvalue(), "big.xlsx").rows()
        self.assertEqual(next(rows), (2, ["C0", "Name 0"]))
        self.assertEqual(sum(1 for _row in rows), 2999)

    def test_reader_refuses_bad_files_with_a_code(self):
        cases = {
            "bad_empty.csv": "empty",
            "bad_binary.csv": "binary",
            "bad_xlsx_renamed.csv": "binary",
            "bad_text_renamed.xlsx": "corrupt",
            "bad_truncated.xlsx": "corrupt",
            "bad_bomb.xlsx": "too_big_uncompressed",
        }
        for name, code in cases.items():
            with self.subTest(name=name), self.assertRaises(FileReadError) as caught:
                list(read(name).rows())
            self.assertEqual(caught.exception.code, code)
        with self.assertRaises(FileReadError) as caught:
            read_bytes(b"a,b\n1,2\n", "contacts.pdf")
        self.assertEqual(caught.exception.code, "unsupported")
        self.assertEqual(list(read("bad_headers_only.csv").rows()), [])

    def test_reader_refuses_another_office_document_renamed(self):
        """A Word document is a zip archive too: guess_mimetype tells it from a
        spreadsheet, as a check of the archive's first bytes cannot."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<document/>")
        for name, code in (("letter.xlsx", "corrupt"), ("letter.csv", "binary")):
            with self.subTest(name=name), self.assertRaises(FileReadError) as caught:
                read_bytes(buffer.getvalue(), name)
            self.assertEqual(caught.exception.code, code)


def read_bytes(data, name):
    return ImportFile(data, name)


@tagged("post_install", "-at_install")
class TestImportHeaderGuess(BaseCase):
    def test_headers_are_normalised(self):
        self.assertEqual(normalize("  N° Client "), "nclient")
        self.assertEqual(normalize("E-MAIL"), normalize("e mail"))
        self.assertEqual(normalize("Téléphone"), "telephone")
        self.assertEqual(normalize("Müşteri Numarası"), "musterinumarasi")  # noqa: RUF001
        self.assertEqual(normalize("Šifra kupca"), "sifrakupca")
        self.assertEqual(normalize("电话"), "电话")

    def test_headers_are_recognised_in_our_users_languages(self):
        files = {
            "en": [
                "Customer code",
                "Contact name",
                "Email",
                "Phone",
                "Mobile",
                "Contact for collection",
            ],
            "fr": [
                "Code client",
                "Nom du contact",
                "Courriel",
                "Téléphone",
                "Portable",
                "Contact recouvrement",
            ],
            "de": [
                "Kundennummer",
                "Ansprechpartner",
                "E-Mail",
                "Telefon",
                "Handy",
                "Mahnkontakt",
            ],
            "nl": [
                "Klantnummer",
                "Contactpersoon",
                "E-mail",
                "Telefoon",
                "Mobiel",
                "Aanmaningen",
            ],
            "es": [
                "Código de cliente",
                "Nombre del contacto",
                "Correo electrónico",
                "Teléfono",
                "Móvil",
                "Contacto de cobro",
            ],
            "it": [
                "Codice cliente",
                "Referente",
                "Email",
                "Telefono",
                "Cellulare",
                "Solleciti",
            ],
            "pt": [
                "Código do cliente",
                "Nome do contacto",
                "E-mail",
                "Telefone",
                "Telemóvel",
                "Contacto de cobrança",
            ],
            "pt_BR": [
                "Código do cliente",
                "Nome do contato",
                "E-mail",
                "Telefone",
                "Celular",
                "Contato de cobrança",
            ],
            "pl": [
                "Kod klienta",
                "Osoba kontaktowa",
                "Adres e-mail",
                "Telefon",
                "Komórka",
                "Windykacja",
            ],
            "ro": [
                "Cod client",
                "Persoană de contact",
                "E-mail",
                "Telefon",
                "Telefon mobil",
                "Contact recuperare",
            ],
            "sv": [
                "Kundnummer",
                "Kontaktperson",
                "E-post",
                "Telefon",
                "Mobiltelefon",
                "Inkassokontakt",
            ],
            "tr": [
                "Müşteri kodu",
                "Ilgili kişi",
                "E-posta",
                "Telefon",
                "Cep telefonu",
                "Tahsilat kişisi",
            ],
            "hr": [
                "Šifra kupca",
                "Kontakt osoba",
                "E-pošta",
                "Telefon",
                "Mobitel",
                "Kontakt za naplatu",
            ],
            "zh_CN": ["客户编号", "联系人", "电子邮件", "电话", "手机", "催收联系人"],
            "ja": [
                "顧客コード",
                "担当者名",
                "メールアドレス",
                "電話番号",
                "携帯電話",
                "督促担当",
            ],
        }
        expected = [
            "customer_ref",
            "name",
            "email",
            "phone",
            "mobile",
            "is_collection_contact",
        ]
        for lang, headers in files.items():
            with self.subTest(lang=lang):
                self.assertEqual(guess_fields(headers, "contacts"), expected)

    def test_customer_headers_and_unknown_columns(self):
        self.assertEqual(
            guess_fields(
                ["N° client", "Raison sociale", "Pays", "N° TVA", "Whatever"], "customers"
            ),
            ["ref", "name", "country", "vat", None],
        )
        # a field is proposed once, for its first column
        self.assertEqual(guess_fields(["Email", "E-mail"], "contacts"), ["email", None])
        self.assertEqual(
            guess_fields(["Feld A"], "contacts", {"comment": ["Feld A"]}), ["comment"]
        )

    def test_true_words_and_signature(self):
        for word in ("1", "X", "yes", "Oui", "JA", "si", "true", "TRUE"):
            self.assertTrue(is_true(word), word)
        for word in ("", "0", "no", "non", "false"):
            self.assertFalse(is_true(word), word)
        self.assertEqual(
            header_signature(["Code client", "Nom"], "csv", "contacts"),
            header_signature(["code CLIENT", " nom"], "csv", "contacts"),
        )
        self.assertNotEqual(
            header_signature(["Code client", "Nom"], "csv", "contacts"),
            header_signature(["Code client", "Nom"], "xlsx", "contacts"),
        )


@tagged("post_install", "-at_install")
class TestImportColumnGuess(BaseCase):
    """Whole-file guessing: headers of real exports in our languages, and
    values where the header says nothing."""

    LAYOUTS = [
        # (headers, samples (one value each), expected fields)
        (["Titel", "Voornaam", "Achternaam", "Bedrijf", "Functie"], None,
         [None, "firstname", "lastname", None, "function"]),
        (["Aanhef", "Voornaam", "Naam", "Klantnummer"], None,
         [None, "firstname", "lastname", "customer_ref"]),
        (["Titolo", "Nome", "Cognome", "Società", "Posizione"], None,
         [None, "firstname", "lastname", None, "function"]),
        (["Tratamento", "Nome", "Sobrenome", "Empresa", "Cargo"], None,
         [None, "firstname", "lastname", None, "function"]),
        (["Titlu", "Prenume", "Nume", "Companie", "Funcție"], None,
         [None, "firstname", "lastname", None, "function"]),
        (["Titel", "Förnamn", "Efternamn", "Företag", "Befattning"], None,
         [None, "firstname", "lastname", None, "function"]),
        (["Titula", "Ime", "Prezime", "Tvrtka", "Radno mjesto"], None,
         [None, "firstname", "lastname", None, "function"]),
        (["Unvan", "Ad", "Soyadı", "Şirket", "İş Unvanı"], None,  # noqa: RUF001
         [None, "firstname", "lastname", None, "function"]),
        (["称谓", "名", "姓", "单位", "职务"], None,
         [None, "firstname", "lastname", None, "function"]),
        (["敬称", "名", "姓", "会社名", "役職"], None,
         [None, "firstname", "lastname", None, "function"]),
        # Salesforce: "Title" is the job position beside a salutation column
        (["Salutation", "First Name", "Last Name", "Title", "Account Name"], None,
         [None, "firstname", "lastname", "function", None]),
        # Odoo's own partner export, HubSpot's contacts export
        (["Name", "Related Company", "Related Company/Reference", "Job Position", "Title"],
         [["Ann"], ["Dupont"], ["C1"], ["CFO"], ["Mister"]],
         ["name", None, "customer_ref", "function", None]),
        (["First Name", "Last Name", "Phone Number", "Mobile Phone Number", "Company Name"],
         None, ["firstname", "lastname", "phone", "mobile", None]),
        # a "Title" holding job positions, a "Title" holding salutations
        (["Title", "Name"], [["Chief accountant"], ["Ann"]], ["function", "name"]),
        (["Title", "Name"], [["Mrs."], ["Ann"]], [None, "name"]),
        # unknown headers: emails, phones and flags by their values
        (["Code", "Contact", "Col 3", "Col 4", "Dunning contact", "Private"],
         [["C1"], ["Ann"], ["ann@example.com"], ["+33 6 12 34 56 78"], ["x", ""], ["1"]],
         ["customer_ref", "name", "email", "phone", "is_collection_contact", None]),
        # a display name is never the email
        (["Name", "E-mail Display Name", "Col"], [["Ann"], ["ann@example.com"], ["a@b.co"]],
         ["name", None, "email"]),
    ]  # fmt: skip

    def test_real_headers_in_our_languages(self):
        for headers, samples, expected in self.LAYOUTS:
            with self.subTest(headers=headers):
                if samples:
                    samples = [[value for value in values if value] for values in samples]
                guessed = guess_columns(headers, "contacts", samples=samples)
                self.assertEqual([field for field, _reason in guessed], expected)
