# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common_figures import FiguresCommon

BUCKETS = (
    "amount_not_due",
    "amount_period_1",
    "amount_period_2",
    "amount_period_3",
    "amount_period_4",
    "amount_credit",
)
OPEN_ITEMS = [
    ("account_type", "=", "asset_receivable"),
    ("parent_state", "=", "posted"),
    ("reconciled", "=", False),
    ("amount_residual", "!=", 0),
]


@tagged("post_install", "-at_install")
class TestCockpitFigures(FiguresCommon):
    """Ageing and DSO of two companies (A in USD, B in CHF with invoices in
    EUR), with payments, a partial payment, a credit note, an open payment
    and a dispute, compared with Odoo's own journal items."""

    login_prefix = "dso_fig"
    billing_groups = "account.group_account_invoice,base.group_allow_export"

    @classmethod
    def _setup_company_b(cls):
        cls.env.ref("base.CHF").active = True
        return cls.setup_other_company(
            name="Company B", currency_id=cls.env.ref("base.CHF").id
        )["company"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create(
            [
                {
                    "name": "2000-01-01",
                    "rate": 0.8,
                    "currency_id": cls.eur.id,
                    "company_id": cls.company_b.id,
                },
                {
                    "name": "2000-01-01",
                    "rate": 0.5,
                    "currency_id": cls.eur.id,
                    "company_id": cls.company_a.id,
                },
            ]
        )
        Partner = cls.env["res.partner"]
        cls.alpha = Partner.create({"name": "Alpha SA", "is_company": True})
        cls.alpha_payer = Partner.create(
            {"name": "Alpha Payer", "parent_id": cls.alpha.id, "type": "invoice"}
        )
        cls.beta = Partner.create({"name": "Beta SA", "is_company": True})
        days = timedelta(days=1)
        today = cls.today
        # company A, Alpha
        cls.not_due = cls._invoice(cls.alpha, today + 10 * days, 1000.0)
        cls.partial = cls._invoice(cls.alpha_payer, today - 15 * days, 500.0)
        cls.paid = cls._invoice(cls.alpha, today - 45 * days, 700.0)
        cls.late = cls._invoice(cls.alpha, today - 100 * days, 400.0)
        cls.in_eur = cls._invoice(cls.alpha, today - 70 * days, 300.0, currency=cls.eur)
        cls.refund = cls._invoice(cls.alpha, today - 5 * days, 150.0, move_type="out_refund")
        cls._pay(cls.partial, 200.0)
        cls._pay(cls.paid)
        cls.open_payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": cls.alpha.id,
                "amount": 80.0,
                "journal_id": cls.company_data["default_journal_bank"].id,
            }
        )
        cls.open_payment.action_post()
        cls.env["dso.invoice.dispute"].create(
            {
                "move_id": cls.late.id,
                "reason_id": cls.env.ref("dso_contacts.dispute_reason_amount").id,
            }
        )
        # company A, Beta
        cls._invoice(cls.beta, today - 20 * days, 250.0)
        # company B, Beta, in EUR and in CHF
        cls.b_eur = cls._invoice(
            cls.beta, today - 5 * days, 1000.0, currency=cls.eur, company=cls.company_b
        )
        cls.b_chf = cls._invoice(cls.beta, today - 35 * days, 250.0, company=cls.company_b)
        cls._pay(cls.b_chf, 50.0)

    def _report(self, user=None, companies=None):
        return self._as_user("dso.ageing.report", user, companies)

    # ------------------------------------------------------------------
    # Ageing
    # ------------------------------------------------------------------

    def test_ageing_totals_agree_with_journal_items(self):
        """Per company and customer, to the cent, in the company currency."""
        Report = self._report()
        ledger = {
            (company.id, partner.commercial_partner_id.id): amount
            for company, partner, amount in self.env["account.move.line"]._read_group(
                [*OPEN_ITEMS, ("company_id", "in", (self.company_a + self.company_b).ids)],
                ["company_id", "partner_id"],
                ["amount_residual:sum"],
            )
        }
        ageing = {}
        for company, partner, *amounts in Report._read_group(
            [],
            ["company_id", "partner_id"],
            ["amount_residual:sum"] + [f"{name}:sum" for name in BUCKETS],
        ):
            ageing[company.id, partner.id] = amounts
        self.assertEqual(set(ageing), {key for key, amount in ledger.items() if amount})
        for key, (total, *buckets) in ageing.items():
            self.assertAlmostEqual(total, ledger[key], places=2)
            self.assertAlmostEqual(sum(buckets), total, places=2)

    def test_ageing_buckets_of_a_customer(self):
        """Each item in its bucket; the credits apart, not netted; the EUR
        invoice in the company's currency; the paid one gone."""
        Report = self._report(companies=self.company_a)
        (row,) = Report.read_group(
            [("partner_id", "=", self.alpha.id)],
            ["amount_residual:sum", *(f"{name}:sum" for name in BUCKETS)],
            [],
        )
        self.assertAlmostEqual(row["amount_not_due"], 1000.0, places=2)
        # 500 partly paid (200), by the invoice contact: the customer's
        self.assertAlmostEqual(row["amount_period_1"], 300.0, places=2)
        self.assertAlmostEqual(row["amount_period_2"], 0.0, places=2)
        # 300 EUR at 0.5 EUR per USD
        self.assertAlmostEqual(row["amount_period_3"], 600.0, places=2)
        self.assertAlmostEqual(row["amount_period_4"], 400.0, places=2)
        self.assertAlmostEqual(row["amount_credit"], -230.0, places=2)
        self.assertAlmostEqual(row["amount_residual"], 2070.0, places=2)
        disputed = Report.search([("disputed", "=", True)])
        self.assertEqual(disputed.move_id, self.late)
        self.assertFalse(Report.search([("move_id", "=", self.paid.id)]))

    def test_ageing_limits_come_from_the_company(self):
        self.company_a.write(
            {"dso_ageing_limit_1": 10, "dso_ageing_limit_2": 20, "dso_ageing_limit_3": 50}
        )
        Report = self._report(companies=self.company_a)
        line = Report.search([("move_id", "=", self.partial.id)])
        self.assertEqual(line.bucket, "2_period")
        description = Report.fields_get(["bucket", "amount_period_2"], ["selection", "string"])
        self.assertEqual(dict(description["bucket"]["selection"])["2_period"], "11-20 days")
        self.assertEqual(description["amount_period_2"]["string"], "11-20 days")
        with self.assertRaises(ValidationError):
            self.company_a.dso_ageing_limit_2 = 60

    def test_ageing_export(self):
        """Odoo's export (XLSX and CSV read the same export_data)."""
        Report = self._report(companies=self.company_a)
        rows = Report.search([("partner_id", "=", self.alpha.id)]).export_data(
            ["partner_id", "move_id", "bucket", "amount_residual"]
        )["datas"]
        self.assertEqual({row[0] for row in rows}, {"Alpha SA"})
        self.assertIn("Not due", {row[2] for row in rows})
        self.assertEqual(len(rows), 6)

    def test_customer_form_and_smart_button(self):
        alpha = self.alpha.with_user(self.billing).with_context(
            allowed_company_ids=self.company_a.ids
        )
        self.assertAlmostEqual(alpha.dso_amount_period_4, 400.0, places=2)
        self.assertAlmostEqual(alpha.dso_amount_credit, -230.0, places=2)
        self.assertEqual(alpha.dso_ageing_count, 6)
        # 2070 owed over the credit sales of 90 days
        sales = sum(
            move.amount_total_signed
            for move in (
                self.not_due,
                self.partial,
                self.paid,
                self.late,
                self.refund,
                self.in_eur,
            )
            if move.invoice_date > self.today - timedelta(days=90)
        )
        self.assertAlmostEqual(alpha.dso_dso, 2070.0 / sales * 90, delta=0.05)
        # the customer form shows them to a Billing user
        form = Form(alpha)
        self.assertAlmostEqual(form.dso_amount_not_due, 1000.0, places=2)
        self.assertEqual(form.dso_ageing_count, 6)
        action = alpha.action_view_dso_ageing()
        items = self._report(companies=self.company_a).search(action["domain"])
        self.assertEqual(len(items), 6)
        self.assertIn(self.partial, items.move_id)

    # ------------------------------------------------------------------
    # DSO
    # ------------------------------------------------------------------

    def test_receivables_agree_with_journal_items(self):
        Engine = (
            self.env["dso.dso"]
            .with_user(self.billing)
            .with_context(allowed_company_ids=(self.company_a + self.company_b).ids)
        )
        for scope, groupby in (("company", "company_id"), ("customer", "partner_id")):
            figures = Engine._receivables(self.today, scope)
            expected = {}
            for company, *key, balance in self.env["account.move.line"]._read_group(
                [
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", self.today),
                    ("company_id", "in", (self.company_a + self.company_b).ids),
                ],
                ["company_id", *([groupby] if scope == "customer" else [])],
                ["balance:sum"],
            ):
                key_id = key[0].commercial_partner_id.id if key else 0
                expected.setdefault((company.id, key_id), 0.0)
                expected[company.id, key_id] += balance
            self.assertEqual(set(figures), set(expected))
            for key, balance in expected.items():
                self.assertAlmostEqual(figures[key], balance, places=2)
        # the ageing at a date sums to the receivables at that date
        ageing = Engine._ageing_at(self.today, "customer")
        receivables = Engine._receivables(self.today, "customer")
        for key, buckets in ageing.items():
            self.assertAlmostEqual(sum(buckets.values()), receivables[key], places=2)

    def test_receivables_of_today_with_items_dated_after_today(self):
        """Today's receivables come from the stored ageing totals less the
        items dated after today: a payment dated next week of an invoice
        posted before, and an invoice dated next week, change the open
        residuals but not the receivables at today."""
        later = self.today + timedelta(days=7)
        self._pay(self.late, date=later)
        self._pay(self.in_eur, 100.0, date=later)
        future = self._invoice(self.beta, later + timedelta(days=30), 90.0)
        future.button_draft()
        future.write({"invoice_date": later, "date": later})
        future.action_post()
        Engine = (
            self.env["dso.dso"]
            .with_user(self.billing)
            .with_context(allowed_company_ids=(self.company_a + self.company_b).ids)
        )
        self.assertTrue(Engine._is_database_today(self.today))
        figures = Engine._receivables(self.today)
        for company in self.company_a + self.company_b:
            [(balance,)] = self.env["account.move.line"]._read_group(
                [
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", self.today),
                    ("company_id", "=", company.id),
                ],
                [],
                ["balance:sum"],
            )
            self.assertAlmostEqual(figures[company.id, 0], balance, places=2)
            # the same as the balances summed by customer (read from the items)
            by_customer = Engine._receivables(self.today, "customer", companies=company)
            self.assertAlmostEqual(
                sum(v for (c, _k), v in by_customer.items() if c == company.id),
                balance,
                places=2,
            )
        self.assertNotAlmostEqual(
            figures[self.company_a.id, 0],
            sum(
                self.env["account.move.line"]
                .search(
                    [
                        ("account_type", "=", "asset_receivable"),
                        ("parent_state", "=", "posted"),
                        ("company_id", "=", self.company_a.id),
                    ]
                )
                .mapped("amount_residual")
            ),
            places=2,
            msg="the payments dated after today are not in today's receivables",
        )

    def test_ageing_of_a_past_date(self):
        """Before the payments, the invoices were owed whole."""
        Engine = (
            self.env["dso.dso"]
            .with_user(self.billing)
            .with_context(allowed_company_ids=self.company_a.ids)
        )
        yesterday = self.today - timedelta(days=1)
        ageing = Engine._ageing_at(yesterday, "customer")[self.company_a.id, self.alpha.id]
        # the partial payment (200) and the payment in full (700) came today
        self.assertAlmostEqual(ageing["amount_period_1"], 500.0, places=2)
        self.assertAlmostEqual(ageing["amount_period_2"], 700.0, places=2)
        self.assertAlmostEqual(ageing["amount_credit"], -150.0, places=2)

    def test_dso_and_countback(self):
        Engine = (
            self.env["dso.dso"]
            .with_user(self.billing)
            .with_context(allowed_company_ids=self.company_a.ids)
        )
        figures = Engine._figures(self.today, 365)[self.company_a.id, 0]
        sales = sum(
            self.env["account.move"]
            .search(
                [
                    ("company_id", "=", self.company_a.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ]
            )
            .mapped("amount_total_signed")
        )
        self.assertAlmostEqual(figures["credit_sales"], sales, places=2)
        self.assertAlmostEqual(figures["dso"], figures["receivables"] / sales * 365, places=2)
        # countback, walked in Python month by month
        rec, days, month_end = figures["receivables"], 0.0, self.today
        while True:
            month_start = month_end.replace(day=1)
            month_sales = sum(
                self.env["account.move"]
                .search(
                    [
                        ("company_id", "=", self.company_a.id),
                        ("state", "=", "posted"),
                        ("move_type", "in", ("out_invoice", "out_refund")),
                        ("invoice_date", ">=", month_start),
                        ("invoice_date", "<=", month_end),
                    ]
                )
                .mapped("amount_total_signed")
            )
            length = (month_end - month_start).days + 1
            if month_sales > 0 and month_sales >= rec:
                days += rec / month_sales * length
                break
            rec -= month_sales
            days += length
            month_end = month_start - timedelta(days=1)
        self.assertAlmostEqual(figures["countback_dso"], days, places=4)
        company = Engine.get_company_dso(days=90)
        self.assertEqual([row["company_id"] for row in company], self.company_a.ids)

    # ------------------------------------------------------------------
    # Companies and rights
    # ------------------------------------------------------------------

    def test_user_of_company_b_sees_nothing_of_a(self):
        Report = self.env["dso.ageing.report"].with_user(self.billing_b)
        items = Report.search([])
        self.assertTrue(items)
        self.assertEqual(items.company_id, self.company_b)
        self.assertFalse(Report.search([("partner_id", "=", self.alpha.id)]))
        # asking for company A in the context is refused
        with self.assertRaises(AccessError):
            Report.with_context(allowed_company_ids=self.company_a.ids).search([])
        Engine = self.env["dso.dso"].with_user(self.billing_b)
        with self.assertRaises(AccessError):
            Engine._figures(self.today, 90, companies=self.company_a)
        self.assertEqual(
            {row["company_id"] for row in Engine.get_company_dso()}, {self.company_b.id}
        )
        # company B's figures in CHF: 1000 EUR at 0.8 EUR per CHF, 250 - 50 CHF
        (total,) = Report._read_group([], [], ["amount_residual:sum"])[0]
        self.assertAlmostEqual(total, 1250.0 + 200.0, places=2)

    def test_snapshots_rights_and_replacement(self):
        month = (self.today.replace(day=1) - timedelta(days=1)).replace(day=1)
        Snapshot = self.env["dso.dso.snapshot"]
        # a Billing user reads the trend but does not compute a month
        with self.assertRaises(AccessError):
            Snapshot.with_user(self.billing).action_take_month(month)
        with self.assertRaises(AccessError):
            Form(self.env["dso.dso.snapshot.take"].with_user(self.billing))
        wizard = Form(
            self.env["dso.dso.snapshot.take"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=(self.company_a + self.company_b).ids)
        ).save()
        self.assertEqual(wizard.month, month)
        action = wizard.action_take()
        self.assertEqual(action["res_model"], "dso.dso.snapshot")
        snapshots = Snapshot.search([("month", "=", month)])
        self.assertEqual(snapshots.company_id, self.company_a + self.company_b)
        company_a = snapshots.filtered(
            lambda s: s.scope == "company" and s.company_id == self.company_a
        )
        end = month.replace(day=28) + timedelta(days=4)
        end = end - timedelta(days=end.day)
        (balance,) = self.env["account.move.line"]._read_group(
            [
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", end),
                ("company_id", "=", self.company_a.id),
            ],
            [],
            ["balance:sum"],
        )[0]
        self.assertAlmostEqual(company_a.receivables, balance, places=2)
        self.assertAlmostEqual(
            sum(company_a[name] for name in BUCKETS), company_a.receivables, places=2
        )
        # taken again: the month replaced, not doubled
        count = len(snapshots)
        Snapshot.with_user(self.manager).with_context(
            allowed_company_ids=(self.company_a + self.company_b).ids
        ).action_take_month(month)
        self.assertFalse(snapshots.exists())
        self.assertEqual(Snapshot.search_count([("month", "=", month)]), count)
        # a user of company B reads B's snapshots only
        self.assertEqual(
            Snapshot.with_user(self.billing_b).search([]).company_id, self.company_b
        )
        # the scheduled action takes last month for every company
        self.env.ref("dso_contacts.ir_cron_dso_dso_snapshot").method_direct_trigger()
        self.assertEqual(Snapshot.search_count([("month", "=", month)]), count)
