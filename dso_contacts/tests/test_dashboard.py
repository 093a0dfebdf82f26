# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import inspect
import json
from datetime import timedelta
from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_autovacuum import is_autovacuum

from .common_figures import FiguresCommon

OVERDUE = ("amount_period_1", "amount_period_2", "amount_period_3", "amount_period_4")


@tagged("post_install", "-at_install")
class TestCollectionDashboard(FiguresCommon, HttpCase):
    """The dashboard shows the figures of the DSO engine, the ageing view and
    the collection activity of the user's current company only."""

    login_prefix = "dso_dash"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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

    def _open(self, user, company):
        Dashboard = (
            self.env["dso.collection.dashboard"]
            .with_user(user)
            .with_context(allowed_company_ids=company.ids)
        )
        action = Dashboard.action_open_dashboard()
        self.assertEqual(action["res_model"], "dso.collection.dashboard")
        return Dashboard.browse(action["res_id"])

    def _rpc(self, user, method, args, model="dso.collection.dashboard", **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, args, kwargs
        )

    def test_dashboard_shows_the_engine_figures(self):
        dashboard = self._open(self.billing, self.company_a)
        self.assertEqual(dashboard.user_id, self.billing)
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
        # the top overdue customers, largest first, without Gamma (not due),
        # with their amounts in the company
        customers = dashboard.top_customer_ids
        self.assertEqual(customers.ids, (self.beta + self.alpha).ids)
        self.assertEqual(customers.mapped("dso_amount_overdue"), [800.0, 300.0])
        self.assertEqual(customers.mapped("dso_amount_open"), [800.0, 1300.0])
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

    def test_trend_is_twelve_months_with_gaps(self):
        """Last month from its snapshot, the current month from today's
        figures, the months without a snapshot as gaps (null)."""
        dashboard = self._open(self.billing, self.company_a)
        [line] = json.loads(dashboard.dso_trend)
        values = line["values"]
        self.assertEqual(len(values), 12)
        [snapshot] = self.env["dso.dso.snapshot"].search(
            [("company_id", "=", self.company_a.id), ("scope", "=", "company")]
        )
        self.assertAlmostEqual(values[-2]["y"], snapshot.dso, places=1)
        self.assertAlmostEqual(values[-1]["y"], round(dashboard.dso, 1))
        self.assertEqual([value["y"] for value in values[:-2]], [None] * 10)
        self.assertEqual(len({value["x"] for value in values}), 12)
        # company B's line is B's
        dashboard_b = self._open(self.billing_b, self.company_b)
        [line_b] = json.loads(dashboard_b.dso_trend)
        [snapshot_b] = self.env["dso.dso.snapshot"].search(
            [("company_id", "=", self.company_b.id), ("scope", "=", "company")]
        )
        self.assertAlmostEqual(line_b["values"][-2]["y"], snapshot_b.dso, places=1)
        self.assertAlmostEqual(line_b["values"][-1]["y"], round(dashboard_b.dso, 1))

    def test_dashboard_survives_the_vacuum(self):
        """A tab left open for hours: its record is still there after the
        vacuum, refreshes, and the menu opens the same one."""
        dashboard = self._open(self.billing, self.company_a)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE dso_collection_dashboard "
            "SET create_date = create_date - interval '2 days', "
            "write_date = write_date - interval '2 days' WHERE id = %s",
            [dashboard.id],
        )
        # what ir.autovacuum runs for this model (without its commits)
        Model = self.env["dso.collection.dashboard"]
        for _name, method in inspect.getmembers(self.env.registry[Model._name], is_autovacuum):
            method(Model)
        self.env.invalidate_all()
        self.assertTrue(dashboard.exists())
        self.assertTrue(dashboard.action_refresh())
        self.assertAlmostEqual(dashboard.receivables, 7100.0)
        self.assertEqual(self._open(self.billing, self.company_a), dashboard)

    def test_each_user_and_company_sees_only_its_own(self):
        dashboard_a = self._open(self.billing, self.company_a)
        dashboard_b = self._open(self.billing_b, self.company_b)
        accountant = self._open(self.manager, self.company_a)
        self.assertEqual(len(dashboard_a | dashboard_b | accountant), 3)
        self.assertEqual(
            (dashboard_a | dashboard_b).mapped("display_name"),
            ["Collection dashboard"] * 2,
            "the screen's name in the breadcrumb, not its owner's",
        )
        # B's user: B's figures
        self.assertEqual(dashboard_b.company_id, self.company_b)
        self.assertAlmostEqual(dashboard_b.receivables, 9000.0)
        self.assertEqual(dashboard_b.top_customer_ids, self.gamma)
        self.assertEqual(dashboard_b.top_customer_ids.dso_amount_overdue, 9000.0)
        self.assertEqual((dashboard_b.kept_count, dashboard_b.broken_count), (0, 1))
        self.assertEqual(dashboard_b.kept_rate, 0.0)
        # the accountant: A's figures, as the Billing user's
        self.assertAlmostEqual(accountant.receivables, dashboard_a.receivables)
        self.assertEqual(accountant.top_customer_ids, dashboard_a.top_customer_ids)
        # A's user working in B: the same record, B's figures
        in_b = self._open(self.billing, self.company_b)
        self.assertEqual(in_b, dashboard_a)
        self.assertEqual(in_b.company_id, self.company_b)
        self.assertAlmostEqual(in_b.receivables, 9000.0)
        self.assertEqual(in_b.top_customer_ids, self.gamma)
        # another user's dashboard is refused, whatever the companies
        for user, other in (
            (self.billing_b, dashboard_a),
            (self.billing, accountant),
            (self.manager, dashboard_b),
        ):
            with self.assertRaises(AccessError):
                other.with_user(user).with_context(
                    allowed_company_ids=other.user_id.company_ids.ids
                ).read(["dso"])
            with self.assertRaises(AccessError):
                other.with_user(user).action_refresh()

    @mute_logger("odoo.http", "odoo.models")
    def test_other_users_dashboard_refused_over_xmlrpc(self):
        dashboard_a = self._open(self.billing, self.company_a)
        dashboard_b = self._open(self.billing_b, self.company_b)
        [values] = self._rpc(self.billing_b, "read", [dashboard_b.ids, ["receivables"]])
        self.assertAlmostEqual(values["receivables"], 9000.0)
        with self.assertRaisesRegex(Fault, "read"):
            self._rpc(self.billing_b, "read", [dashboard_a.ids, ["receivables"]])
        with self.assertRaisesRegex(Fault, "read"):
            self._rpc(self.billing_b, "action_refresh", [dashboard_a.ids])
        self.assertEqual(self._rpc(self.billing_b, "search", [[]]), dashboard_b.ids)
        # nor can a dashboard be made for someone else, or given away
        with self.assertRaisesRegex(Fault, "create"):
            self._rpc(self.billing_b, "create", [{"user_id": self.manager.id}])
        with self.assertRaisesRegex(Fault, "not allowed to modify"):
            self._rpc(self.billing_b, "write", [dashboard_b.ids, {"user_id": self.billing.id}])
        self.assertEqual(dashboard_b.user_id, self.billing_b)

    @mute_logger("odoo.http", "odoo.models")
    def test_ageing_by_customer_over_xmlrpc_is_of_the_users_companies(self):
        """A Billing user of company B reads B's ageing by customer over
        XML-RPC, nothing of A, even asking for A's rows or A in its allowed
        companies; nobody writes a stored figure."""
        self.env["dso.ageing.total"]._refresh(full=True)
        Ageing = self.env["dso.ageing.customer"]
        row_a = Ageing.search([("company_id", "=", self.company_a.id)], limit=1)
        self.assertTrue(row_a)
        rows = self._rpc(
            self.billing_b,
            "search_read",
            [[]],
            model="dso.ageing.customer",
            fields=["company_id", "partner_id", "amount_period_1"],
        )
        self.assertEqual(
            [(r["company_id"][0], r["partner_id"][0], r["amount_period_1"]) for r in rows],
            [(self.company_b.id, self.gamma.id, 9000.0)],
        )
        with self.assertRaisesRegex(Fault, "read"):
            self._rpc(
                self.billing_b, "read", [row_a.ids, ["amount_residual"]], model=row_a._name
            )
        with self.assertRaisesRegex(Fault, "unauthorized or invalid companies"):
            self._rpc(
                self.billing_b,
                "search_read",
                [[]],
                model=row_a._name,
                context={"allowed_company_ids": self.company_a.ids},
            )
        for model, method, args in (
            ("dso.ageing.total", "search_read", [[]]),
            ("dso.ageing.total", "_refresh", []),
            ("dso.ageing.customer", "write", [row_a.ids, {"amount_residual": 0}]),
        ):
            with self.subTest(model=model, method=method):
                with self.assertRaises(Fault):
                    self._rpc(self.billing, method, args, model=model)

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
