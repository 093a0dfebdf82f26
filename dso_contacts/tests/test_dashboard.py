# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

OVERDUE = ("amount_period_1", "amount_period_2", "amount_period_3", "amount_period_4")


@tagged("post_install", "-at_install")
class TestCollectionDashboard(AccountTestInvoicingHttpCommon):
    """The dashboard shows the figures of the DSO engine, the ageing view and
    the collection activity of the user's current company only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.company_a = cls.company_data["company"]
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.billing = new_test_user(
            cls.env,
            login="dso_dash_billing",
            groups="account.group_account_invoice",
            company_id=cls.company_a.id,
            company_ids=[Command.set((cls.company_a + cls.company_b).ids)],
        )
        cls.billing_b = new_test_user(
            cls.env,
            login="dso_dash_billing_b",
            groups="account.group_account_invoice",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        Partner = cls.env["res.partner"]
        cls.alpha = Partner.create({"name": "Dash Alpha SA", "is_company": True})
        cls.beta = Partner.create({"name": "Dash Beta SA", "is_company": True})
        cls.gamma = Partner.create({"name": "Dash Gamma SA", "is_company": True})
        days = timedelta(days=1)
        cls.alpha_late = cls._invoice(cls.alpha, cls.today - 40 * days, 300.0)
        cls._invoice(cls.alpha, cls.today + 10 * days, 1000.0)
        cls.beta_late = cls._invoice(cls.beta, cls.today - 100 * days, 800.0)
        # not overdue: not among the top overdue customers
        cls._invoice(cls.gamma, cls.today + 5 * days, 5000.0)
        cls.gamma_b = cls._invoice(
            cls.gamma, cls.today - 20 * days, 9000.0, company=cls.company_b
        )
        # promises: 2 kept and 1 broken in A (66.7 %), 1 broken in B (0 %)
        for state, company, move in (
            ("kept", cls.company_a, cls.alpha_late),
            ("kept", cls.company_a, cls.alpha_late),
            ("broken", cls.company_a, cls.beta_late),
            ("broken", cls.company_b, cls.gamma_b),
        ):
            cls.env["dso.payment.promise"].with_company(company).create(
                {
                    "company_id": company.id,
                    "partner_id": move.partner_id.id,
                    "move_ids": [Command.set(move.ids)],
                    "date": cls.today + 2 * days,
                    "state": state,
                }
            )
        # a past month's snapshot of each company: the trend
        last_month = cls.today.replace(day=1) - days
        for company in cls.company_a + cls.company_b:
            cls.env["dso.dso.snapshot"].with_company(company)._take(
                last_month, companies=company
            )

    @classmethod
    def _invoice(cls, partner, due, amount, company=None):
        company = company or cls.company_a
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": min(due - timedelta(days=30), cls.today),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Consulting", "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def _open(self, user, company):
        Dashboard = (
            self.env["dso.collection.dashboard"]
            .with_user(user)
            .with_context(allowed_company_ids=company.ids)
        )
        action = Dashboard.action_open_dashboard()
        return Dashboard.browse(action["res_id"])

    def test_dashboard_shows_the_engine_figures(self):
        dashboard = self._open(self.billing, self.company_a)
        self.assertEqual(dashboard.company_id, self.company_a)
        [engine] = (
            self.env["dso.dso"]
            .with_user(self.billing)
            .with_context(allowed_company_ids=self.company_a.ids)
            .get_company_dso(days=int(self.company_a.dso_period_days))
        )
        self.assertEqual(engine["company_id"], self.company_a.id)
        self.assertAlmostEqual(dashboard.dso, engine["dso"], places=1)
        self.assertAlmostEqual(
            dashboard.countback_dso, engine["countback_dso"] or 0.0, places=1
        )
        self.assertAlmostEqual(dashboard.receivables, 7100.0)
        self.assertGreater(dashboard.dso, 0.0)
        # the ageing by bucket is the ageing view's
        report = (
            self.env["dso.ageing.report"]
            .with_user(self.billing)
            .with_context(allowed_company_ids=self.company_a.ids)
        )
        [totals] = report._read_group(
            [("company_id", "=", self.company_a.id)],
            [],
            ["amount_not_due:sum", *(f"{name}:sum" for name in OVERDUE)],
        )
        self.assertAlmostEqual(dashboard.amount_not_due, totals[0])
        self.assertAlmostEqual(dashboard.amount_overdue, sum(totals[1:]))
        self.assertAlmostEqual(dashboard.amount_overdue, 1100.0)
        # the top overdue customers, largest first, without Gamma (not due)
        self.assertEqual(
            [(line.partner_id, line.amount_overdue) for line in dashboard.customer_ids],
            [(self.beta, 800.0), (self.alpha, 300.0)],
        )
        self.assertEqual(dashboard.customer_ids.mapped("amount_residual"), [800.0, 1300.0])
        # the promise-kept rate is the collection activity's
        [(rate,)] = (
            self.env["dso.collection.activity"]
            .with_user(self.billing)
            .with_context(allowed_company_ids=self.company_a.ids)
            ._read_group([("kind", "=", "promise")], [], ["kept_rate:avg"])
        )
        self.assertAlmostEqual(dashboard.kept_rate, rate, places=1)
        self.assertAlmostEqual(dashboard.kept_rate, 200.0 / 3, places=1)
        self.assertEqual((dashboard.kept_count, dashboard.broken_count), (2, 1))
        # the trend: the company's monthly snapshots, as the DSO trend view's
        self.assertEqual(dashboard.snapshot_ids.company_id, self.company_a)
        self.assertEqual(set(dashboard.snapshot_ids.mapped("scope")), {"company"})
        self.assertEqual(len(dashboard.snapshot_ids), 1)

    def test_company_b_sees_only_its_figures(self):
        dashboard_b = self._open(self.billing_b, self.company_b)
        self.assertEqual(dashboard_b.company_id, self.company_b)
        self.assertAlmostEqual(dashboard_b.receivables, 9000.0)
        self.assertEqual(dashboard_b.customer_ids.partner_id, self.gamma)
        self.assertAlmostEqual(dashboard_b.customer_ids.amount_overdue, 9000.0)
        self.assertEqual((dashboard_b.kept_count, dashboard_b.broken_count), (0, 1))
        self.assertEqual(dashboard_b.kept_rate, 0.0)
        self.assertEqual(dashboard_b.snapshot_ids.company_id, self.company_b)
        dashboard_a = self._open(self.billing, self.company_a)
        with self.assertRaises(AccessError):
            dashboard_a.with_user(self.billing_b).with_context(
                allowed_company_ids=self.company_b.ids
            ).read(["dso"])
        # refreshed, B's dashboard keeps B's figures
        dashboard_b.action_refresh()
        self.assertEqual(dashboard_b.customer_ids.partner_id, self.gamma)

    def test_dashboard_tour(self):
        self.start_tour(
            "/odoo/action-dso_contacts.dso_collection_dashboard_action",
            "dso_contacts_collection_dashboard",
            login="dso_dash_billing",
        )

    def test_dashboard_is_the_first_entry_of_collection_reporting(self):
        parent = self.env.ref("dso_contacts.menu_dso_reporting")
        menus = (
            self.env["ir.ui.menu"]
            .with_user(self.billing)
            .search([("parent_id", "=", parent.id)], order="sequence, id")
        )
        self.assertEqual(menus[:1], self.env.ref("dso_contacts.menu_dso_collection_dashboard"))
        self.assertEqual(
            menus[:1].action, self.env.ref("dso_contacts.dso_collection_dashboard_action")
        )
