# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import time
from unittest.mock import patch

from odoo.tests import BaseCase, Form, tagged

from ..models import dso_contact_import_engine, dso_contact_import_job
from ..tools.import_summary import empty_summary, merge_summary, note_change
from .import_common import DsoImportCommon

HEADER = ["Customer code", "Contact name", "Email", "Contact for collection"]


@tagged("post_install", "-at_install")
class TestImportSummary(DsoImportCommon):
    """What an import did, or what its test says it will do, is said at once
    at the top of its result: the counts, the first reasons of rejected rows
    and the contacts for collection it replaced (issue 19, item 7)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.jonas = cls.partner_model.create(
            {
                "name": "Jonas Weber",
                "parent_id": cls.customer_fr.id,
                "email": "jonas@dupont.example.com",
                "is_collection_contact": True,
            }
        )

    def _contacts_file(self):
        return self._csv(
            [
                HEADER,
                ["C001", "Katrin Vogel", "katrin@dupont.example.com", "yes"],
                ["C002", "Eva Peeters", "eva@peeters.example.com", ""],
                ["C002", "Bad Address", "bad@", ""],
            ]
        )

    def _changes(self, summary, kind="collection"):
        return [
            (c["name"], c["ref"], c["before"] and c["before"][1], c["after"] and c["after"][1])
            for c in summary[kind]
        ]

    def assertSummary(self, record, *texts):
        html = str(record.summary_html)
        for text in texts:
            self.assertIn(text, html)

    def test_contacts_test_and_import_say_the_replaced_contact_for_collection(self):
        wizard = self._form_wizard("contacts.csv", data=self._contacts_file())
        wizard.action_test()
        self.assertEqual(self.customer_fr.collection_contact_id, self.jonas, "a test only")
        summary = wizard.result_summary
        self.assertEqual(
            self._changes(summary),
            [("Dupont Industries", "C001", "Jonas Weber", "Katrin Vogel")],
        )
        self.assertEqual(summary["collection_count"], 1)
        self.assertEqual(len(summary["rejections"]), 1)
        line, reason = summary["rejections"][0]
        self.assertEqual(line, 4)
        self.assertIn("bad@ is not a valid email address", reason)
        self.assertSummary(
            wizard,
            "Test only: nothing was written.",
            "to create",
            "Line 4: bad@ is not a valid email address",
            "Dupont Industries (C001): Jonas Weber → Katrin Vogel",
            "Contacts for collection that Import will change:",
        )
        # Import does it, and says the same at once
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        katrin = self._contacts(self.customer_fr).filtered(lambda c: c.name == "Katrin Vogel")
        self.assertEqual(self.customer_fr.collection_contact_id, katrin)
        self.assertEqual(
            self._changes(wizard.result_summary),
            [("Dupont Industries", "C001", "Jonas Weber", "Katrin Vogel")],
        )
        self.assertEqual(wizard.result_summary["collection"][0]["after"][0], katrin.id)
        self.assertSummary(
            wizard,
            "Contacts for collection changed:",
            "Dupont Industries (C001): Jonas Weber → Katrin Vogel",
            "Line 4: bad@ is not a valid email address",
        )
        self.assertNotIn("Test only", str(wizard.summary_html))
        self.assertEqual((wizard.created_count, wizard.error_count), (2, 1))
        self.assertEqual(len(self._report_rows(wizard)), 2, "the CSV report is kept")
        # the same file again changes nothing: nothing to say
        again = self._wizard(data=self._contacts_file())
        again.action_import()
        self.assertEqual(again.result_summary["collection"], [])
        self.assertNotIn("Contacts for collection", str(again.summary_html))

    def test_a_contact_for_collection_set_twice_in_a_file_is_said_once(self):
        data = self._csv(
            [
                HEADER,
                ["C001", "Katrin Vogel", "", "yes"],
                ["C002", "Eva Peeters", "", "yes"],
                ["C001", "Paul Dupont", "", "yes"],
            ]
        )
        with patch.object(dso_contact_import_engine, "BATCH_SIZE", 1):
            wizard = self._wizard(data=data)
            wizard.action_import()
        self.assertEqual(
            self._changes(wizard.result_summary),
            [
                ("Dupont Industries", "C001", "Jonas Weber", "Paul Dupont"),
                ("Peeters NV", "C002", None, "Eva Peeters"),
            ],
        )
        self.assertEqual(wizard.result_summary["collection_count"], 2)
        self.assertSummary(wizard, "Peeters NV (C002): none → Eva Peeters")

    def test_only_the_first_ten_reasons_are_shown_the_rest_in_the_report(self):
        rows = [[f"C9{index:02d}", f"Nobody {index}", "", ""] for index in range(13)]
        wizard = self._wizard(data=self._csv([HEADER, *rows]))
        wizard.action_import()
        self.assertEqual(wizard.error_count, 13)
        self.assertEqual(len(wizard.result_summary["rejections"]), 10)
        self.assertSummary(
            wizard,
            "Line 2: No customer has the code C900 in the current company.",
            "Line 11: No customer has the code C909",
            "... and 3 more in the report of rejected rows.",
        )
        self.assertNotIn("Line 12:", str(wizard.summary_html))
        self.assertEqual(len(self._report_rows(wizard)), 14)

    def test_nothing_imported_says_why_and_changes_nothing(self):
        wizard = self._wizard(data=self._contacts_file(), skip_invalid=False)
        wizard.action_import()
        summary = wizard.result_summary
        self.assertEqual(summary["collection"], [], "nothing was written")
        self.assertIn("Nothing was imported", summary["notice"])
        self.assertEqual(summary["rejections"][0][0], 4)
        self.assertSummary(wizard, "Nothing was imported", "Line 4: bad@")
        self.assertEqual(self.customer_fr.collection_contact_id, self.jonas)

    def test_customers_import_says_the_company_role_contacts_replaced(self):
        role = self.partner_model.create(
            {
                "name": "Jonas Weber",
                "parent_id": self.customer_be.id,
                "is_company_role": True,
                "is_collection_contact": True,
            }
        )
        other = self.partner_model.create(
            {"name": "Ines Roth", "parent_id": self.customer_none.id, "is_company_role": True}
        )
        data = self._csv(
            [
                ["Customer code", "Customer name", "Contact name", "Email"],
                ["C002", "Peeters NV", "Katrin Vogel", "katrin@peeters.example.com"],
                ["C003", "Yamada KK", "", ""],
                ["C100", "New Customer", "", "wrong@"],
            ]
        )
        wizard = self._wizard(data=data, import_type="customers")
        wizard.action_test()
        expected_collection = [("Peeters NV", "C002", "Jonas Weber", "Katrin Vogel")]
        expected_roles = [
            ("Peeters NV", "C002", "Jonas Weber", "Katrin Vogel"),
            ("Yamada KK", "C003", "Ines Roth", None),
        ]
        for phase in ("test", "import"):
            with self.subTest(phase=phase):
                summary = wizard.result_summary
                self.assertEqual(self._changes(summary), expected_collection)
                self.assertEqual(self._changes(summary, "company_role"), expected_roles)
                self.assertEqual([line for line, _r in summary["rejections"]], [4])
                self.assertSummary(
                    wizard,
                    "Peeters NV (C002): Jonas Weber → Katrin Vogel",
                    "Yamada KK (C003): Ines Roth → none",
                    "Line 4: wrong@ is not a valid email address",
                )
                self.assertIn(
                    "Company-role contacts that Import will replace:"
                    if phase == "test"
                    else "Company-role contacts replaced:",
                    str(wizard.summary_html),
                )
            if phase == "test":
                self.assertEqual(role.name, "Jonas Weber", "a test only")
                wizard.action_import()
        self.assertEqual(role.name, "Katrin Vogel")
        self.assertEqual(self.customer_be.collection_contact_id, role)
        self.assertFalse(other.active)

    def test_background_job_shows_the_same_summary(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "dso_contacts.import_background_rows", "1"
        )
        wizard = self._wizard(data=self._contacts_file())
        wizard.action_import()
        job = wizard.job_id
        # one batch a cron run: the summary is merged run after run
        with (
            patch.object(dso_contact_import_engine, "BATCH_SIZE", 1),
            patch.object(dso_contact_import_job, "CRON_TIME_BUDGET", -1),
        ):
            for _run in range(3):
                job.sudo()._process(time.monotonic())
                self.assertEqual(job.state, "running")
            job.sudo()._process(time.monotonic())
        self.assertEqual(job.state, "done")
        self.assertEqual(
            self._changes(job.result_summary),
            [("Dupont Industries", "C001", "Jonas Weber", "Katrin Vogel")],
        )
        self.assertEqual(job.result_summary["rejections"][0][0], 4)
        form = Form(job.with_user(self.billing_user))
        for text in (
            "Contacts for collection changed:",
            "Dupont Industries (C001): Jonas Weber → Katrin Vogel",
            "Line 4: bad@ is not a valid email address",
        ):
            self.assertIn(text, str(form.summary_html))
        self.assertNotIn("in progress", str(form.summary_html))
        self.assertIn(
            "1 customers have another contact for collection", job.message_ids[0].body
        )

    def test_background_job_that_fails_its_test_says_why_and_changes_nothing(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "dso_contacts.import_background_rows", "1"
        )
        wizard = self._wizard(data=self._contacts_file(), skip_invalid=False)
        wizard.action_import()
        job = wizard.job_id
        self.env["dso.contact.import.job"]._cron_process_jobs()
        self.assertEqual(job.state, "failed")
        self.assertEqual(job.result_summary["collection"], [])
        self.assertIn("Nothing was imported", job.result_summary["notice"])
        self.assertIn("Line 4: bad@", str(job.summary_html))
        self.assertEqual(self.customer_fr.collection_contact_id, self.jonas)


@tagged("post_install", "-at_install")
class TestImportSummaryMerge(BaseCase):
    """The summary merged batch after batch, part after part."""

    def _customer(self, ident):
        return {"id": ident, "name": f"Customer {ident}", "ref": f"C{ident}"}

    def test_a_change_back_is_no_change_and_the_first_before_stays(self):
        summary = empty_summary()
        note_change(summary, "collection", self._customer(1), [10, "A"], [11, "B"])
        note_change(summary, "collection", self._customer(1), [11, "B"], [12, "C"])
        changes = [(c["before"], c["after"]) for c in summary["collection"]]
        self.assertEqual(changes, [([10, "A"], [12, "C"])])
        note_change(summary, "collection", self._customer(1), [12, "C"], [10, "A"])
        self.assertEqual((summary["collection"], summary["collection_count"]), ([], 0))

    def test_merge_keeps_the_files_first_rejections_and_counts_each_customer_once(self):
        first, second = empty_summary(), empty_summary()
        first["rejections"] = [[line, "x"] for line in range(20, 30)]
        second["rejections"] = [[3, "y"], [40, "z"]]
        note_change(first, "collection", self._customer(1), None, [11, "B"])
        note_change(second, "collection", self._customer(1), [11, "B"], [12, "C"])
        note_change(second, "collection", self._customer(2), None, [13, "D"])
        merged = merge_summary(first, second)
        self.assertEqual([line for line, _r in merged["rejections"]], [3, *range(20, 29)])
        self.assertEqual(merged["collection_count"], 2)
        self.assertEqual(
            [(c["id"], c["before"], c["after"]) for c in merged["collection"]],
            [(1, None, [12, "C"]), (2, None, [13, "D"])],
        )
        self.assertEqual(first["collection_count"], 1, "the base is not changed")
