# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common_figures import FiguresCommon

BUCKETS = (
    "amount_not_due",
    "amount_period_1",
    "amount_period_2",
    "amount_period_3",
    "amount_period_4",
    "amount_credit",
)
OVERDUE = ("amount_period_1", "amount_period_2", "amount_period_3", "amount_period_4")
OPEN_ITEMS = [
    ("account_type", "=", "asset_receivable"),
    ("parent_state", "=", "posted"),
    ("reconciled", "=", False),
]


@tagged("post_install", "-at_install")
class TestAgeingTotals(FiguresCommon):
    """The ageing by customer, read from the stored totals and live for the
    customers changed since, agrees to the cent with Odoo's journal items
    after each kind of change, and before and after the scheduled refresh."""

    login_prefix = "dso_totals"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.alpha = Partner.create({"name": "Totals Alpha SA", "is_company": True})
        cls.alpha_payer = Partner.create(
            {"name": "Totals Alpha Payer", "parent_id": cls.alpha.id, "type": "invoice"}
        )
        cls.beta = Partner.create({"name": "Totals Beta SA", "is_company": True})
        cls.beta_twin = Partner.create({"name": "Totals Beta SARL", "is_company": True})
        cls.gamma = Partner.create({"name": "Totals Gamma SA", "is_company": True})
        days = timedelta(days=1)
        today = cls.today
        cls.alpha_late = cls._invoice(cls.alpha, today - 40 * days, 300.0)
        cls._invoice(cls.alpha, today + 10 * days, 1000.0)
        cls.payer_late = cls._invoice(cls.alpha_payer, today - 100 * days, 450.0)
        cls._invoice(cls.alpha, today - 5 * days, 120.0, move_type="out_refund")
        cls.beta_late = cls._invoice(cls.beta, today - 70 * days, 800.0)
        cls._invoice(cls.beta_twin, today - 20 * days, 210.0)
        cls._invoice(cls.gamma, today + 5 * days, 5000.0)
        cls.gamma_b = cls._invoice(cls.gamma, today - 20 * days, 9000.0, company=cls.company_b)
        cls.cron = cls.env.ref("dso_contacts.ir_cron_dso_ageing_total_refresh")
        # the totals as the scheduled action leaves them: stored, no change
        cls.env["dso.ageing.total"]._refresh(full=True)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _customers(self, user=None, companies=None):
        return self._as_user("dso.ageing.customer", user, companies)

    def _ledger(self):
        """{(company id, customer id): open amount} from Odoo's journal
        items (receivable, posted, not reconciled), customers being the
        items' partners' commercial partners."""
        ledger = defaultdict(float)
        for company, partner, amount in self.env["account.move.line"]._read_group(
            [*OPEN_ITEMS, ("company_id", "in", (self.company_a + self.company_b).ids)],
            ["company_id", "partner_id"],
            ["amount_residual:sum"],
        ):
            ledger[company.id, partner.commercial_partner_id.id] += amount
        return {key: amount for key, amount in ledger.items() if round(amount, 2)}

    def _report_buckets(self):
        """{(company id, customer id): [bucket amounts]} of the ageing of
        the open items (the live view, today's buckets)."""
        return {
            (company.id, partner.id): amounts
            for company, partner, *amounts in self.env["dso.ageing.report"]
            .with_context(allowed_company_ids=(self.company_a + self.company_b).ids)
            ._read_group([], ["company_id", "partner_id"], [f"{f}:sum" for f in BUCKETS])
        }

    def _ageing(self, Customers=None):
        Customers = Customers or self._customers()
        return {
            (company.id, partner.id): (residual, overdue, buckets)
            for company, partner, residual, overdue, *buckets in Customers._read_group(
                [],
                ["company_id", "partner_id"],
                [
                    "amount_residual:sum",
                    "amount_overdue:sum",
                    *(f"{name}:sum" for name in BUCKETS),
                ],
            )
        }

    def assertAgeingIsLedger(self):
        """The ageing by customer equals the journal items to the cent, each
        customer's buckets those of the ageing of the open items."""
        ledger = self._ledger()
        ageing = self._ageing()
        report = self._report_buckets()
        self.assertEqual(set(ageing), set(ledger))
        for key, (residual, overdue, buckets) in ageing.items():
            self.assertAlmostEqual(residual, ledger[key], places=2, msg=key)
            for name, amount, expected in zip(BUCKETS, buckets, report[key], strict=True):
                self.assertAlmostEqual(amount, expected, places=2, msg=(key, name))
            self.assertAlmostEqual(sum(buckets), residual, places=2, msg=key)
            self.assertAlmostEqual(overdue, sum(buckets[1:5]), places=2, msg=key)
        return ageing

    def _changed(self):
        """The customers logged as changed (commercial partners, 0: none)."""
        self.env.flush_all()
        self.env.cr.execute(self.env["dso.ageing.change"]._changed_customers_sql())
        return {row[0] for row in self.env.cr.fetchall()}

    def _stored(self, ahead=0):
        """{(company id, customer id): (open amount, date)} of the totals
        stored for today plus ``ahead`` days."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT company_id, partner_id, amount_residual, date FROM dso_ageing_total "
                "WHERE date = CURRENT_DATE + %s",
                ahead,
            )
        )
        return {(c, p): (amount, date) for c, p, amount, date in self.env.cr.fetchall()}

    def _stored_buckets(self, ahead):
        """{(company id, customer id): [bucket amounts]} stored for today
        plus ``ahead`` days, customers with an open amount."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT company_id, COALESCE(partner_id, 0), %s FROM dso_ageing_total "
                "WHERE date = CURRENT_DATE + %s AND amount_residual != 0",
                SQL(", ").join(SQL.identifier(name) for name in BUCKETS),
                ahead,
            )
        )
        return {(c, p): list(amounts) for c, p, *amounts in self.env.cr.fetchall()}

    def assertStoredAreAgedOn(self, ahead):
        """The totals stored for today plus ``ahead`` days are the open
        items aged on that day by the DSO engine (``_ageing_at``)."""
        date = self.today + timedelta(days=ahead)
        expected = self.env["dso.dso"]._ageing_at(
            date, "customer", self.company_a + self.company_b
        )
        stored = self._stored_buckets(ahead)
        self.assertEqual(set(stored), set(expected))
        for key, amounts in stored.items():
            for name, amount in zip(BUCKETS, amounts, strict=True):
                self.assertAlmostEqual(amount, expected[key][name], places=2, msg=(key, name))

    def assertRefreshedIsLedger(self):
        """After the scheduled action: nothing logged, the stored totals
        (of today) are the journal items, and so is the ageing."""
        self.cron.method_direct_trigger()
        self.assertFalse(self._changed())
        stored = self._stored()
        ledger = self._ledger()
        self.assertEqual({key for key, (amount, _d) in stored.items() if amount}, set(ledger))
        for key, (amount, date) in stored.items():
            self.assertAlmostEqual(amount, ledger.get(key, 0.0), places=2, msg=key)
            self.assertEqual(date, self.today)
        # and tomorrow's, computed ahead: the same amounts, aged a day later
        tomorrow = self._stored(ahead=1)
        self.assertEqual(set(tomorrow), set(stored))
        for key, (amount, date) in tomorrow.items():
            self.assertAlmostEqual(amount, stored[key][0], places=2, msg=key)
            self.assertEqual(date, self.today + timedelta(days=1))
        self.assertStoredAreAgedOn(0)
        self.assertStoredAreAgedOn(1)
        self.assertAgeingIsLedger()

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def test_stored_totals_are_the_journal_items(self):
        self.assertFalse(self._changed())
        stored = self._stored()
        alpha = self.company_a.id, self.alpha.id
        # Alpha's own items and its payer's: one customer
        self.assertAlmostEqual(stored[alpha][0], 300.0 + 1000.0 + 450.0 - 120.0, places=2)
        self.assertEqual(stored[self.company_b.id, self.gamma.id][0], 9000.0)
        ageing = self.assertAgeingIsLedger()
        _residual, overdue, buckets = ageing[alpha]
        self.assertEqual(overdue, 750.0)
        self.assertEqual(buckets, [1000.0, 0.0, 300.0, 0.0, 450.0, -120.0])

    def test_ageing_reads_the_stored_totals_of_unchanged_customers(self):
        """What makes the other tests worth it: a stored total not logged as
        changed is what the ageing shows; logged, the items are read."""
        self.env.cr.execute(
            SQL(
                "UPDATE dso_ageing_total SET amount_residual = 1 WHERE partner_id = %s",
                self.gamma.id,
            )
        )
        ageing = self._ageing()
        self.assertEqual(ageing[self.company_a.id, self.gamma.id][0], 1.0)
        self.env["dso.ageing.change"]._log_partners(self.gamma.ids)
        self.assertEqual(self._changed(), {self.gamma.id})
        self.env["dso.ageing.customer"].invalidate_model()
        self.assertEqual(self._ageing()[self.company_a.id, self.gamma.id][0], 5000.0)

    def test_payment_reconciled(self):
        self._pay(self.alpha_late, 100.0)
        self._pay(self.payer_late)
        self.assertIn(self.alpha.id, self._changed())
        ageing = self.assertAgeingIsLedger()
        self.assertEqual(ageing[self.company_a.id, self.alpha.id][0], 200.0 + 1000.0 - 120.0)
        self.assertRefreshedIsLedger()

    def test_new_invoice_posted(self):
        delta = self.env["res.partner"].create({"name": "Totals Delta SA", "is_company": True})
        draft = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": delta.id,
                "invoice_date": self.today,
                "invoice_line_ids": [
                    Command.create({"name": "Draft", "price_unit": 70.0, "tax_ids": []})
                ],
            }
        )
        self.assertNotIn((self.company_a.id, delta.id), self.assertAgeingIsLedger())
        draft.action_post()
        self._invoice(self.beta, self.today - timedelta(days=200), 66.0)
        ageing = self.assertAgeingIsLedger()
        self.assertEqual(ageing[self.company_a.id, delta.id][1], 0.0)
        self.assertEqual(ageing[self.company_a.id, delta.id][2][0], 70.0)
        self.assertEqual(ageing[self.company_a.id, self.beta.id][2][3:5], [800.0, 66.0])
        self.assertRefreshedIsLedger()
        # posted, then back to draft: out of the ageing again
        draft.button_draft()
        self.assertNotIn((self.company_a.id, delta.id), self.assertAgeingIsLedger())
        self.assertRefreshedIsLedger()

    def test_partner_merge(self):
        wizard = self.env["base.partner.merge.automatic.wizard"]
        wizard._merge((self.beta + self.beta_twin).ids, self.beta)
        self.assertFalse(self.beta_twin.exists())
        ageing = self.assertAgeingIsLedger()
        self.assertEqual(ageing[self.company_a.id, self.beta.id][0], 800.0 + 210.0)
        self.assertRefreshedIsLedger()

    def test_contact_moved_to_another_customer(self):
        self.alpha_payer.parent_id = self.beta
        ageing = self.assertAgeingIsLedger()
        self.assertEqual(ageing[self.company_a.id, self.beta.id][0], 800.0 + 450.0)
        self.assertEqual(ageing[self.company_a.id, self.alpha.id][0], 300.0 + 1000.0 - 120.0)
        self.assertRefreshedIsLedger()

    def test_salesperson_changed(self):
        self.alpha.user_id = self.manager
        Customers = self._customers()
        row = Customers.search([("partner_id", "=", self.alpha.id)])
        self.assertEqual(row.user_id, self.manager)
        # the pivot as it opens: salespeople x buckets
        by_user = dict(
            Customers._read_group(
                [("company_id", "=", self.company_a.id)], ["user_id"], ["amount_overdue:sum"]
            )
        )
        self.assertEqual(by_user[self.manager], 750.0)
        self.assertRefreshedIsLedger()
        self.assertEqual(self._customers().search([("user_id", "=", self.manager.id)]), row)

    def test_day_changed(self):
        """Totals of other days are not read: the buckets move with the
        days. With none stored for today (the scheduled action stopped for
        two days), the ageing reads the items; its first run computes them
        all again, today's and tomorrow's."""
        Total = self.env["dso.ageing.total"]
        # the totals of the day before yesterday and yesterday, whose
        # buckets are not today's
        self.env.cr.execute(
            SQL(
                "UPDATE dso_ageing_total SET date = date - 2, amount_period_1 = 0, "
                "amount_period_2 = 0, amount_not_due = amount_residual"
            )
        )
        Total.invalidate_model()
        self.assertFalse(Total._is_fresh())
        self.assertFalse(self._changed())
        self.assertAgeingIsLedger()
        self.assertRefreshedIsLedger()
        self.assertTrue(Total._is_fresh())
        self.assertTrue(Total._is_fresh(1))

    def test_new_day_reads_the_totals_computed_the_day_before(self):
        """Each refresh stores the ageing of tomorrow beside today's: at
        midnight the new day's totals are there, and the first user of the
        day reads them rather than every open item."""
        Total = self.env["dso.ageing.total"]
        self._invoice(self.beta, self.today, 640.0)
        # due a limit's number of days ago: tomorrow in the next bucket
        company = self.company_a
        for days in (company.dso_ageing_limit_1, company.dso_ageing_limit_3):
            self._invoice(self.beta_twin, self.today - timedelta(days=days), 77.0)
        # the changed customers refreshed (each of their items aged on both
        # days), then everything (tomorrow's from today's and the items that
        # change bucket overnight)
        self.assertRefreshedIsLedger()
        stored = self._stored_buckets(0), self._stored_buckets(1)
        Total._refresh(full=True)
        self.assertEqual((self._stored_buckets(0), self._stored_buckets(1)), stored)
        self.assertStoredAreAgedOn(1)
        twin = company.id, self.beta_twin.id
        for name in ("amount_period_2", "amount_period_4"):
            column = BUCKETS.index(name)
            self.assertEqual(stored[1][twin][column] - stored[0][twin][column], 77.0)
        beta = self.company_a.id, self.beta.id
        # the invoice due today is not due today, one day late tomorrow
        today, tomorrow = self._stored_buckets(0)[beta], self._stored_buckets(1)[beta]
        self.assertEqual(today[BUCKETS.index("amount_not_due")], 640.0)
        self.assertEqual(tomorrow[BUCKETS.index("amount_not_due")], 0.0)
        self.assertEqual(
            tomorrow[BUCKETS.index("amount_period_1")],
            today[BUCKETS.index("amount_period_1")] + 640.0,
        )
        # midnight: today's rows are yesterday's, tomorrow's are today's
        self.env.cr.execute(SQL("DELETE FROM dso_ageing_total WHERE date = CURRENT_DATE"))
        self.env.cr.execute(SQL("UPDATE dso_ageing_total SET date = date - 1"))
        Total.invalidate_model()
        self.assertTrue(Total._is_fresh())
        self.assertFalse(Total._is_fresh(1))
        # the ageing by customer reads the stored rows (aged on the day they
        # were computed for), not the items: Beta's invoice is one day late
        _residual, overdue, buckets = self._ageing()[beta]
        self.assertEqual(buckets, tomorrow)
        self.assertEqual(overdue, sum(tomorrow[1:5]))
        # the day's first scheduled run stores today's and tomorrow's again
        self.assertEqual(Total._refresh(), None)
        self.assertTrue(Total._is_fresh(1))
        self.assertRefreshedIsLedger()
        self.assertEqual(self._ageing()[beta][2], today)

    def test_cron_refreshes_only_the_changed_customers(self):
        self._pay(self.alpha_late)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE dso_ageing_total SET amount_credit = 7 WHERE partner_id = %s",
                self.gamma.id,
            )
        )
        self.assertEqual(self.env["dso.ageing.total"]._refresh(), 1)
        # gamma, unchanged, was not computed again
        self.env.cr.execute(
            SQL(
                "SELECT amount_credit FROM dso_ageing_total WHERE partner_id = %s",
                self.gamma.id,
            )
        )
        self.assertEqual({row[0] for row in self.env.cr.fetchall()}, {7.0})
        self.assertAlmostEqual(
            self._stored()[self.company_a.id, self.alpha.id][0], 1000.0 + 450.0 - 120.0
        )

    def test_open_items_of_a_customer(self):
        row = self._customers().search(
            [("partner_id", "=", self.alpha.id), ("company_id", "=", self.company_a.id)]
        )
        action = row.action_open_items()
        self.assertEqual(action["res_model"], "dso.ageing.report")
        items = self.env["dso.ageing.report"].with_user(self.billing).search(action["domain"])
        self.assertEqual(
            items.move_id,
            self.env["account.move"].search(
                [("partner_id", "child_of", self.alpha.id), ("state", "=", "posted")]
            ),
        )
        self.assertAlmostEqual(sum(items.mapped("amount_residual")), row.amount_residual)

    def test_list_order_and_labels(self):
        Customers = self._customers(companies=self.company_a)
        rows = Customers.search([])
        self.assertEqual(rows[0].partner_id, self.beta)
        self.assertEqual(
            rows.mapped("amount_overdue"), sorted(rows.mapped("amount_overdue"))[::-1]
        )
        self.company_a.dso_ageing_limit_1 = 15
        # the stored totals follow the new limits
        self.assertFalse(self._changed())
        ageing = self.assertAgeingIsLedger()
        self.assertEqual(ageing[self.company_a.id, self.beta_twin.id][2][1:3], [0.0, 210.0])
        labels = Customers.fields_get(["amount_period_1", "amount_period_4"], ["string"])
        self.assertEqual(labels["amount_period_1"]["string"], "1-15 days")
        self.assertEqual(labels["amount_period_4"]["string"], "Over 90 days")

    def test_user_of_company_b_sees_nothing_of_a(self):
        Customers = self.env["dso.ageing.customer"].with_user(self.billing_b)
        rows = Customers.search([])
        self.assertEqual(rows.company_id, self.company_b)
        self.assertEqual(rows.partner_id, self.gamma)
        self.assertFalse(Customers.search([("partner_id", "=", self.alpha.id)]))
        self.assertEqual(Customers._read_group([], [], ["amount_residual:sum"]), [(9000.0,)])
        with self.assertRaises(AccessError):
            Customers.with_context(allowed_company_ids=self.company_a.ids).search([])
        # over the ORM with company A's ids
        row_a = self._customers().search([("company_id", "=", self.company_a.id)], limit=1)
        with self.assertRaises(AccessError):
            Customers.browse(row_a.ids).read(["amount_residual"])
        # the billing user of both, with only B selected in the switcher
        only_b = self._customers(companies=self.company_b)
        self.assertEqual(only_b.search([]).company_id, self.company_b)

    def test_rights(self):
        Customers = self._customers()
        self.assertTrue(Customers.search([]))
        for operation in ("write", "create", "unlink"):
            self.assertFalse(Customers.has_access(operation))
        # the stored totals and the log are the engine's, not a screen
        for model in ("dso.ageing.total", "dso.ageing.change"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.billing).search([])
        accountant = self._customers(user=self.manager)
        self.assertEqual(set(self._ageing(accountant)), set(self._ledger()))
        # a user without Billing rights reads nothing
        plain = new_test_user(self.env, login="dso_totals_plain", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["dso.ageing.customer"].with_user(plain).search([])

    def test_dashboard_reads_the_ageing_by_customer(self):
        dashboard = self.env["dso.collection.dashboard"].with_user(self.billing)
        values = dashboard._dashboard_values(self.company_a)
        engine = self.env["dso.dso"].with_user(self.billing)
        today = self.company_a._dso_reminder_today()
        figures = engine._ageing_at(today, companies=self.company_a)[self.company_a.id, 0]
        for name in BUCKETS:
            self.assertAlmostEqual(values[name], figures[name], places=2, msg=name)
        self.assertEqual(
            values["top_customer_ids"], [self.beta.id, self.alpha.id, self.beta_twin.id]
        )
        self._pay(self.beta_late)
        values = dashboard._dashboard_values(self.company_a)
        self.assertEqual(values["top_customer_ids"], [self.alpha.id, self.beta_twin.id])
        self.assertAlmostEqual(values["amount_overdue"], 750.0 + 210.0)
