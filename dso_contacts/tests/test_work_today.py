# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta
from xmlrpc.client import Fault

from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import company_user
from .common_portal import PortalCommon, PortalHttpCommon
from .test_portal_reply import REPLY


class WorkCommon(PortalCommon):
    """A Billing user collects for the company: the customers' salesperson
    and the collector of what they record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dso_promise_grace_days = 0
        cls.company.dso_reminder_user_id = False
        cls.billing = company_user(
            cls.env, cls.company, "dso_work_billing", name="Bill Collector"
        )
        cls.other_collector = company_user(cls.env, cls.company, "dso_work_other")
        cls.customer.user_id = cls.billing
        cls.today = fields.Date.today()
        cls.Work = cls.env["dso.work.item"].with_user(cls.billing)

    def _lines(self, kind=None, customer=None):
        domain = [("partner_id", "=", (customer or self.customer).id)]
        if kind:
            domain.append(("kind", "=", kind))
        # a line keeps its id while its figures change: read them afresh
        self.env.invalidate_all()
        return self.Work.search(domain)

    def _broken_promise(self, invoice, customer=None):
        """A promise for today, broken by the daily check of tomorrow."""
        customer = customer or self.customer
        action = customer.with_user(self.billing).action_dso_record_promise()
        form = Form(
            self.env["dso.payment.promise"]
            .with_user(self.billing)
            .with_context(**action["context"])
        )
        form.move_ids.set(invoice)
        form.date = self.today
        promise = form.save()
        with freeze_time(self.today + timedelta(days=1)):
            self.env.ref("dso_contacts.ir_cron_check_promises").method_direct_trigger()
        self.assertEqual(promise.state, "broken")
        return promise


@tagged("post_install", "-at_install")
class TestWorkToday(WorkCommon, PortalHttpCommon):
    def test_broken_promise_is_work_until_paid(self):
        invoice = self._create_invoice(self.customer, self.today - timedelta(days=10))
        self.assertFalse(self._lines())
        promise = self._broken_promise(invoice)
        line = self._lines("promise")
        self.assertEqual(len(line), 1)
        self.assertEqual(
            (line.promise_id, line.user_id, line.company_id, line.amount_due, line.date),
            (promise, self.billing, self.company, 100.0, self.today),
        )
        self.assertIn("not paid", line.description)
        self._pay(invoice)
        self.assertFalse(self._lines("promise"), "paid: the promise needs no more work")

    def test_new_promise_taken_from_the_line_replaces_the_broken_one(self):
        invoice = self._create_invoice(self.customer, self.today - timedelta(days=10))
        self._broken_promise(invoice)
        line = self._lines("promise")
        action = line.action_record_promise()
        self.assertEqual(
            (action["res_model"], action["target"]), ("dso.payment.promise", "new")
        )
        form = Form(
            self.env["dso.payment.promise"]
            .with_user(self.billing)
            .with_context(**action["context"])
        )
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.source, "phone")
        form.date = self.today + timedelta(days=3)
        new_promise = form.save()
        self.assertEqual(new_promise.move_ids, invoice)
        self.assertFalse(self._lines("promise"))

    def test_open_dispute_is_work_until_resolved(self):
        invoice = self._create_invoice(self.customer, self.today - timedelta(days=3), 250.0)
        dispute = (
            self.env["dso.invoice.dispute"]
            .with_user(self.billing)
            .create({"move_id": invoice.id, "reason_id": self.reasons[0].id})
        )
        line = self._lines("dispute")
        self.assertEqual(
            (line.dispute_id, line.user_id, line.amount_due), (dispute, self.billing, 250.0)
        )
        # a click on the line opens its dispute
        action = line.action_open_source()
        self.assertEqual((action["res_model"], action["res_id"]), (dispute._name, dispute.id))
        dispute.with_user(self.billing).write({"resolution": "Credit note sent"})
        dispute.with_user(self.billing).action_resolve()
        self.assertFalse(self._lines("dispute"))

    def test_reply_is_work_until_a_call_is_logged(self):
        self._create_invoice(self.customer, self.today - timedelta(days=10))
        self._run_cron_mocked()
        reminder = self._reminders(self.customer)
        self.assertFalse(self._lines("reply"))
        self.format_and_process(
            REPLY,
            self.contact.email,
            reminder.reply_to_address,
            subject="Re: payment reminder",
            extra=f"In-Reply-To: {reminder.mail_id.message_id}\n"
            f"References: {reminder.mail_id.message_id}\n",
            target_model="res.partner",
        )
        line = self._lines("reply")
        self.assertEqual(line.reminder_id, reminder)
        self.assertEqual(line.user_id, self.billing)
        # the line's "log a call": Odoo's activity dialog, a call on the customer
        action = line.action_log_call()
        self.assertEqual((action["res_model"], action["target"]), ("mail.activity", "new"))
        Activity = self.env["mail.activity"].with_user(self.billing)
        form = Form(Activity.with_context(**action["context"]), view=action["views"][0][0])
        self.assertEqual(form.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        form.summary = "Called back: they will pay on Friday"
        activity = form.save()
        # on the reminder the customer answered
        self.assertEqual((activity.res_model, activity.res_id), ("dso.reminder", reminder.id))
        activity.action_done()
        logged = reminder.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(len(logged), 1)
        self.assertFalse(self._lines("reply"), "answered by a call: no more work")

    def test_last_level_is_work_until_paid(self):
        invoice = self._create_invoice(self.customer, self.today - timedelta(days=31), 400.0)
        self._run_cron_mocked()
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.level_id, self.level_final)
        line = self._lines("last_level")
        self.assertEqual((line.reminder_id, line.amount_due), (reminder, 400.0))
        # its next actions: a reminder now, in the line's company
        action = line.action_send_reminder()
        self.assertEqual(action["res_model"], "dso.reminder.send")
        wizard = Form(
            self.env["dso.reminder.send"]
            .with_user(self.billing)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.partner_ids[:], self.customer)
        self.assertEqual(wizard.company_id, self.company)
        self._pay(invoice)
        self.assertFalse(self._lines("last_level"))

    def test_customer_without_reachable_contact_is_work_until_fixed(self):
        customer = self.env["res.partner"].create(
            {"name": "Nobody SA", "is_company": True, "user_id": self.billing.id}
        )
        self._create_invoice(customer, self.today - timedelta(days=2), 70.0)
        line = self._lines("no_contact", customer)
        self.assertEqual((line.amount_due, line.user_id), (70.0, self.billing))
        self.assertEqual(line.description, "Owes money and has no contact for collection")
        self.assertEqual(
            line.action_open_customer(),
            {
                "type": "ir.actions.act_window",
                "res_model": "res.partner",
                "res_id": customer.id,
                "views": [(False, "form")],
                "target": "current",
            },
        )
        contact = self.env["res.partner"].create(
            {"name": "Silent Payer", "parent_id": customer.id, "is_collection_contact": True}
        )
        line = self._lines("no_contact", customer)
        self.assertIn("Silent Payer has no email", line.description)
        contact.email = "payer@nobody.example.com"
        self.assertFalse(self._lines("no_contact", customer))
        # a reminder that bounced makes the contact unreachable again (the
        # rule of the customers' "No reachable contact" filter), until its
        # address is corrected
        contact.sudo().message_bounce = 1
        self.assertTrue(customer.dso_collection_unreachable)
        line = self._lines("no_contact", customer)
        self.assertEqual(line.description, "Reminders to Silent Payer did not arrive")
        contact.email = "accounts@nobody.example.com"
        self.assertFalse(self._lines("no_contact", customer))
        self.env["mail.blacklist"].sudo()._add("accounts@nobody.example.com")
        self.assertIn("is blacklisted", self._lines("no_contact", customer).description)
        self.env["mail.blacklist"].sudo()._remove("accounts@nobody.example.com")
        self.assertFalse(self._lines("no_contact", customer))
        # the customers with a contact of the fixture are no work
        self._create_invoice(self.customer, self.today - timedelta(days=2))
        self.assertFalse(self._lines("no_contact"))

    def test_descriptions_read_together_are_those_of_each_line(self):
        """The texts of a whole list (every kind, one batch) are those of
        each line read alone."""
        self._create_invoice(self.customer, self.today - timedelta(days=31), 400.0)
        self._run_cron_mocked()
        disputed = self._create_invoice(self.customer, self.today - timedelta(days=3), 250.0)
        self.env["dso.invoice.dispute"].with_user(self.billing).create(
            {"move_id": disputed.id, "reason_id": self.reasons[0].id}
        )
        self._broken_promise(self._create_invoice(self.customer, self.today, 90.0))
        nobody = self.env["res.partner"].create(
            {"name": "Nobody SA", "is_company": True, "user_id": self.billing.id}
        )
        self._create_invoice(nobody, self.today - timedelta(days=2), 70.0)
        self.env.invalidate_all()
        lines = self.Work.search(
            [("partner_id", "in", (self.customer + nobody).ids)], order="kind, id"
        )
        together = {line.kind: line.description for line in lines}
        self.assertEqual(set(together), {"promise", "dispute", "last_level", "no_contact"})
        self.assertIn("not paid", together["promise"])
        self.assertIn(self.level_final.name, together["last_level"])
        self.assertIn("still unpaid", together["last_level"])
        self.assertEqual(
            together["no_contact"], "Owes money and has no contact for collection"
        )
        for line in lines:
            self.env.invalidate_all()
            self.assertEqual(self.Work.browse(line.id).description, together[line.kind])

    def test_my_work_filter_and_today_of_the_menu(self):
        other, _contact = self._create_customer("Beta")
        other.user_id = self.other_collector
        for customer in (self.customer, other):
            invoice = self._create_invoice(customer, self.today - timedelta(days=3))
            self.env["dso.invoice.dispute"].create(
                {
                    "move_id": invoice.id,
                    "reason_id": self.reasons[0].id,
                    "user_id": customer.user_id.id,
                }
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_work_item_action"
        )
        context = safe_eval(action["context"])
        self.assertTrue(context["search_default_my_work"] and context["search_default_today"])
        self.assertEqual(context["search_default_group_kind"], 1)
        arch = etree.fromstring(
            self.env["dso.work.item"].get_views([(False, "search")])["views"]["search"]["arch"]
        )
        domain = []
        for name in ("my_work", "today"):
            node = arch.xpath(f"//filter[@name='{name}']")[0]
            domain += safe_eval(
                node.get("domain"),
                {"uid": self.billing.id, "context_today": lambda: fields.Date.today()},
            )
        self.assertEqual(self.Work.search(domain).partner_id, self.customer)
        self.assertEqual(
            self.Work.with_user(self.other_collector)
            .search([("user_id", "=", self.other_collector.id)])
            .partner_id,
            other,
        )
        groups = self.Work.read_group(domain, ["partner_id"], ["kind"])
        self.assertEqual([(g["kind"], g["kind_count"]) for g in groups], [("dispute", 1)])

    def test_activity_figures_agree_with_the_records(self):
        paid = self._create_invoice(self.customer, self.today - timedelta(days=10))
        unpaid = self._create_invoice(self.customer, self.today - timedelta(days=9), 300.0)
        beta, _contact = self._create_customer("Beta", email=False)  # SMS only, no mobile
        self._create_invoice(beta, self.today - timedelta(days=20))
        self._run_cron_mocked()
        self._broken_promise(unpaid)
        promise = self._lines("promise").action_record_promise()
        form = Form(
            self.env["dso.payment.promise"]
            .with_user(self.billing)
            .with_context(**promise["context"])
        )
        form.move_ids.set(paid)
        form.date = self.today + timedelta(days=2)
        kept = form.save()
        self._pay(paid)
        self.env.ref("dso_contacts.ir_cron_check_promises").method_direct_trigger()
        self.assertEqual(kept.state, "kept")
        Activity = self.env["dso.collection.activity"].with_user(self.billing)
        Reminder = self.env["dso.reminder"]
        by_level = {
            group["level_id"][0]: group["reminder_count"]
            for group in Activity.read_group(
                [("kind", "=", "reminder")], ["reminder_count:sum"], ["level_id"]
            )
        }
        expected = {
            level.id: count
            for level, count in Reminder._read_group(
                [("is_draft", "=", False)], ["level_id"], ["__count"]
            )
        }
        self.assertEqual(by_level, expected)
        [totals] = Activity.read_group(
            [],
            [
                "reminder_count:sum",
                "undelivered_count:sum",
                "promise_count:sum",
                "kept_count:sum",
                "broken_count:sum",
                "kept_rate:avg",
            ],
            [],
        )
        self.assertEqual(
            totals["reminder_count"], Reminder.search_count([("is_draft", "=", False)])
        )
        self.assertEqual(
            totals["undelivered_count"],
            Reminder.search_count([("state", "in", ("failed", "partial"))]),
        )
        self.assertGreaterEqual(totals["undelivered_count"], 1, "Beta's SMS found no mobile")
        self.assertEqual((totals["promise_count"], totals["kept_count"]), (2, 1))
        self.assertEqual((totals["broken_count"], totals["kept_rate"]), (1, 50.0))
        # the customer's kept rate says the same
        self.assertEqual(self.customer.with_user(self.billing).dso_promise_kept_rate, 50.0)

    def test_dispute_figures_agree_with_the_records(self):
        invoice = self._create_invoice(self.customer, self.today - timedelta(days=3), 250.0)
        other = self._create_invoice(self.customer, self.today - timedelta(days=3), 40.0)
        Dispute = self.env["dso.invoice.dispute"]
        Dispute.create({"move_id": invoice.id, "reason_id": self.reasons[0].id})
        Dispute.create({"move_id": other.id, "reason_id": self.reasons[0].id}).action_resolve()
        nobody = self.env["res.partner"].create({"name": "Nobody SA", "is_company": True})
        self._create_invoice(nobody, self.today - timedelta(days=3))
        [totals] = (
            self.env["dso.collection.activity"]
            .with_user(self.billing)
            .read_group(
                [],
                [
                    "dispute_count:sum",
                    "dispute_open_count:sum",
                    "dispute_amount:sum",
                    "no_contact_count:sum",
                ],
                [],
            )
        )
        self.assertEqual(
            (totals["dispute_count"], totals["dispute_open_count"], totals["dispute_amount"]),
            (2, 1, 250.0),
        )
        self.assertEqual(totals["no_contact_count"], 1)

    def test_collector_takes_a_new_promise_from_my_work_today_tour(self):
        self.customer.name = "Tour Work SA"
        invoice = self._create_invoice(self.customer, self.today - timedelta(days=10), 500.0)
        self._broken_promise(invoice)
        disputed = self._create_invoice(self.customer, self.today - timedelta(days=2), 80.0)
        self.env["dso.invoice.dispute"].create(
            {
                "move_id": disputed.id,
                "reason_id": self.reasons[0].id,
                "user_id": self.billing.id,
            }
        )
        self.assertTrue(self._lines("promise"))
        self.start_tour(
            "/odoo/action-dso_contacts.dso_work_item_action",
            "dso_contacts_work_today",
            login="dso_work_billing",
        )
        self.assertFalse(self._lines("promise"), "the new promise answers the broken one")
        promise = self.env["dso.payment.promise"].search(
            [("partner_id", "=", self.customer.id), ("state", "=", "open")]
        )
        self.assertEqual(promise.move_ids, invoice)
        self.assertEqual(promise.user_id, self.billing)


@tagged("post_install", "-at_install")
class TestWorkTodayCompanies(WorkCommon, PortalHttpCommon):
    """A user of company B sees none of A's lines and acts on none of them,
    whatever ids it sends, through the ORM or over XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._setup_company_b()
        cls.user_b = company_user(cls.env, cls.company_b, "dso_work_b")
        cls.customer.company_id = False  # shared: owes to both companies
        invoice_a = cls._create_invoice(cls.customer, cls.today - timedelta(days=3), 111.0)
        invoice_b = cls._create_invoice(
            cls.customer, cls.today - timedelta(days=3), 999.0, company=cls.company_b
        )
        Dispute = cls.env["dso.invoice.dispute"]
        cls.dispute_a = Dispute.create(
            {"move_id": invoice_a.id, "reason_id": cls.reasons[0].id}
        )
        cls.dispute_b = Dispute.create(
            {"move_id": invoice_b.id, "reason_id": cls.reasons[0].id}
        )

    def test_each_company_sees_its_lines_only(self):
        line_a = self.Work.search([("kind", "=", "dispute")])
        self.assertEqual(line_a.dispute_id, self.dispute_a)
        line_b = self.Work.with_user(self.user_b).search([("kind", "=", "dispute")])
        self.assertEqual(line_b.dispute_id, self.dispute_b)
        self.assertEqual(line_b.amount_due, 999.0)
        activity_b = self.env["dso.collection.activity"].with_user(self.user_b)
        self.assertEqual(activity_b.search([]).company_id, self.company_b)

    def test_user_of_b_cannot_act_on_a_line_of_a(self):
        line_a = self.Work.search([("kind", "=", "dispute")])
        foreign = self.env["dso.work.item"].with_user(self.user_b).browse(line_a.id)
        for method in (
            "action_log_call",
            "action_record_promise",
            "action_send_reminder",
            "action_open_customer",
        ):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(foreign, method)()

    def test_user_of_b_over_xmlrpc_is_refused_a_line_of_a(self):
        line_a = self.Work.search([("kind", "=", "dispute")])
        for method in ("action_record_promise", "action_send_reminder", "read"):
            with self.subTest(method=method), mute_logger("odoo.http"):
                with self.assertRaisesRegex(Fault, "doesn't have 'read' access"):
                    self.xmlrpc_object.execute_kw(
                        self.env.cr.dbname,
                        self.user_b.id,
                        "dso_work_b",
                        "dso.work.item",
                        method,
                        [[line_a.id]],
                    )
        # its own line works over XML-RPC
        line_b = self.Work.with_user(self.user_b).search([("kind", "=", "dispute")])
        action = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.user_b.id,
            "dso_work_b",
            "dso.work.item",
            "action_record_promise",
            [[line_b.id]],
        )
        self.assertEqual(action["context"]["default_company_id"], self.company_b.id)
