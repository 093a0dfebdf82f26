# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .import_common import DsoImportCommon


@tagged("post_install", "-at_install")
class TestImportContacts(DsoImportCommon):
    def test_import_through_the_form_creates_contacts(self):
        wizard = self._form_wizard("contacts_en_utf8_comma.csv")
        self.assertEqual(wizard.detected_delimiter, ",")
        self.assertEqual(
            wizard.line_ids.sorted("column_index").mapped("contact_field"),
            ["customer_ref", "name", "function", "role", "email", "phone", "mobile",
             "lang", "comment", "is_collection_contact"],
        )  # fmt: skip
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(
            (wizard.created_count, wizard.skipped_count, wizard.error_count), (3, 0, 1)
        )
        marie = self._contacts(self.customer_fr).filtered(lambda c: c.name == "Marie Dupont")
        receivable = self.customer_fr.property_account_receivable_id
        self.assertRecordValues(
            marie,
            [
                {
                    "email": "marie@dupont.example.com",
                    "phone": "+33123456789",
                    "mobile": "+33612345678",
                    "function": "Comptable",
                    "contact_role_id": self.role_accountant.id,
                    "lang": "fr_FR",
                    "is_collection_contact": True,
                    "is_company_role": False,
                    "type": "contact",
                    # Odoo's sync from the customer: address and commercial fields
                    "street": "12 rue de la Paix",
                    "city": "Paris",
                    "country_id": self.env.ref("base.fr").id,
                    "company_id": self.customer_fr.company_id.id,
                    "commercial_partner_id": self.customer_fr.id,
                    "property_account_receivable_id": receivable.id,
                }
            ],
        )
        self.assertEqual(self.customer_fr.collection_contact_id, marie)
        anne = self._contacts(self.customer_be)
        self.assertEqual(anne.phone, "+3221234567", "read in the customer's country (BE)")
        self.assertTrue(anne.is_collection_contact, "'oui' marks the contact for collection")
        rows = self._report_rows(wizard)
        self.assertEqual(rows[0][-1], "Reason")
        self.assertEqual(rows[0][:-1][:2], ["Customer code", "Contact name"])
        self.assertEqual(rows[1][0], "C999")
        self.assertIn("No customer has the code C999", rows[1][-1])
        self.assertEqual(wizard.report_filename, "contacts_en_utf8_comma_rejected.csv")

    def test_changing_delimiter_or_encoding_reads_the_file_again(self):
        wizard = self._form_wizard("contacts_fr_cp1252_semicolon.csv")
        self.assertEqual(
            (wizard.detected_encoding, wizard.detected_delimiter), ("cp1252", ";")
        )
        form = Form(wizard)
        form.delimiter = ","
        self.assertEqual(len(form.line_ids), 1)
        form.delimiter = ";"
        self.assertEqual(len(form.line_ids), 10)
        self.assertIn("Hélène Lefèvre", form.preview_html)
        with self.assertRaisesRegex(UserError, "cannot be read with the utf-8 encoding"):
            form.encoding = "utf-8"

    def test_import_same_file_twice_creates_nothing_the_second_time(self):
        self._wizard("contacts_en_utf8_comma.csv").action_import()
        count = self.partner_model.search_count([])
        again = self._wizard("contacts_en_utf8_comma.csv")
        again.action_import()
        self.assertEqual((again.created_count, again.skipped_count), (0, 3))
        self.assertEqual(self.partner_model.search_count([]), count)

    def test_import_skips_contact_already_present_and_identical_rows(self):
        existing = self.partner_model.create(
            {"name": "Marie  DUPONT", "email": "Marie@Dupont.example.com",
             "parent_id": self.customer_fr.id, "phone": "0000"}
        )  # fmt: skip
        wizard = self._wizard("contacts_duplicates.csv")
        wizard.action_import()
        # Marie exists (same name and email); the two Jean Valjean rows are one contact
        self.assertEqual((wizard.created_count, wizard.skipped_count), (3, 2))
        names = sorted(self._contacts(self.customer_fr).mapped("name"))
        self.assertEqual(names, ["Cosette", "Jean Valjean", "Marie  DUPONT", "Marius"])
        self.assertEqual(existing.phone, "0000", "an existing contact is never updated")

    def test_import_collection_flag_last_row_wins_and_is_reported(self):
        old = self.partner_model.create(
            {
                "name": "Old Contact",
                "parent_id": self.customer_fr.id,
                "is_collection_contact": True,
            }
        )
        wizard = self._wizard("contacts_duplicates.csv")
        wizard.action_import()
        marius = self._contacts(self.customer_fr).filtered(lambda c: c.name == "Marius")
        self.assertEqual(self.customer_fr.collection_contact_id, marius)
        self.assertFalse(old.is_collection_contact)
        self.assertEqual(
            len(self._contacts(self.customer_fr).filtered("is_collection_contact")), 1
        )
        self.assertIn("the last one (line 6) wins", wizard.result_message)

    def test_import_keeps_existing_collection_contact_when_file_names_none(self):
        old = self.partner_model.create(
            {
                "name": "Old Contact",
                "parent_id": self.customer_be.id,
                "is_collection_contact": True,
            }
        )
        data = self._csv([["Customer code", "Name"], ["C002", "New Person"]])
        self._wizard(data=data).action_import()
        self.assertEqual(self.customer_be.collection_contact_id, old)

    def test_import_normalises_phones_and_warns_on_unreadable_ones(self):
        data = self._csv(
            [
                ["Customer code", "Name", "Phone", "Mobile"],
                ["C003", "No Country", "01 23 45 67 89", "0033 6 12 34 56 78"],
                ["C001", "Bad Phone", "call me maybe", ""],
            ]
        )
        wizard = self._wizard(data=data)
        wizard.action_import()
        self.assertEqual(wizard.created_count, 2)
        no_country = self._contacts(self.customer_none)
        self.assertEqual(no_country.phone, "+33123456789", "company's country (FR)")
        self.assertEqual(no_country.mobile, "+33612345678")
        bad = self._contacts(self.customer_fr).filtered(lambda c: c.name == "Bad Phone")
        self.assertEqual(bad.phone, "call me maybe", "kept as written")
        self.assertEqual(wizard.warning_count, 1)
        self.assertIn("Line 3", wizard.result_message)
        self.assertIn("call me maybe", wizard.result_message)

    def test_import_reads_every_format_and_language(self):
        files = {
            "contacts_fr_cp1252_semicolon.csv": (
                self.customer_fr,
                "Hélène Lefèvre",
                "+33123456781",
            ),
            "contacts_de_utf8bom_tab.txt": (self.customer_be, "Jürgen Groß", "+3221234568"),
            "contacts_nl_utf16_semicolon.csv": (
                self.customer_be,
                "Pieter de Vries",
                "+3221234569",
            ),
            "contacts_es_latin1_pipe.csv": (self.customer_fr, "José Núñez", "+33123456782"),
            "contacts_ja.ods": (self.customer_none, "山田太郎", "+33312345678"),
            "contacts_pl.xls": (self.customer_none, "Anna Kowalska", "+33221234567"),
        }
        for name, (customer, contact_name, phone) in files.items():
            with self.subTest(name=name):
                wizard = self._wizard(name)
                wizard.action_import()
                self.assertEqual((wizard.created_count, wizard.error_count), (1, 0))
                contact = self._contacts(customer).filtered(
                    lambda c, n=contact_name: c.name == n
                )
                self.assertEqual(contact.phone, phone)
        helene = self._contacts(self.customer_fr).filtered(
            lambda c: c.name == "Hélène Lefèvre"
        )
        self.assertEqual(
            helene.contact_role_id, self.role_accountant, "'Comptable' is a role word"
        )
        self.assertEqual(helene.lang, "fr_FR", "'Français' is the language's name")
        self.assertTrue(helene.is_collection_contact, "'x' marks the contact for collection")
        self.assertIn("Appeler le matin", helene.comment)

    def test_import_excel_numeric_codes_and_phones_keep_their_zeros(self):
        customer = self.partner_model.create(
            {"name": "Rossi", "is_company": True, "ref": "0042"}
        )
        wizard = self._wizard("contacts_it_numeric.xlsx")
        self.assertEqual(wizard.sheet_names, "Contacts, Notes")
        wizard.action_import()
        giulia = self._contacts(customer)
        self.assertEqual(giulia.name, "Giulia Rossi")
        self.assertEqual(giulia.mobile, "+33612345678", "0612345678 kept its leading zero")
        self.assertEqual(giulia.phone, "+33123456789")
        self.assertEqual(wizard.error_count, 1, "customer 0007 does not exist")

    def test_dry_run_writes_nothing(self):
        count = self.partner_model.search_count([])
        wizard = self._wizard("contacts_en_utf8_comma.csv")
        wizard.action_test()
        self.assertTrue(wizard.is_dry_run)
        self.assertEqual(wizard.state, "mapping")
        self.assertEqual(
            (wizard.created_count, wizard.skipped_count, wizard.error_count), (3, 0, 1)
        )
        self.assertTrue(wizard.report_file)
        self.assertEqual(self.partner_model.search_count([]), count)
        self.assertFalse(self.customer_fr.collection_contact_id)

    def test_mapping_is_remembered_for_the_same_headers(self):
        headers = ["Col A", "Col B", "Col C"]
        data = self._csv([headers, ["C001", "Someone", "some@dupont.example.com"]])
        wizard = self._form_wizard("erp_export.csv", data=data)
        # unknown headers: only the emails are recognised, by their values
        self.assertEqual(
            [(line.column_name, line.contact_field, line.reason) for line in wizard.line_ids],
            [("Col C", "email", "values"), ("Col A", False, False), ("Col B", False, False)],
        )
        form = Form(wizard)
        targets = {"Col A": "customer_ref", "Col B": "name", "Col C": "email"}
        for index in range(3):
            with form.line_ids.edit(index) as line:
                line.contact_field = targets[line.column_name]
        wizard = form.save()
        wizard.action_import()
        self.assertEqual(wizard.created_count, 1)
        saved = (
            self.env["dso.import.mapping"]
            .with_user(self.billing_user)
            .search([("company_id", "!=", False)])
        )
        self.assertEqual(len(saved), 1)
        self.assertEqual(saved.column_map, {"0": "customer_ref", "1": "name", "2": "email"})
        # the next file with the same headers is mapped at once
        wizard.action_new_file()
        self.assertEqual((wizard.state, wizard.line_ids.ids), ("upload", []))
        data = self._csv([["col a", "COL B", "Col C"], ["C002", "Other", ""]])
        second = self._wizard(data=data, import_type="contacts")
        self.assertEqual(second.mapping_id, saved)
        self.assertEqual(
            second.line_ids.mapped("contact_field"), ["customer_ref", "name", "email"]
        )
        second.action_import()
        self.assertEqual(second.created_count, 1)
        # not for a customers file, nor in another company
        self.assertFalse(self._wizard(data=data, import_type="customers").mapping_id)
        # another company does not see it, nor gets it applied
        other = self.env["res.company"].create({"name": "Other Co"})
        self.billing_user.company_ids |= other
        in_other = self.env(
            user=self.billing_user, context={"allowed_company_ids": [other.id]}
        )
        self.assertFalse(
            in_other["dso.import.mapping"].search([("import_type", "=", "contacts")])
        )
        other_wizard = in_other["dso.contact.import"].create(
            {"import_file": base64.b64encode(data), "import_filename": "erp_export.csv"}
        )
        self.assertFalse(other_wizard.mapping_id)
        self.assertEqual(
            set(other_wizard.line_ids.mapped("contact_field")) - {"email"}, {False}
        )
        # users see and delete their saved mappings
        saved.with_user(self.billing_user).unlink()
        self.assertFalse(self._wizard(data=data).mapping_id)

    def test_two_columns_mapped_to_one_field_is_refused(self):
        wizard = self._wizard("contacts_en_utf8_comma.csv")
        wizard.line_ids.filtered(
            lambda line: line.column_name == "Mobile"
        ).contact_field = "phone"
        with self.assertRaisesRegex(UserError, "Several columns are mapped to the same field"):
            wizard.action_test()
        wizard.line_ids.filtered(
            lambda line: line.contact_field == "customer_ref"
        ).contact_field = False
        wizard.line_ids.filtered(
            lambda line: line.column_name == "Mobile"
        ).contact_field = False
        with self.assertRaisesRegex(
            UserError, "Map a column to each of these fields: Customer code"
        ):
            wizard.action_import()

    def test_bad_rows_are_rejected_with_a_reason(self):
        wizard = self._wizard("bad_rows.csv")
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (3, 4))
        names = self._contacts(self.customer_fr).mapped("name")
        self.assertIn("Good Row", names)
        self.assertIn("Too Few", names, "missing trailing cells are empty values")
        self.assertIn("Bad Phone", names)
        rows = self._report_rows(wizard)
        reasons = {row[1][:20]: row[-1] for row in rows[1:]}
        self.assertIn("6 values but the header has 4 columns", reasons["Too Many"])
        self.assertIn("too long (10000 characters", reasons["x" * 20])
        self.assertIn("customer code is missing", reasons["No Customer"])
        # formulas are neutralised in the report
        formula = next(row for row in rows if "HYPERLINK" in row[1])
        self.assertEqual(formula[1], '\'=HYPERLINK("http://evil.example.com")')
        self.assertEqual(formula[2], "'@bad")
        self.assertEqual(formula[3], "'+33 1 23")
        self.assertIn("not a valid email", formula[-1])

    def test_all_or_nothing_when_skip_invalid_is_off(self):
        count = self.partner_model.search_count([])
        wizard = self._wizard("bad_rows.csv", skip_invalid=False)
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (0, 4))
        self.assertIn("Nothing was imported", wizard.result_message)
        self.assertTrue(wizard.report_file)
        self.assertEqual(self.partner_model.search_count([]), count)
        valid = self._wizard("contacts_duplicates.csv", skip_invalid=False)
        valid.action_import()
        self.assertEqual((valid.created_count, valid.skipped_count), (4, 1))

    def test_bad_files_get_a_clear_message(self):
        cases = {
            "bad_empty.csv": "The file is empty",
            "bad_binary.csv": "not a text file",
            "bad_xlsx_renamed.csv": "not a text file",
            "bad_text_renamed.xlsx": "not a valid .xlsx file",
            "bad_truncated.xlsx": "not a valid .xlsx file",
            "bad_bomb.xlsx": "expands to",
        }
        for name, message in cases.items():
            with self.subTest(name=name), self.assertRaisesRegex(UserError, message):
                self._wizard(name)
        with self.assertRaisesRegex(UserError, "cannot be read with the utf-8 encoding"):
            self._wizard("contacts_fr_cp1252_semicolon.csv", encoding="utf-8")
        headers_only = self._wizard("bad_headers_only.csv")
        headers_only.action_import()
        self.assertEqual((headers_only.created_count, headers_only.error_count), (0, 0))

    def test_file_unreadable_halfway_writes_nothing(self):
        # more than the megabyte read to guess the encoding
        rows = [["Customer code", "Name"]] + [
            ["C001", f"Person {i} {'x' * 200}"] for i in range(6000)
        ]
        data = self._csv(rows) + "C001,Ren\xe9\n".encode("cp1252")
        count = self.partner_model.search_count([])
        wizard = self._wizard(data=data)
        self.assertEqual(wizard.detected_encoding, "utf-8", "the start of the file is UTF-8")
        with self.assertRaisesRegex(UserError, "cannot be read with the utf-8 encoding"):
            wizard.action_import()
        self.assertEqual(self.partner_model.search_count([]), count)

    def test_file_over_the_size_limit_is_refused(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "dso_contacts.import_max_size_mb", "0.0001"
        )
        with self.assertRaisesRegex(UserError, "too big"):
            self._wizard("contacts_en_utf8_comma.csv")

    def test_contacts_import_never_creates_company_role_contacts(self):
        data = self._csv([["Customer code", "Name", "Company role"], ["C001", "Sneaky", "1"]])
        wizard = self._wizard(data=data)
        self.assertEqual(
            wizard.line_ids.mapped("contact_field"), ["customer_ref", "name", False]
        )
        wizard.action_import()
        self.assertFalse(self._contacts(self.customer_fr).filtered("is_company_role"))

    def test_only_accounting_users_can_import(self):
        with self.assertRaises(AccessError):
            self._wizard("contacts_en_utf8_comma.csv", user=self.internal_user)
        self.assertFalse(
            self.env.ref("dso_contacts.menu_dso_contact_import")
            .with_user(self.internal_user)
            ._filter_visible_menus()
        )
        self.assertTrue(
            self.env.ref("dso_contacts.menu_dso_contact_import")
            .with_user(self.billing_user)
            ._filter_visible_menus()
        )

    def test_customers_of_another_company_are_not_found(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.partner_model.create(
            {"name": "Elsewhere", "is_company": True, "ref": "C777", "company_id": other.id}
        )
        shared = self.partner_model.create(
            {"name": "Shared", "is_company": True, "ref": "C778"}
        )
        data = self._csv([["Customer code", "Name"], ["C777", "A"], ["C778", "B"]])
        wizard = self._wizard(data=data)
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (1, 1))
        self.assertEqual(self._contacts(shared).name, "B")

    def test_large_import_runs_in_background_and_resumes(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "dso_contacts.import_background_rows", "2"
        )
        wizard = self._wizard("contacts_en_utf8_comma.csv")
        wizard.action_import()
        self.assertEqual(wizard.state, "queued")
        job = wizard.job_id
        self.assertEqual(job.state, "queued")
        self.assertFalse(self._contacts(self.customer_fr), "nothing written yet")
        job_model = self.env["dso.contact.import.job"]
        cron = self.env.ref("dso_contacts.ir_cron_dso_contact_import")
        cron.method_direct_trigger()
        self.assertEqual(job.state, "done")
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)])
        self.assertEqual((progress.done, progress.remaining), (4, 0))
        self.assertEqual((job.row_count, job.done_count), (4, 4))
        self.assertEqual((job.created_count, job.error_count), (3, 1))
        self.assertTrue(job.report_file)
        self.assertIn("is done", job.message_ids[0].body)
        self.assertIn(self.billing_user.partner_id, job.message_ids[0].partner_ids)
        # replaying the job from the start (an interrupted run) creates nothing twice
        job.sudo().write({"state": "running", "done_count": 0, "created_count": 0})
        job_model._cron_process_jobs()
        self.assertEqual((job.created_count, job.skipped_count), (0, 3))
        self.assertEqual(len(self._contacts(self.customer_fr)), 2)

    def test_background_import_without_skip_writes_nothing_when_a_row_is_invalid(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "dso_contacts.import_background_rows", "2"
        )
        count = self.partner_model.search_count([])
        wizard = self._wizard("bad_rows.csv", skip_invalid=False)
        wizard.action_import()
        job = wizard.job_id
        self.env["dso.contact.import.job"]._cron_process_jobs()
        self.assertEqual(job.state, "failed")
        self.assertEqual((job.created_count, job.error_count), (0, 4))
        self.assertIn("Nothing was imported", job.result_message)
        self.assertTrue(job.report_file)
        self.assertEqual(self.partner_model.search_count([]), count)
        # all rows valid: validated first, then imported
        valid = self._wizard("contacts_duplicates.csv", skip_invalid=False)
        valid.action_import()
        self.env["dso.contact.import.job"]._cron_process_jobs()
        self.assertEqual(valid.job_id.state, "done")
        self.assertEqual((valid.job_id.created_count, valid.job_id.skipped_count), (4, 1))
