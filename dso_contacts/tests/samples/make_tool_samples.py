# ruff: noqa: RUF001, E501 - Turkish words; the typed sheets read best one row a line
"""How the real tools' samples of this folder were made (run by hand; the
files are committed, the tools are not needed by the tests).

- ``outlook_contacts_en.csv``: the column list of Outlook's "Comma Separated
  Values" contacts export (Outlook for Microsoft 365, English), in
  Windows-1252 with every value quoted, as Outlook writes it, and a customer
  code column added by the user at the end.
- ``google_contacts.csv``: the column list of Google Contacts' "Google CSV"
  export (UTF-8), a customer code column added at the end.
- ``lo_*``: sheets typed in LibreOffice Calc and saved by it (Debian's
  libreoffice-calc-nogui, headless): it reads the typed text as a user's
  spreadsheet does (``+33612345678`` becomes the number 33612345678,
  ``0123456789`` the number 123456789) and writes .xls, .xlsx, .ods and CSV
  in the Windows and East Asian code pages:

      soffice --headless --infilter="CSV:59,34,76,1" \\
          --convert-to 'csv:Text - txt - csv (StarCalc):59,34,<charset>' FILE

  with <charset> 1 (Windows-1252), 33 (Windows-1250), 36 (Windows-1254),
  64 (Shift_JIS), 65 (GBK).
"""

import csv
import io
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).parent

OUTLOOK_COLUMNS = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company",
    "Department", "Job Title", "Business Street", "Business Street 2",
    "Business Street 3", "Business City", "Business State", "Business Postal Code",
    "Business Country/Region", "Home Street", "Home Street 2", "Home Street 3",
    "Home City", "Home State", "Home Postal Code", "Home Country/Region",
    "Other Street", "Other Street 2", "Other Street 3", "Other City", "Other State",
    "Other Postal Code", "Other Country/Region", "Assistant's Phone", "Business Fax",
    "Business Phone", "Business Phone 2", "Callback", "Car Phone",
    "Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN",
    "Mobile Phone", "Other Fax", "Other Phone", "Pager", "Primary Phone",
    "Radio Phone", "TTY/TDD Phone", "Telex", "Account", "Anniversary",
    "Assistant's Name", "Billing Information", "Birthday", "Business Address PO Box",
    "Categories", "Children", "Directory Server", "E-mail Address", "E-mail Type",
    "E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type",
    "E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type",
    "E-mail 3 Display Name", "Gender", "Government ID Number", "Hobby",
    "Home Address PO Box", "Initials", "Internet Free Busy", "Keywords", "Language",
    "Location", "Manager's Name", "Mileage", "Notes", "Office Location",
    "Organizational ID Number", "Other Address PO Box", "Priority", "Private",
    "Profession", "Referred By", "Sensitivity", "Spouse", "User 1", "User 2",
    "User 3", "User 4", "Web Page",
]  # fmt: skip
GOOGLE_COLUMNS = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name",
    "Phonetic Middle Name", "Phonetic Last Name", "Name Prefix", "Name Suffix",
    "Nickname", "File As", "Organization Name", "Organization Title",
    "Organization Department", "Birthday", "Notes", "Photo", "Labels",
    "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value",
    "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value",
    "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street",
    "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region",
    "Address 1 - Postal Code", "Address 1 - Country", "Address 1 - Extended Address",
    "Website 1 - Label", "Website 1 - Value",
]  # fmt: skip


def _row(columns, **values):
    return [values.get(column, "") for column in columns]


def outlook():
    columns = [*OUTLOOK_COLUMNS, "Customer code"]
    rows = [
        _row(columns, **{
            "Title": "Mrs.", "First Name": "Hélène", "Last Name": "Lefèvre",
            "Company": "Dupont Industries", "Job Title": "Comptable",
            "Business Phone": "+33 1 23 45 67 89", "Mobile Phone": "+33 6 12 34 56 78",
            "E-mail Address": "helene@dupont.example.com", "E-mail Type": "SMTP",
            "E-mail Display Name": "Hélène Lefèvre (helene@dupont.example.com)",
            "Priority": "Normal", "Private": "False", "Sensitivity": "Normal",
            "Customer code": "C001",
        }),
        _row(columns, **{
            "Title": "Mr.", "First Name": "Jan", "Last Name": "Peeters",
            "Company": "Peeters NV", "Job Title": "Purchaser",
            "Business Phone": "02 123 45 67",
            "E-mail Address": "jan@peeters.example.be", "E-mail Type": "SMTP",
            "E-mail Display Name": "Jan Peeters (jan@peeters.example.be)",
            "Priority": "Normal", "Private": "False", "Sensitivity": "Normal",
            "Customer code": "C002",
        }),
    ]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerows([columns, *rows])
    (HERE / "outlook_contacts_en.csv").write_bytes(buffer.getvalue().encode("cp1252"))


def google():
    columns = [*GOOGLE_COLUMNS, "Customer code"]
    rows = [
        _row(columns, **{
            "First Name": "Marie", "Last Name": "Curie", "Name Prefix": "Mme",
            "File As": "Curie, Marie", "Organization Name": "Dupont Industries",
            "Organization Title": "Directrice financière", "Labels": "* myContacts",
            "E-mail 1 - Label": "* Work", "E-mail 1 - Value": "marie@dupont.example.com",
            "Phone 1 - Label": "Mobile", "Phone 1 - Value": "+33 6 98 76 54 32",
            "Phone 2 - Label": "Work", "Phone 2 - Value": "+33 1 98 76 54 32",
            "Customer code": "C001",
        }),
        _row(columns, **{
            "First Name": "Anna", "Last Name": "Janssens",
            "Organization Name": "Peeters NV", "Organization Title": "Boekhouder",
            "Labels": "* myContacts", "E-mail 1 - Label": "Work",
            "E-mail 1 - Value": "anna@peeters.example.be",
            "Phone 1 - Label": "Work", "Phone 1 - Value": "+32 2 765 43 21",
            "Customer code": "C002",
        }),
    ]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([columns, *rows])
    (HERE / "google_contacts.csv").write_bytes(buffer.getvalue().encode("utf-8"))


# the rows of the reminder plan sheets (the plans are made by
# test_import_plan_column.py)
PLAN_ROWS = (
    "C001;Dupont Industries;KEY ACCOUNTS  \n"
    "C100;Nouveau Client;clients privilégiés\n"
    "C101;Sans Accents;Clients privilegies\n"
    "C102;Gold Digger;Gold\n"
    "C103;Other Company;Export Übersee\n"
    "C104;No Plan Yet;\n"
    "C002;Peeters NV;\n"
)

# sheets typed in LibreOffice: (file name, charset or output type, text)
TYPED = [
    ("lo_fr", ("xls", "1"), "Code client;Civilité;Prénom;Nom;Fonction;E-mail;Téléphone;Portable\n"
     "C001;Mme;Hélène;Lefèvre;Comptable;helene@dupont.example.com;0123456789;+33612345678\n"
     "C001;M.;François;Dupré;Acheteur;francois@dupont.example.com;;0698765432\n"),
    ("lo_de", ("ods", "xlsx"), "Kundennummer;Anrede;Vorname;Name;Position;E-Mail;Telefon;Mobil\n"
     "C001;Frau;Jürgen;Weiß;Buchhalter;juergen@dupont.example.com;+33123456789;+491701234567\n"),
    ("lo_es", ("xlsx",), "Código cliente;Tratamiento;Nombre;Apellidos;Puesto;Correo electrónico;Móvil\n"
     "C001;Sra.;María José;García López;Contable;mariajose@dupont.example.com;+34612345678\n"),
    ("lo_pl", ("33",), "Kod klienta;Tytuł;Imię;Nazwisko;Stanowisko;E-mail;Telefon komórkowy\n"
     "C001;Pani;Małgorzata;Wiśniewska;Księgowa;malgorzata@dupont.example.com;+48512345678\n"
     "C001;Pan;Łukasz;Żółkiewski;Kierownik;lukasz@dupont.example.com;+48601234567\n"),
    ("lo_hr", ("33",), "Šifra kupca;Ime;Prezime;Radno mjesto;E-pošta;Mobitel\n"
     "C001;Marko;Perić;Direktor;marko@dupont.example.com;+385912345678\n"
     "C001;Ivana;Kovačević;Voditeljica nabave;ivana@dupont.example.com;+385981234567\n"),
    ("lo_tr", ("36",), "Müşteri kodu;Ad;Soyadı;İş Unvanı;E-posta;Cep telefonu\n"
     "C001;Şükrü;Öztürk;Muhasebeci;sukru@dupont.example.com;+905012345678\n"
     "C001;Ayşe;Yıldız;Müdür;ayse@dupont.example.com;+905321234567\n"),
    ("lo_ja", ("64",), "顧客コード,姓,名,役職,メールアドレス,携帯電話\n"
     "C001,山田,太郎,経理部長,yamada@dupont.example.com,+819012345678\n"
     "C001,鈴木,花子,購買担当,suzuki@dupont.example.com,09012345679\n"),
    ("lo_zh", ("65",), "客户编号,姓,名,职务,电子邮件,手机\n"
     "C001,王,小明,会计,wang@dupont.example.com,+8613123456789\n"
     "C001,李,华,采购,li@dupont.example.com,13912345678\n"),
    # the contact for collection flag as users head it, with their yes and no
    ("lo_flags_de", ("xlsx",), "Kundennummer;Name;Ansprechpartner Mahnwesen\n"
     "C001;Anna Schmidt;ja\nC002;Bernd Weber;nein\nC003;Carla Braun;x\n"),
    ("lo_flags_ja", ("ods",), "顧客コード;氏名;督促担当者\n"
     "C001;山田花子;はい\nC002;佐藤次郎;いいえ\nC003;鈴木一郎;○\n"),
    ("lo_flags_pl", ("33",), "Kod klienta;Imię i nazwisko;Osoba do windykacji\n"
     "C001;Anna Nowak;tak\nC002;Jan Kowalski;nie\nC003;Ewa Wójcik;1\n"),
    # the customers import's reminder plan column, headed as users head it
    # (French and German credit software and SAP's customer master name it
    # "scénario de relance", "Mahnverfahren", "procedimiento de reclamación"),
    # plan names in another case, without accents, with trailing spaces, a
    # plan unknown, a plan of another company, empty cells
    ("lo_plans_en", ("xlsx",), "Customer No.;Company Name;Dunning plan\n" + PLAN_ROWS),
    ("lo_plans_fr", ("xls", "1"), "N° client;Raison sociale;Scénario de relance\n" + PLAN_ROWS),
    ("lo_plans_de", ("ods",), "Kundennr.;Firma;Mahnverfahren\n" + PLAN_ROWS),
    ("lo_plans_es", ("xlsx",), "Nº cliente;Razón social;Procedimiento de reclamación\n"
     + PLAN_ROWS),
]  # fmt: skip


def libreoffice(names=()):
    with tempfile.TemporaryDirectory() as tmp:
        for name, outputs, text in TYPED:
            if names and name not in names:
                continue
            delimiter = "44" if "," in text.split("\n", 1)[0] else "59"
            source = pathlib.Path(tmp, f"{name}.csv")
            source.write_text(text, encoding="utf-8")
            for output in outputs:
                if output.isdigit():
                    target = f"csv:Text - txt - csv (StarCalc):{delimiter},34,{output}"
                    suffix = {"1": "cp1252", "33": "cp1250", "36": "cp1254",
                              "64": "shift_jis", "65": "gbk"}[output]  # fmt: skip
                    outdir = pathlib.Path(tmp, suffix)
                else:
                    target, suffix, outdir = output, None, HERE
                subprocess.run(
                    ["soffice", "--headless", f"--infilter=CSV:{delimiter},34,76,1",
                     "--convert-to", target, "--outdir", str(outdir), str(source)],
                    check=True, capture_output=True,
                )  # fmt: skip
                if suffix:
                    pathlib.Path(outdir, f"{name}.csv").rename(HERE / f"{name}_{suffix}.csv")


if __name__ == "__main__":
    outlook()
    google()
    if "--no-libreoffice" not in sys.argv:
        # python3 make_tool_samples.py [sheet names...]: only those sheets
        libreoffice([arg for arg in sys.argv[1:] if not arg.startswith("-")])
