# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
from datetime import timedelta
from xmlrpc.client import Fault

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from .common import company_user
from .common_reminder import NOW, TODAY, ReminderCommon


@tagged("post_install", "-at_install")
class TestReminderPlans(ReminderCommon):
    """Reminder plans: the company's default plan holds its levels; a "Key
    accounts" plan (10 days email, 25 days email and SMS) followed by the
    customers tagged "Key account"; a second company with its own plans."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.standard = cls.level_first.plan_id
        cls.tag_key = cls.env["res.partner.category"].create({"name": "Key account"})
        cls.key = cls.env["dso.reminder.plan"].create(
            {
                "name": "Key accounts",
                "company_id": cls.company.id,
                "sequence": 5,
                "partner_category_ids": [Command.set(cls.tag_key.ids)],
            }
        )
        cls.key_10, cls.key_25 = cls.env["dso.reminder.level"].create(
            [
                {
                    "name": "Key: friendly call",
                    "plan_id": cls.key.id,
                    "days": 10,
                    "channel": "email",
                    "mail_template_id": cls.level_first.mail_template_id.id,
                },
                {
                    "name": "Key: second call",
                    "plan_id": cls.key.id,
                    "days": 25,
                    "channel": "both",
                    "mail_template_id": cls.level_second.mail_template_id.id,
                    "sms_template_id": cls.level_second.sms_template_id.id,
                },
            ]
        )
        cls.manager = company_user(
            cls.env,
            cls.company,
            "dso_plan_manager",
            "account.group_account_manager,base.group_partner_manager",
        )

    def _plan_b(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        return company_b, company_b._dso_reminder_default_plan()

    # ------------------------------------------------------------------
    # the default plan
    # ------------------------------------------------------------------

    def test_each_company_has_one_default_plan_holding_its_levels(self):
        self.assertTrue(self.standard.is_default)
        self.assertEqual(self.standard.company_id, self.company)
        self.assertEqual(self.standard._sorted_levels(), self.levels)
        with self.assertRaises(ValidationError):
            self.env["dso.reminder.plan"].create(
                {"name": "Another default", "company_id": self.company.id, "is_default": True}
            )
        # making another plan the default takes the place of the former one
        self.key.is_default = True
        self.assertFalse(self.standard.is_default)
        with self.assertRaises(UserError):
            self.key.unlink()

    def test_plan_deleted_takes_its_unused_levels_but_not_sent_ones(self):
        spare = self.env["dso.reminder.plan"].create({"name": "Spare"})
        level = self.env["dso.reminder.level"].create(
            {
                "name": "Spare level",
                "plan_id": spare.id,
                "days": 3,
                "mail_template_id": self.level_first.mail_template_id.id,
            }
        )
        spare.unlink()
        self.assertFalse(level.exists(), "the levels of a deleted plan go with it")
        customer, _contact = self._create_customer("Deleted")
        customer.dso_reminder_plan_id = self.key
        self._create_invoice(customer, TODAY - timedelta(days=12))
        with freeze_time(NOW):
            self._run_cron()
        self.assertEqual(self._reminders(customer).level_id, self.key_10)
        with self.assertRaises(UserError), mute_logger("odoo.sql_db"):
            self.key.unlink()

    # ------------------------------------------------------------------
    # which plan a customer follows, in a batch
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_cron_sends_each_customer_the_level_of_its_plan(self):
        set_on, _c1 = self._create_customer("Seton", "0456 00 00 01")
        tagged_, _c2 = self._create_customer("Tagged", "0456 00 00 02")
        plain, _c3 = self._create_customer("Plain", "0456 00 00 03")
        set_on.dso_reminder_plan_id = self.key
        tagged_.category_id = self.tag_key
        for customer in (set_on, tagged_, plain, self.customer):
            self._create_invoice(customer, TODAY - timedelta(days=12))
        plans = self.env["dso.reminder.engine"]._customer_plans(
            set_on | tagged_ | plain | self.customer
        )
        self.assertEqual(plans[set_on.id], (self.key, "Set on the customer."))
        self.assertEqual(plans[tagged_.id], (self.key, "Matches tag Key account."))
        self.assertEqual(plans[plain.id], (self.standard, "The company's default plan."))
        self._run_cron()
        self.assertEqual(self._reminders(set_on).level_id, self.key_10)
        self.assertEqual(self._reminders(tagged_).level_id, self.key_10)
        self.assertEqual(self._reminders(plain).level_id, self.level_first)
        self.assertEqual(self._reminders(self.customer).level_id, self.level_first)

    def test_plans_are_read_once_per_batch(self):
        engine = self.env["dso.reminder.engine"]

        def queries(count):
            customers = self.env["res.partner"]
            for i in range(count):
                customer, _contact = self._create_customer(f"Batch{count}x{i}")
                customer.category_id = self.tag_key if i % 2 else False
                customer.dso_reminder_plan_id = self.standard if i % 3 == 0 else False
                customers |= customer
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            plans = engine._customer_plans(customers)
            self.assertEqual(len(plans), count)
            return self.env.cr.sql_log_count - before

        queries(2)  # the registry's and the plans' first reads
        self.assertEqual(queries(12), queries(3), "no query per customer")

    def test_rule_with_several_criteria_needs_all_of_them(self):
        self.key.country_ids = self.env.ref("base.fr")
        self.customer.category_id = self.tag_key
        plans = self.env["dso.reminder.engine"]._customer_plans(self.customer)
        self.assertEqual(plans[self.customer.id][0], self.standard, "Belgian: no match")
        self.customer.country_id = self.env.ref("base.fr")
        plans = self.env["dso.reminder.engine"]._customer_plans(self.customer)
        self.assertEqual(plans[self.customer.id][0], self.key)

    # ------------------------------------------------------------------
    # moved from a plan to another
    # ------------------------------------------------------------------

    def test_customer_moved_to_another_plan_never_gets_a_step_twice(self):
        invoice = self._create_invoice(self.customer, TODAY - timedelta(days=16))
        with freeze_time(NOW):
            self._run_cron()
        self.assertEqual(self._reminders(self.customer).level_id, self.level_second)
        # moved to Key accounts (10, 25): at 16 days late its level reached is
        # 10, below the 15 days already sent for the invoice: nothing
        self.customer.dso_reminder_plan_id = self.key
        with freeze_time(NOW):
            self._run_cron()
            self.assertEqual(len(self._reminders(self.customer)), 1)
            self.assertEqual(self.customer.dso_next_reminder_level_id, self.key_25)
            self.assertEqual(
                self.customer.dso_next_reminder_date, invoice.invoice_date_due + timedelta(25)
            )
        # at 25 days, the new plan's next step is sent, once
        with freeze_time("2025-03-19 10:00:00"):
            self._run_cron()
            self._run_cron()
        self.assertEqual(
            self._reminders(self.customer).level_id, self.level_second | self.key_25
        )
        # moved back to Standard at 26 days: its 15 days level is below 25: nothing
        self.customer.dso_reminder_plan_id = False
        with freeze_time("2025-03-20 10:00:00"):
            self._run_cron()
        self.assertEqual(len(self._reminders(self.customer)), 2)
        self.assertEqual(len(self._reminders(self.customer).move_ids), 1)

    # ------------------------------------------------------------------
    # a plan without level
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_plan_without_level_sends_nothing_and_says_why(self):
        empty = self.env["dso.reminder.plan"].create({"name": "Public bodies"})
        self.customer.dso_reminder_plan_id = empty
        self._create_invoice(self.customer, TODAY - timedelta(days=40))
        self._run_cron()
        self.assertFalse(self._reminders(self.customer))
        reasons = self.env["dso.reminder.engine"]._hold_reasons(self.customer, TODAY)
        self.assertIn("Public bodies has no level", reasons[self.customer][0])
        customer = self.customer.with_user(self.accountant)
        self.assertIn("This plan has no level", customer.dso_reminder_plan_reason)

    # ------------------------------------------------------------------
    # doors: the manual send, the form, the mass action, the import
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_manual_send_proposes_the_level_of_the_customers_plan(self):
        self.customer.category_id = self.tag_key
        self._create_invoice(self.customer, TODAY - timedelta(days=12))
        Wizard = self.env["dso.reminder.send"].with_user(self.accountant)
        form = Form(
            Wizard.with_context(active_model="res.partner", active_ids=self.customer.ids)
        )
        self.assertEqual(form.level_id, self.key_10)
        wizard = form.save()
        with self.mockSMSGateway():
            wizard.action_send()
        self.assertEqual(self._reminders(self.customer).level_id, self.key_10)
        # the scheduled action then sends nothing more at that rank
        self._run_cron()
        self.assertEqual(len(self._reminders(self.customer)), 1)

    def _offered_levels(self, wizard):
        """The levels the wizard's level field offers: its domain, evaluated
        on the wizard as the web client does, searched as the wizard's user."""
        domain = safe_eval(
            wizard._fields["level_id"].domain,
            {"company_id": wizard.company_id.id, "plan_ids": wizard.plan_ids.ids},
        )
        return wizard.env["dso.reminder.level"].search(domain)

    def test_manual_send_offers_the_levels_of_the_customers_plan_named_by_plan(self):
        self.customer.category_id = self.tag_key
        Wizard = self.env["dso.reminder.send"].with_user(self.accountant)
        form = Form(
            Wizard.with_context(active_model="res.partner", active_ids=self.customer.ids)
        )
        # two plans in the company: the level says which plan it belongs to
        self.assertEqual(form.level_id.display_name, "Key accounts / Key: friendly call")
        self.assertFalse(form.plan_note)
        wizard = form.save()
        self.assertEqual(self._offered_levels(wizard), self.key_10 | self.key_25)
        # customers of two plans: both ladders offered, and the wizard says so
        other, _contact = self._create_customer("Standard customer")
        form = Form(
            Wizard.with_context(
                active_model="res.partner", active_ids=(self.customer | other).ids
            )
        )
        self.assertIn("follow different reminder plans", form.plan_note)
        self.assertIn("Key accounts", form.plan_note)
        self.assertEqual(
            self._offered_levels(form.save()), self.key_10 | self.key_25 | self.levels
        )
        # a company with a single plan keeps the level's own name
        _company_b, plan_b = self._plan_b()
        level_b = plan_b.level_ids[:1]
        self.assertEqual(level_b.display_name, level_b.name)

    def test_customer_form_says_the_plan_set_on_it_is_archived(self):
        old = self.env["dso.reminder.plan"].create({"name": "Old terms"})
        self.customer.dso_reminder_plan_id = old
        old.active = False
        form = Form(self.customer.with_user(self.accountant))
        self.assertEqual(form.dso_reminder_plan_followed_id, self.standard)
        self.assertEqual(
            form.dso_reminder_plan_reason,
            "The plan set on the customer, Old terms, is archived. "
            "The company's default plan.",
        )
        form.category_id.add(self.tag_key)
        self.assertEqual(form.dso_reminder_plan_followed_id, self.key)
        self.assertEqual(
            form.dso_reminder_plan_reason,
            "The plan set on the customer, Old terms, is archived. Matches tag Key account.",
        )

    def test_customer_form_shows_the_plan_followed_and_why(self):
        form = Form(self.customer.with_user(self.accountant))
        self.assertEqual(form.dso_reminder_plan_followed_id, self.standard)
        self.assertEqual(form.dso_reminder_plan_reason, "The company's default plan.")
        form.category_id.add(self.tag_key)
        self.assertEqual(form.dso_reminder_plan_followed_id, self.key)
        self.assertEqual(form.dso_reminder_plan_reason, "Matches tag Key account.")
        form.dso_reminder_plan_id = self.standard
        self.assertEqual(form.dso_reminder_plan_reason, "Set on the customer.")
        form.save()
        self.assertEqual(self.customer.dso_reminder_plan_id, self.standard)

    def test_mass_action_sets_the_plan_of_the_selected_customers(self):
        other, contact = self._create_customer("Mass")
        customers = self.customer | other
        action = self.env.ref("dso_contacts.dso_reminder_plan_assign_action")
        self.assertEqual(action.binding_model_id.model, "res.partner")
        form = Form(
            self.env["dso.reminder.plan.assign"]
            .with_user(self.accountant)
            .with_context(active_model="res.partner", active_ids=(customers | contact).ids)
        )
        form.plan_id = self.key
        form.save().action_apply()
        self.assertEqual(customers.mapped("dso_reminder_plan_id"), self.key)
        self.assertFalse(contact.dso_reminder_plan_id, "a contact follows its customer")

    def test_import_of_customers_sets_the_plan_by_name(self):
        self.customer.ref = "C900"
        billing = company_user(
            self.env,
            self.company,
            "dso_plan_import",
            "base.group_user,base.group_partner_manager,account.group_account_invoice",
        )
        data = (
            b"Customer code,Customer name,Reminder plan\n"
            b"C900,Alpha SA,key accounts\n"
            b"C901,New One,Key Accounts\n"
            b"C902,Unknown Plan,Gold\n"
        )
        form = Form(
            self.env["dso.contact.import"]
            .with_user(billing)
            .with_context(default_import_filename="plans.csv")
        )
        form.import_type = "customers"
        form.import_file = base64.b64encode(data)
        wizard = form.save()
        wizard.action_load()
        self.assertEqual(
            wizard.line_ids.mapped("customer_field"), ["ref", "name", "reminder_plan"]
        )
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.updated_count), (1, 1))
        self.assertEqual(self.customer.dso_reminder_plan_id, self.key)
        new = self.env["res.partner"].search([("ref", "=", "C901")])
        self.assertEqual(new.dso_reminder_plan_id, self.key)
        self.assertFalse(self.env["res.partner"].search([("ref", "=", "C902")]))

    # ------------------------------------------------------------------
    # rights and companies
    # ------------------------------------------------------------------

    def test_billing_user_reads_plans_and_only_accountant_manages_them(self):
        plan = self.key.with_user(self.accountant)
        self.assertEqual(plan.name, "Key accounts")
        with self.assertRaises(AccessError):
            plan.name = "Renamed"
        with self.assertRaises(AccessError):
            self.env["dso.reminder.plan"].with_user(self.accountant).create({"name": "Mine"})
        plan = self.env["dso.reminder.plan"].with_user(self.manager).create({"name": "Mine"})
        self.assertEqual(plan.company_id, self.company)

    def test_company_b_plans_are_hidden_and_refused_to_a_user_of_a(self):
        company_b, plan_b = self._plan_b()
        Plan = self.env["dso.reminder.plan"].with_user(self.accountant)
        self.assertNotIn(plan_b, Plan.search([]))
        with self.assertRaises(AccessError):
            plan_b.with_user(self.accountant).read(["name"])
        customer = self.customer.with_user(self.accountant)
        with self.assertRaises(ValidationError):
            customer.write({"dso_reminder_plan_id": plan_b.id})
        wizard = (
            self.env["dso.reminder.plan.assign"]
            .with_user(self.accountant)
            .with_context(active_model="res.partner", active_ids=self.customer.ids)
        )
        with self.assertRaises(UserError):
            wizard.create({"plan_id": plan_b.id}).action_apply()
        with self.assertRaises(UserError):
            wizard.create({"plan_id": self.key.id, "company_id": company_b.id})
        self.assertFalse(self.customer.dso_reminder_plan_id)
        # a level of A cannot join a plan of B
        with self.assertRaises(UserError):
            self.env["dso.reminder.level"].with_user(self.manager).create(
                {
                    "name": "Sneaky",
                    "company_id": self.company.id,
                    "plan_id": plan_b.id,
                    "days": 7,
                    "mail_template_id": self.level_first.mail_template_id.id,
                }
            )

    @freeze_time(NOW)
    def test_customer_shared_between_companies_follows_a_plan_of_each(self):
        company_b, plan_b = self._plan_b()
        shared = self.env["res.partner"].create({"name": "Shared", "is_company": True})
        shared.with_company(self.company).dso_reminder_plan_id = self.key
        self.assertEqual(shared.with_company(self.company).dso_reminder_plan_id, self.key)
        self.assertFalse(shared.with_company(company_b).dso_reminder_plan_id)
        engine_b = self.env["dso.reminder.engine"].with_company(company_b)
        self.assertEqual(engine_b._customer_plans(shared)[shared.id][0], plan_b)
        self.assertEqual(shared.with_company(company_b).dso_reminder_plan_followed_id, plan_b)


@tagged("post_install", "-at_install")
class TestReminderPlansRpc(AccountTestInvoicingHttpCommon):
    """A Billing user of company A, over XML-RPC, giving company B's plan."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.plan_b = cls.company_b._dso_reminder_default_plan()
        cls.billing = company_user(
            cls.env,
            cls.company,
            "dso_plan_rpc",
            "account.group_account_invoice,base.group_partner_manager",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Rpc Plan Customer", "is_company": True, "company_id": cls.company.id}
        )

    def _call(self, model, method, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.billing.id, "dso_plan_rpc", model, method, list(args)
        )

    def test_plan_of_company_b_is_refused_over_rpc(self):
        found = self._call("dso.reminder.plan", "search_read", [], ["company_id"])
        self.assertTrue(found)
        self.assertEqual({row["company_id"][0] for row in found}, set(self.company.ids))
        with self.assertRaises(Fault), mute_logger("odoo.http"):
            self._call("dso.reminder.plan", "read", [self.plan_b.id], ["name"])
        with self.assertRaises(Fault), mute_logger("odoo.http"):
            self._call(
                "res.partner",
                "write",
                [self.customer.id],
                {"dso_reminder_plan_id": self.plan_b.id},
            )
        with self.assertRaises(Fault), mute_logger("odoo.http"):
            self._call(
                "dso.reminder.plan.assign",
                "create",
                {"plan_id": self.plan_b.id, "partner_ids": [[6, 0, self.customer.ids]]},
            )
        self.assertFalse(self.customer.dso_reminder_plan_id)
