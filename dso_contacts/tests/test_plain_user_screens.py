# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The screens of issues 20-21 (the customer's plan, reminders, reachable
contact, DSO and ageing) seen by a plain internal user, who has no
accounting rights, and by a Billing user: the plain user opens customers and
contacts without an error and reads none of the collection data, over
XML-RPC or through the form."""

from datetime import timedelta
from xmlrpc.client import Fault

from odoo import fields
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from .common import company_user

# the collection data of a customer, by the model it comes from: a plain
# internal user reads none of them
COLLECTION_FIELDS = [
    # plans
    "dso_reminder_plan_id",
    "dso_reminder_plan_followed_id",
    "dso_reminder_plan_reason",
    # reminders
    "dso_reminder_ids",
    "dso_reminder_count",
    "dso_next_reminder_level_id",
    "dso_next_reminder_date",
    "dso_reminder_problem",
    "dso_reminder_error",
    "dso_reminder_error_company_id",
    "dso_reminder_exclude",
    "dso_reminder_exclude_until",
    "dso_collection_warning",
    # DSO and ageing
    "dso_dso",
    "dso_ageing_count",
    "dso_amount_not_due",
    "dso_amount_period_1",
    "dso_amount_period_2",
    "dso_amount_period_3",
    "dso_amount_period_4",
    "dso_amount_credit",
    # promises and disputes
    "dso_promise_ids",
    "dso_promise_count",
    "dso_promise_settled_count",
    "dso_promise_kept_rate",
    "dso_dispute_count",
]
# how a refusal for want of rights reads over XML-RPC
ACCESS = r"not allowed to access|do not have enough rights"
# the models of the collection: closed to a plain internal user
COLLECTION_MODELS = [
    "dso.reminder.plan",
    "dso.reminder.level",
    "dso.reminder",
    "dso.reminder.recipient",
    "dso.fallback.role",
    "dso.dso.snapshot",
    "dso.ageing.report",
    "dso.work.item",
    "dso.collection.activity",
    "dso.payment.promise",
    "dso.invoice.dispute",
]


@tagged("post_install", "-at_install")
class TestPlainUserScreens(AccountTestInvoicingHttpCommon):
    """Company A's customer Plain Customer SA (code PLAIN1), following the Key
    accounts plan, with an invoice 40 days late and a contact for collection
    whose reminders bounced; a plain internal user and a Billing user of A."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.plain = company_user(
            cls.env, cls.company, "dso_plain", "base.group_user", name="Paula Plain"
        )
        cls.billing = company_user(
            cls.env,
            cls.company,
            "dso_plain_billing",
            "base.group_user,account.group_account_invoice",
        )
        cls.plan = cls.env["dso.reminder.plan"].create(
            {"name": "Key accounts", "company_id": cls.company.id}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Plain Customer SA",
                "is_company": True,
                "customer_rank": 1,
                "ref": "PLAIN1",
                "company_id": cls.company.id,
                "country_id": cls.env.ref("base.be").id,
                "dso_reminder_plan_id": cls.plan.id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Bruno Bounced",
                "parent_id": cls.customer.id,
                "email": "bruno@plain.example.com",
                "is_collection_contact": True,
                "message_bounce": 3,
            }
        )
        invoice = cls.init_invoice(
            "out_invoice",
            partner=cls.customer,
            invoice_date=fields.Date.today() - timedelta(days=70),
            amounts=[1200.0],
        )
        invoice.invoice_date_due = fields.Date.today() - timedelta(days=40)
        invoice.action_post()

    def _call(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs
        )

    def test_billing_user_reads_the_collection_data_of_the_customer(self):
        [row] = self._call(
            self.billing,
            "res.partner",
            "search_read",
            [("ref", "=", "PLAIN1")],
            fields=COLLECTION_FIELDS,
        )
        self.assertEqual(row["dso_reminder_plan_id"][1], "Key accounts")
        self.assertEqual(row["dso_amount_period_2"], 1200.0)
        self.assertEqual(row["dso_ageing_count"], 1)

    @mute_logger("odoo.http", "odoo.models")
    def test_plain_user_reads_no_collection_data_over_xmlrpc(self):
        for field in COLLECTION_FIELDS:
            with self.subTest(field=field), self.assertRaisesRegex(Fault, ACCESS):
                self._call(
                    self.plain,
                    "res.partner",
                    "search_read",
                    [("id", "=", self.customer.id)],
                    fields=["name", field],
                )
        # not even listed among the customer's fields (a read of all fields
        # fails on account's own fields for a user without accounting rights)
        listed = self._call(self.plain, "res.partner", "fields_get", attributes=["type"])
        self.assertIn("collection_contact_id", listed)
        self.assertFalse(set(COLLECTION_FIELDS) & set(listed))
        # nor by searching on them
        with self.assertRaisesRegex(Fault, ACCESS):
            self._call(
                self.plain,
                "res.partner",
                "search",
                [("dso_reminder_plan_id", "=", self.plan.id)],
            )
        for model in COLLECTION_MODELS:
            with self.subTest(model=model), self.assertRaisesRegex(Fault, ACCESS):
                self._call(self.plain, model, "search_read", [], fields=["id"])

    def test_plain_user_opens_customer_and_contact_forms_without_collection_data(self):
        for record in (self.customer, self.contact):
            form = Form(record.with_user(self.plain))
            self.assertEqual(form.name, record.name)
            self.assertFalse(set(COLLECTION_FIELDS) & set(form._view["fields"]), record.name)
        # the contact for collection and the banner of Contacts stay
        form = Form(self.customer.with_user(self.plain))
        self.assertEqual(form.collection_contact_id, self.contact)
        # the customers list and its filter of unreachable contacts
        Partner = self.env["res.partner"].with_user(self.plain)
        self.assertIn(
            self.customer, Partner.search([("dso_collection_unreachable", "=", True)])
        )
        views = Partner.get_views([[False, "list"], [False, "search"]])
        self.assertIn('name="dso_collection_unreachable"', views["views"]["search"]["arch"])
        self.assertNotIn('name="dso_reminder_problem"', views["views"]["search"]["arch"])

    def test_billing_user_sees_plan_reason_and_figures_on_the_form(self):
        form = Form(self.customer.with_user(self.billing))
        self.assertEqual(form.dso_reminder_plan_followed_id, self.plan)
        self.assertEqual(
            form.dso_reminder_plan_reason,
            "Set on the customer. This plan has no level: no reminder is sent.",
        )
        self.assertEqual(form.dso_amount_period_2, 1200.0)
        self.assertEqual(form.dso_ageing_count, 1)

    def test_plain_user_opens_customer_and_contact_from_contacts_tour(self):
        self.start_tour(
            "/odoo/action-base.action_partner_form",
            "dso_contacts_plain_user_contacts",
            login="dso_plain",
        )

    def test_billing_user_opens_customer_from_contacts_tour(self):
        self.start_tour(
            "/odoo/action-base.action_partner_form",
            "dso_contacts_billing_customer_screens",
            login="dso_plain_billing",
        )
