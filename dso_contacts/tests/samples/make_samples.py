"""Write the import fixture files of this folder (run once; they are committed).

    python3 make_samples.py

Needs openpyxl and, for the .xls file only, xlwt (pip install xlwt).
"""

import csv
import io
import os
import sys
import zipfile

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))

# customers of the tests: C001 (France), C002 (Belgium), C003 (no country)
CONTACT_ROWS = [
    [
        "C001",
        "Marie Dupont",
        "Comptable",
        "accountant",
        "marie@dupont.example.com",
        "01 23 45 67 89",
        "06 12 34 56 78",
        "fr_FR",
        "",
        "1",
    ],
    [
        "C001",
        "Paul Martin",
        "Acheteur",
        "purchaser",
        "paul@dupont.example.com",
        "+33 1 23 45 67 80",
        "",
        "",
        "",
        "",
    ],
    ["C002", "Anne Peeters", "Directeur", "manager", "", "02 123 45 67", "", "", "", "oui"],
    ["C999", "Nobody Known", "", "", "", "", "", "", "", ""],
]


def path(name):
    return os.path.join(HERE, name)


def write_text(name, header, rows, encoding, delimiter):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    with open(path(name), "wb") as file:
        file.write(buffer.getvalue().encode(encoding))


def write_xlsx(name, header, rows, numeric=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Contacts"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for column, number_format in (numeric or {}).items():
        for cell in sheet[column][1:]:
            cell.number_format = number_format
    other = workbook.create_sheet("Notes")
    other.append(["Not the data"])
    workbook.save(path(name))


def write_ods(name, header, rows):
    def cell(value):
        if isinstance(value, (int, float)):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
            "</table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>"
        for row in [header, *rows]
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        "<office:document-content"
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>"
        f'<table:table table:name="連絡先">{body}'
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path(name), "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)


def main():
    write_text(
        "contacts_en_utf8_comma.csv",
        [
            "Customer code",
            "Contact name",
            "Job title",
            "Role",
            "Email",
            "Phone",
            "Mobile",
            "Language",
            "Notes",
            "Contact for collection",
        ],
        CONTACT_ROWS,
        "utf-8",
        ",",
    )
    write_text(
        "contacts_fr_cp1252_semicolon.csv",
        [
            "Code client",
            "Nom du contact",
            "Fonction",
            "Rôle",
            "Courriel",
            "Téléphone",
            "Portable",
            "Langue",
            "Remarque",
            "Contact recouvrement",
        ],
        [
            [
                "C001",
                "Hélène Lefèvre",
                "Trésorière",
                "Comptable",
                "helene@dupont.example.com",
                "01.23.45.67.81",
                "",
                "Français",
                "Appeler le matin",
                "x",
            ]
        ],
        "cp1252",
        ";",
    )
    write_text(
        "contacts_de_utf8bom_tab.txt",
        [
            "Kundennummer",
            "Vorname",
            "Nachname",
            "Funktion",
            "E-Mail",
            "Telefon",
            "Handy",
            "Mahnkontakt",
        ],
        [
            [
                "C002",
                "Jürgen",
                "Groß",
                "Buchhalter",
                "juergen@peeters.example.com",
                "02 123 45 68",
                "0470 12 34 56",
                "ja",
            ]
        ],
        "utf-8-sig",
        "\t",
    )
    write_text(
        "contacts_nl_utf16_semicolon.csv",
        ["Klantnummer", "Naam", "Functie", "E-mail", "Telefoon", "Mobiel"],
        [
            [
                "C002",
                "Pieter de Vries",
                "Inkoper",
                "pieter@peeters.example.com",
                "02 123 45 69",
                "0470 65 43 21",
            ]
        ],
        "utf-16",
        ";",
    )
    write_text(
        "contacts_es_latin1_pipe.csv",
        ["Código cliente", "Nombre del contacto", "Cargo", "Correo electrónico", "Teléfono"],
        [["C001", "José Núñez", "Contable", "jose@dupont.example.com", "01 23 45 67 82"]],
        "latin-1",
        "|",
    )
    write_xlsx(
        "contacts_it_numeric.xlsx",
        ["Codice cliente", "Nome", "Funzione", "Email", "Telefono", "Cellulare"],
        [
            [
                42,
                "Giulia Rossi",
                "Contabile",
                "giulia@rossi.example.com",
                33123456789,
                612345678,
            ],
            [7, "Marco Bianchi", "Acquisti", "marco@rossi.example.com", 3312345678.0, None],
        ],
        numeric={"A": "0000", "F": "0000000000"},
    )
    write_ods(
        "contacts_ja.ods",
        ["顧客コード", "担当者名", "役職", "メールアドレス", "電話番号"],
        [["C003", "山田太郎", "経理部長", "yamada@example.jp", 312345678]],
    )
    try:
        import xlwt

        book = xlwt.Workbook()
        sheet = book.add_sheet("Kontakty")
        header = ["Kod klienta", "Imię", "Nazwisko", "Stanowisko", "Adres e-mail", "Telefon"]
        rows = [["C003", "Anna", "Kowalska", "Księgowa", "anna@example.pl", 221234567.0]]
        zeros = xlwt.easyxf(num_format_str="000000000")
        for col, value in enumerate(header):
            sheet.write(0, col, value)
        for row_index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                style = zeros if col == 5 else xlwt.Style.default_style
                sheet.write(row_index, col, value, style)
        book.save(path("contacts_pl.xls"))
    except ImportError:
        sys.stderr.write("xlwt missing: contacts_pl.xls not written\n")

    write_text(
        "customers_en.csv",
        [
            "Customer code",
            "Customer name",
            "Street",
            "ZIP",
            "City",
            "Country",
            "VAT",
            "Phone",
            "Email",
            "Contact name",
        ],
        [
            [
                "C001",
                "Dupont Industries",
                "12 rue de la Paix",
                "75002",
                "Paris",
                "FR",
                "FR12345678901",
                "01 23 45 67 00",
                "ap@dupont.example.com",
                "Accounts payable",
            ],
            [
                "C100",
                "Nouveau Client",
                "1 place du Marché",
                "69001",
                "Lyon",
                "France",
                "",
                "04 12 34 56 78",
                "compta@nouveau.example.com",
                "",
            ],
            ["C101", "", "", "", "", "", "", "", "", ""],
            ["C102", "Bad Mail SARL", "", "", "", "FR", "", "", "not-an-email", ""],
        ],
        "utf-8",
        ",",
    )
    write_xlsx(
        "customers_fr.xlsx",
        [
            "N° client",
            "Raison sociale",
            "Adresse",
            "Code postal",
            "Ville",
            "Pays",
            "N° TVA",
            "Téléphone",
            "E-mail",
            "Interlocuteur",
        ],
        [
            [
                "C001",
                "Dupont Industries SA",
                "14 rue de la Paix",
                "75002",
                "Paris",
                "FR",
                "FR12345678901",
                "01 23 45 67 01",
                "ar@dupont.example.com",
                "Service clients",
            ]
        ],
    )

    # bad input
    with open(path("bad_empty.csv"), "wb"):
        pass
    write_text(
        "bad_headers_only.csv", ["Customer code", "Contact name", "Email"], [], "utf-8", ","
    )
    with open(path("contacts_it_numeric.xlsx"), "rb") as file:
        xlsx = file.read()
    with open(path("bad_xlsx_renamed.csv"), "wb") as file:
        file.write(xlsx)
    with open(path("bad_truncated.xlsx"), "wb") as file:
        file.write(xlsx[: len(xlsx) // 2])
    with open(path("bad_text_renamed.xlsx"), "wb") as file:
        file.write(b"Customer code,Contact name\nC001,Someone\n")
    with open(path("bad_binary.csv"), "wb") as file:
        file.write(bytes(range(256)) * 40)
    with zipfile.ZipFile(path("bad_bomb.xlsx"), "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"0" * (1024 * 1024)
            for _i in range(1100):
                member.write(block)
    long_cell = "x" * 10000
    write_text(
        "bad_rows.csv",
        ["Customer code", "Contact name", "Email", "Phone"],
        [
            ["C001", "Good Row", "good@dupont.example.com", "01 23 45 67 83"],
            ["C001", "Too Many", "many@dupont.example.com", "", "extra", "cells"],
            ["C001", "Too Few"],
            ["C001", long_cell, "", ""],
            ["C001", '=HYPERLINK("http://evil.example.com")', "@bad", "+33 1 23"],
            ["", "No Customer", "", ""],
            ["C001", "Bad Phone", "", "call me maybe"],
        ],
        "utf-8",
        ",",
    )
    write_text(
        "contacts_duplicates.csv",
        ["Customer code", "Contact name", "Email", "Collection"],
        [
            ["C001", "Marie Dupont", "marie@dupont.example.com", ""],
            ["C001", "Jean Valjean", "", "1"],
            ["C001", "jean  valjean", "", ""],
            ["C001", "Cosette", "cosette@dupont.example.com", "yes"],
            ["C001", "Marius", "", "TRUE"],
        ],
        "utf-8",
        ",",
    )


if __name__ == "__main__":
    main()
