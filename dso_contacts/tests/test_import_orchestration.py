# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import time
from contextlib import contextmanager
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from ..models import dso_contact_import_engine
from .import_common import DsoImportCommon

HEADER = ["Customer code", "Contact name", "Job position", "Email"]
ROWS = [
    ["C001", "Ann Dupont", "Buyer", "ann@dupont.example.com"],
    ["C001", "Paul Dupont", "Accountant", ""],
    ["C002", "Refused Peeters", "Clerk", ""],
    ["C002", "Eva Peeters", "Manager", ""],
    ["C003", "Taro Yamada", "CFO", ""],
]


# the header of the contact for collection flag as our users write it, and
# their yes and no, in each of the addon's 14 languages
FLAG_HEADERS = {
    "fr": (["Contact recouvrement", "Contact pour le recouvrement"], "oui", "non"),
    "de": (["Ansprechpartner Mahnwesen", "Mahnkontakt"], "ja", "nein"),
    "nl": (["Contactpersoon aanmaningen", "Incassocontact"], "ja", "nee"),
    "es": (["Contacto de cobro", "Persona de contacto para cobros"], "sí", "no"),
    "it": (["Referente solleciti", "Contatto solleciti"], "sì", "no"),
    "pt_BR": (["Contato de cobrança", "Responsável pela cobrança"], "sim", "não"),
    "pt": (["Contacto de cobrança", "Contacto para cobranças"], "sim", "não"),
    "pl": (["Kontakt windykacyjny", "Osoba do windykacji"], "tak", "nie"),
    "ro": (["Contact recuperare", "Persoană de contact pentru recuperare"], "da", "nu"),
    "sv": (["Inkassokontakt", "Kontaktperson för påminnelser"], "ja", "nej"),
    "tr": (["Tahsilat kişisi", "Tahsilat sorumlusu"], "evet", "hayır"),  # noqa: RUF001
    "hr": (["Kontakt za naplatu", "Kontakt za opomene"], "da", "ne"),
    "zh_CN": (["催收联系人", "催款负责人"], "是", "否"),
    "ja": (["督促担当", "回収担当者"], "はい", "いいえ"),
}


@tagged("post_install", "-at_install")
class TestImportOrchestration(DsoImportCommon):
    """One orchestration behind the wizard, the background job and its
    "Import again": Test runs the real writes rolled back, a refusal of the
    database reads as a sentence, a stop midway says what was committed."""

    @contextmanager
    def _refusing(self, word="Refused"):
        """A rule of another module, in the database: no contact named with
        ``word`` (a CHECK constraint, dropped at the end)."""
        self.env.cr.execute(
            SQL(
                "ALTER TABLE res_partner ADD CONSTRAINT dso_test_no_refused "
                "CHECK (name NOT LIKE %s)",
                f"%{word}%",
            )
        )
        try:
            with mute_logger("odoo.sql_db"):
                yield
        finally:
            self.env.cr.execute(
                "ALTER TABLE res_partner DROP CONSTRAINT IF EXISTS dso_test_no_refused"
            )

    def _customers(self):
        return self.customer_fr | self.customer_be | self.customer_none

    def _all_contacts(self):
        return self._contacts(self._customers())

    def _report_reasons(self, record):
        return [row[-1] for row in self._report_rows(record)[1:]]

    def test_test_reports_a_database_refusal_exactly_as_the_import(self):
        data = self._csv([HEADER, *ROWS])
        with self._refusing():
            wizard = self._form_wizard("contacts.csv", data=data)
            wizard.action_test()
            self.assertTrue(wizard.is_dry_run)
            tested = (wizard.created_count, wizard.skipped_count, wizard.error_count)
            tested_reasons = self._report_reasons(wizard)
            self.assertEqual(tested, (4, 0, 1), "the refused row is not 'would be created'")
            self.assertFalse(self._all_contacts(), "the test wrote nothing")
            self.assertEqual(len(tested_reasons), 1)
            self.assertIn("dso_test_no_refused", tested_reasons[0])
            self.assertNotIn("violates", tested_reasons[0], "no raw SQL error")
            wizard.action_import()
            imported = (wizard.created_count, wizard.skipped_count, wizard.error_count)
            self.assertEqual(imported, tested, "Import does what Test said")
            self.assertEqual(self._report_reasons(wizard), tested_reasons)
        self.assertEqual(len(self._all_contacts()), 4)
        self.assertNotIn("Refused Peeters", self._all_contacts().mapped("name"))

    def test_test_reports_a_required_field_by_its_label(self):
        # a rule of another module: every partner has a job position
        self.env.cr.execute("UPDATE res_partner SET function = '' WHERE function IS NULL")
        self.env.cr.execute("ALTER TABLE res_partner ALTER COLUMN function SET NOT NULL")
        # the customers have no job position: the rule only holds for new rows
        data = self._csv(
            [HEADER, ["C001", "Ann Dupont", "", ""], ["C002", "Bob", "Clerk", ""]]
        )
        with mute_logger("odoo.sql_db"):
            wizard = self._wizard(data=data)
            wizard.action_test()
        self.assertEqual((wizard.created_count, wizard.error_count), (1, 1))
        reason = self._report_reasons(wizard)[0]
        self.assertEqual(reason, "The field Job Position is required: give it a value.")
        self.assertFalse(self._all_contacts())

    def test_a_batch_the_database_refuses_is_said_in_words_never_raw_sql(self):
        # the Company-role contact of a customers row is written for the whole
        # batch, not row by row: its refusal stops the import with a sentence
        data = self._csv(
            [["Customer code", "Customer name", "Contact name"], ["C500", "New Co", "Refused"]]
        )
        wizard = self._wizard(data=data, import_type="customers")
        with self._refusing(), self.assertRaises(UserError) as caught:
            wizard.action_import()
        message = str(caught.exception)
        self.assertIn("The database refused the rows of lines 2 to 2", message)
        self.assertIn("dso_test_no_refused", message)
        self.assertNotIn("violates", message)
        self.assertFalse(self.partner_model.search([("ref", "=", "C500")]))

    def test_skip_off_writes_nothing_when_the_test_finds_a_refusal(self):
        data = self._csv([HEADER, *ROWS])
        with self._refusing():
            wizard = self._wizard(data=data, skip_invalid=False)
            wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (0, 1))
        self.assertIn("Nothing was imported: 1 rows are invalid", wizard.result_message)
        self.assertFalse(self._all_contacts())

    def test_background_stop_midway_tells_what_was_committed_and_import_again_finishes(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "dso_contacts.import_background_rows", "1"
        )
        wizard = self._wizard(data=self._csv([HEADER, *ROWS]), skip_invalid=False)
        wizard.action_import()
        job = wizard.job_id
        with patch.object(dso_contact_import_engine, "BATCH_SIZE", 2):
            job.sudo()._process(time.monotonic())
            self.assertEqual(job.state, "running", "the test found every row valid")
            self.assertFalse(self._all_contacts(), "the test wrote nothing")
            # a rule added meanwhile (another module installed, say) refuses
            # line 4, in the second batch: the first batch is committed
            with self._refusing():
                job.sudo()._process(time.monotonic())
        self.assertEqual(job.state, "failed")
        message = job.result_message
        self.assertNotIn("nothing was imported", message.lower())
        self.assertIn("line 4 was refused", message)
        self.assertIn(
            "2 rows were imported (2 created, 0 updated, 0 skipped as already present)",
            message,
        )
        self.assertIn("rows 4 to 6 were not imported", message)
        self.assertEqual((job.created_count, job.done_count, job.error_count), (2, 2, 1))
        self.assertEqual(
            sorted(self._all_contacts().mapped("name")), ["Ann Dupont", "Paul Dupont"]
        )
        [row] = self._report_rows(job)[1:]
        self.assertEqual(row[1], "Refused Peeters")
        # "Import again", from the job's form, once the cause is gone
        job_form = job.with_user(self.billing_user)
        self.assertTrue(job_form.action_import_again())
        self.assertEqual(job.state, "queued")
        self.env["dso.contact.import.job"]._cron_process_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual((job.created_count, job.skipped_count), (3, 2))
        self.assertEqual(len(self._all_contacts()), 5, "nothing doubled")
        # the same file from the wizard again: everything is already there
        again = self._wizard(data=self._csv([HEADER, *ROWS]))
        self.env["ir.config_parameter"].sudo().set_param(
            "dso_contacts.import_background_rows", "1000"
        )
        again.action_import()
        self.assertEqual((again.created_count, again.skipped_count), (0, 5))
        self.assertEqual(len(self._all_contacts()), 5)

    def test_users_without_rights_get_access_error_at_every_door(self):
        portal_user = new_test_user(
            self.env, login="dso_import_portal", groups="base.group_portal"
        )
        wizard = self._wizard(data=self._csv([HEADER, *ROWS]))
        for user in (self.internal_user, portal_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self._wizard(data=self._csv([HEADER, *ROWS]), user=user)
                with self.assertRaises(AccessError):
                    Form(self.env["dso.contact.import"].with_user(user))
                for action in ("action_test", "action_import", "action_load"):
                    with self.assertRaises(AccessError):
                        getattr(wizard.with_user(user), action)()
                # the engine itself, as a server action or a script calls it
                engine = self.env["dso.contact.import.contacts"].with_user(user)
                with self.assertRaises(AccessError):
                    engine._check_rights()
        self.assertFalse(self._all_contacts())

    def test_background_job_runs_with_its_users_rights(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "dso_contacts.import_background_rows", "1"
        )
        wizard = self._wizard(data=self._csv([HEADER, *ROWS]))
        wizard.action_import()
        job = wizard.job_id
        # the user lost the accounting rights before the job ran
        self.billing_user.groups_id -= self.env.ref("account.group_account_invoice")
        self.env["dso.contact.import.job"]._cron_process_jobs()
        self.assertEqual(job.state, "failed")
        self.assertIn("Only accounting users", job.result_message)
        self.assertFalse(self._all_contacts())
        with self.assertRaises(AccessError):
            job.with_user(self.internal_user).action_import_again()

    def test_customers_import_does_not_touch_another_companys_customer(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        elsewhere = self.partner_model.create(
            {"name": "Elsewhere", "is_company": True, "ref": "C777", "company_id": other.id}
        )
        data = self._csv([["Customer code", "Customer name"], ["C777", "Mine now"]])
        wizard = self._wizard(data=data, import_type="customers")
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.updated_count), (1, 0))
        self.assertEqual(elsewhere.name, "Elsewhere")
        mine = self.partner_model.search(
            [("ref", "=", "C777"), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(mine.name, "Mine now")

    def test_preview_is_rendered_from_its_template(self):
        wizard = self._form_wizard("contacts_en_utf8_comma.csv")
        self.assertIn("<table", wizard.preview_html)
        self.assertIn("<th>", wizard.preview_html)
        data = base64.b64encode(self._csv([["Customer code", "Name"], ["C001", "<b>x</b>"]]))
        wizard.write({"import_file": data, "import_filename": "x.csv"})
        wizard.action_load()
        self.assertIn("&lt;b&gt;x&lt;/b&gt;", wizard.preview_html, "cells are escaped")

    def test_collection_flag_header_and_yes_no_in_each_language(self):
        self.assertEqual(len(FLAG_HEADERS), 14)
        for lang, (headers, yes, no) in FLAG_HEADERS.items():
            for header in headers:
                with self.subTest(lang=lang, header=header), self.env.cr.savepoint() as sp:
                    data = self._csv(
                        [
                            ["Customer code", "Name", header],
                            ["C001", "Yes Person", yes],
                            ["C002", "No Person", no],
                            ["C003", "X Person", "x"],
                        ]
                    )
                    wizard = self._wizard(data=data)
                    line = wizard.line_ids.filtered(lambda li, h=header: li.column_name == h)
                    self.assertEqual(line.contact_field, "is_collection_contact")
                    wizard.action_import()
                    self.assertEqual(wizard.created_count, 3)
                    self.assertEqual(self.customer_fr.collection_contact_id.name, "Yes Person")
                    self.assertFalse(self.customer_be.collection_contact_id, no)
                    self.assertEqual(self.customer_none.collection_contact_id.name, "X Person")
                    sp.close(rollback=True)
                    self.env.invalidate_all()

    def test_other_collection_columns_are_not_the_flag(self):
        cases = {
            "Email de relance": "ann@dupont.example.com",
            "Date de relance": "05/01/2025",
            "Mahnstufe": "2",
            "Teléfono cobro": "+34 912 345 678",
        }
        for header, value in cases.items():
            with self.subTest(header=header):
                data = self._csv([["Customer code", "Name", header], ["C001", "A", value]])
                wizard = self._wizard(data=data)
                line = wizard.line_ids.filtered(lambda li, h=header: li.column_name == h)
                self.assertNotEqual(line.contact_field, "is_collection_contact")

    def test_collection_flag_in_sheets_saved_by_libreoffice(self):
        """Sheets typed in LibreOffice Calc and saved by it (see
        samples/make_tool_samples.py): the header and the yes/no of German,
        Japanese and Polish users."""
        self.env["res.lang"]._activate_lang("pl_PL")
        self.company.partner_id.lang = "pl_PL"
        for name, yes, cross in (
            ("lo_flags_de.xlsx", "Anna Schmidt", "Carla Braun"),
            ("lo_flags_ja.ods", "山田花子", "鈴木一郎"),
            ("lo_flags_pl_cp1250.csv", "Anna Nowak", "Ewa Wójcik"),
        ):
            with self.subTest(name=name), self.env.cr.savepoint() as savepoint:
                wizard = self._form_wizard(name)
                self.assertIn("is_collection_contact", wizard.line_ids.mapped("contact_field"))
                wizard.action_import()
                self.assertEqual((wizard.created_count, wizard.error_count), (3, 0))
                self.assertEqual(self.customer_fr.collection_contact_id.name, yes)
                self.assertFalse(self.customer_be.collection_contact_id)
                self.assertEqual(self.customer_none.collection_contact_id.name, cross)
                savepoint.close(rollback=True)
                self.env.invalidate_all()
