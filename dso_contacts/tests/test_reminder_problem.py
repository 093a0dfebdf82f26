# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .common_reminder import NOW, TODAY, ReminderCommon


@tagged("post_install", "-at_install")
class TestReminderProblemBanner(ReminderCommon):
    """The customer's reminder-problem banner says what keeps the reminders
    from reaching the contact for collection now: the sending's own checks,
    run on the current data, as soon as it changes."""

    def _problem(self, customer=None):
        customer = (customer or self.customer).with_user(self.accountant)
        customer.invalidate_recordset(["dso_reminder_problem"])
        return customer.dso_reminder_problem

    def _flagged(self):
        return (
            self.env["res.partner"]
            .with_user(self.accountant)
            .search([("dso_reminder_problem", "!=", False)])
        )

    @freeze_time(NOW)
    def test_banner_follows_a_new_contact_for_collection(self):
        """Brightwater: the final notice's SMS did not go (no number); the new
        contact for collection has a mobile: the banner is gone at once, the
        reminder's history still says what happened then."""
        self.contact.write({"mobile": False, "phone": False})
        reminder = self._remind(35)
        self.assertEqual((reminder.level_id, reminder.state), (self.level_final, "partial"))
        self.assertIn("Alpha Payer has no valid mobile or phone number", self._problem())
        self.assertIn(self.customer, self._flagged())

        emma = self.env["res.partner"].create(
            {
                "name": "Emma Clarke",
                "parent_id": self.customer.id,
                "type": "contact",
                "email": "emma@alpha.example.com",
                "mobile": "0456 77 88 99",
            }
        )
        emma.with_user(self.accountant).action_set_collection_contact()
        self.assertFalse(self._problem())
        self.assertNotIn(self.customer, self._flagged())
        self.assertIn("Alpha Payer has no valid mobile", reminder.problem, "history kept")

    @freeze_time(NOW)
    def test_banner_says_no_contact_only_while_none_is_set(self):
        """Atlas: "No contact for collection" while none is set, never after."""
        self.contact.is_collection_contact = False
        self._remind(6)
        self.assertEqual(self._reminders(self.customer).state, "failed")
        self.assertIn("No contact for collection", self._problem())

        self.contact.with_user(self.accountant).action_set_collection_contact()
        self.assertFalse(self._problem())
        self.assertNotIn(self.customer, self._flagged())

    @freeze_time(NOW)
    def test_banner_warns_before_the_next_reminder_is_sent(self):
        """Nothing sent yet: the next reminder (the courtesy notice, by email)
        cannot reach a contact without an email address, and the banner says so."""
        self.contact.email = False
        self._create_invoice(self.customer, TODAY + timedelta(days=10))
        self.assertEqual(self.customer.dso_next_reminder_level_id, self.level_courtesy)
        self.assertIn("Alpha Payer has no valid email address", self._problem())
        self.contact.email = "payer@alpha.example.com"
        self.assertFalse(self._problem())

    @freeze_time(NOW)
    def test_banner_follows_the_customer_form_before_saving(self):
        self.contact.write({"mobile": False, "phone": False})
        self._remind(35)
        customer_form = Form(self.customer.with_user(self.accountant))
        self.assertIn("no valid mobile or phone number", customer_form.dso_reminder_problem)
        with customer_form.dso_contact_ids.edit(0) as line:
            line.mobile = "0456 12 34 56"
        self.assertFalse(customer_form.dso_reminder_problem, "fixed before saving")
        with customer_form.dso_contact_ids.edit(0) as line:
            line.is_collection_contact = False
        self.assertIn("No contact for collection", customer_form.dso_reminder_problem)
        with customer_form.dso_contact_ids.edit(0) as line:
            line.is_collection_contact = True
        customer_form.save()
        self.assertFalse(self._problem())

    @freeze_time(NOW)
    def test_banners_use_the_sending_rules(self):
        """A contact with a phone but no mobile gets the SMS (the sending
        uses the phone): neither banner says otherwise."""
        self.contact.write({"email": False, "mobile": False, "phone": "0456 12 34 56"})
        self._create_invoice(self.customer, TODAY - timedelta(days=16))
        customer = self.customer.with_user(self.accountant)
        self.assertFalse(customer.dso_collection_warning)
        problem = self._problem()
        self.assertIn("no valid email address", problem)
        self.assertNotIn("SMS", problem)
        self._run_cron_mocked()
        self.assertEqual(self._reminders(self.customer).sms_state, "queued")

    @freeze_time(NOW)
    def test_customer_excluded_until_further_notice_shows_no_problem(self):
        self.contact.is_collection_contact = False
        self._create_invoice(self.customer, TODAY - timedelta(days=6))
        self.assertIn("No contact for collection", self._problem())
        self.customer.dso_reminder_exclude = True
        self.assertFalse(self._problem())

    @freeze_time(NOW)
    def test_failure_of_a_run_is_shown_until_the_next_reminder(self):
        self._create_invoice(self.customer, TODAY - timedelta(days=6))
        self.customer._dso_log_reminder_failure(ValueError("template exploded"))
        self.assertIn("template exploded", self._problem())
        self._run_cron_mocked()
        self.assertFalse(self._problem())

    # ------------------------------------------------------------------
    # A language installed after the addon: the names of the data follow
    # ------------------------------------------------------------------

    def test_level_and_data_names_in_a_language_installed_later(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.assertEqual(
            self.level_first.with_context(lang="fr_FR").name,
            "First reminder",
            "French active, its terms not loaded yet",
        )
        self.level_final.with_context(lang="en_US").name = "Last call"
        self.env["ir.module.module"]._load_module_terms(["dso_contacts"], ["fr_FR"])
        levels = self.levels.with_context(lang="fr_FR")
        self.assertEqual(
            levels.mapped("name"),
            ["Rappel de courtoisie", "Première relance", "Deuxième relance", "Last call"],
            "the default names translated, a renamed level left alone",
        )
        self.assertEqual(
            self.levels.with_context(lang="en_US").mapped("name")[:3],
            ["Courtesy notice", "First reminder", "Second reminder"],
        )
        role = self.env.ref("dso_contacts.contact_role_purchaser").with_context(lang="fr_FR")
        self.assertEqual(role.name, "Acheteur")
        reason = self.env.ref("dso_contacts.dispute_reason_paid").with_context(lang="fr_FR")
        self.assertEqual(reason.name, "Déjà payée")

    def test_french_name_given_by_hand_is_kept(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.level_first.update_field_translations("name", {"fr_FR": "Premier rappel"})
        self.env["ir.module.module"]._load_module_terms(["dso_contacts"], ["fr_FR"])
        self.assertEqual(self.level_first.with_context(lang="fr_FR").name, "Premier rappel")
        self.assertEqual(self.level_second.with_context(lang="fr_FR").name, "Deuxième relance")


@tagged("post_install", "-at_install")
class TestReminderProblemLanguage(ReminderCommon):
    """Texts written at send time follow the reader's language; the
    activities raised for a collector, the collector's (French)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["dso_contacts"], ["fr_FR"])
        cls.accountant.lang = "fr_FR"

    @freeze_time(NOW)
    def test_reminder_problem_reads_in_the_readers_language(self):
        self.contact.write({"mobile": False, "phone": False})
        reminder = self._remind(16)
        self.assertIn("Alpha Payer has no valid mobile or phone number", reminder.problem)
        french = reminder.with_context(lang="fr_FR").problem
        self.assertIn("Alpha Payer n'a pas de numéro de mobile ou de téléphone valide", french)
        banner = self.customer.with_context(lang="fr_FR").dso_reminder_problem
        self.assertIn("Alpha Payer n'a pas de numéro de mobile ou de téléphone valide", banner)

    @freeze_time(NOW)
    def test_activity_written_in_the_language_of_its_user(self):
        self.company.dso_reminder_user_id = self.accountant
        self.contact.write({"mobile": False, "phone": False})
        self._remind(16)
        activity = self.customer.activity_ids
        self.assertEqual(activity.user_id, self.accountant)
        self.assertEqual(
            activity.summary, "Relance de paiement Deuxième relance pas entièrement envoyée"
        )
        self.assertIn("n'a pas de numéro de mobile ou de téléphone valide", activity.note)

    # ------------------------------------------------------------------
    # The activities raised for a collector by the customer's page and the
    # daily check of promises read in the collector's language
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_dispute_activity_in_the_collectors_language(self):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=10))
        dispute = self.env["dso.invoice.dispute"].create(
            {
                "move_id": invoice.id,
                "contact_id": self.contact.id,
                "reason_id": self.env.ref("dso_contacts.dispute_reason_paid").id,
                "source": "email",
                "user_id": self.accountant.id,
            }
        )
        activity = dispute.activity_ids
        self.assertEqual(activity.user_id, self.accountant)
        self.assertEqual(activity.summary, "Facture contestée")
        self.assertIn("Déjà payée", activity.note)

    def test_broken_promise_activity_in_the_collectors_language(self):
        with freeze_time(NOW):
            invoice = self._create_invoice(self.customer, TODAY - timedelta(days=10))
            promise = self.env["dso.payment.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "contact_id": self.contact.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "date": TODAY + timedelta(days=5),
                    "source": "phone",
                    "user_id": self.accountant.id,
                }
            )
        with freeze_time(f"{TODAY + timedelta(days=9)} 10:00:00"):
            self.env["dso.payment.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.activity_ids.summary, "Promesse de paiement non tenue")
