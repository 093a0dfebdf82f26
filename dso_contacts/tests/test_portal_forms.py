# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common_portal import PortalHttpCommon


@tagged("post_install", "-at_install")
class TestPortalForms(PortalHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.invoice = cls._create_invoice(cls.customer, today - timedelta(days=12), 250.0)
        cls.invoice_2 = cls._create_invoice(cls.customer, today - timedelta(days=2), 80.0)
        cls.other, _other_contact = cls._create_customer("Beta", "0456 99 88 77")
        cls.other_invoice = cls._create_invoice(cls.other, today - timedelta(days=3), 999.0)

    def _post(self, path, action, data, files=None):
        access = self._access()
        csrf, key = self._form_keys(path)
        payload = {
            "csrf_token": csrf,
            "submission_key": key,
            "access_token": access.access_token,
            **data,
        }
        return self.url_open(
            f"/my/dso/{access.id}/{action}", data=payload, files=files, allow_redirects=False
        )

    def _promises(self):
        return self.env["dso.payment.promise"].search([("partner_id", "=", self.customer.id)])

    def test_promise_from_the_page(self):
        path = self._page_path()
        date = fields.Date.today() + timedelta(days=10)
        response = self._post(
            path,
            "promise",
            {
                # another customer's invoice in the post is ignored
                "move_ids": [self.invoice.id, self.other_invoice.id],
                "date": fields.Date.to_string(date),
                "note": "<b>Next week</b>",
            },
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("message=promise", response.headers["Location"])
        promise = self._promises()
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.move_ids, self.invoice)
        self.assertEqual(promise.date, date)
        self.assertEqual((promise.source, promise.state), ("page", "open"))
        self.assertEqual(promise.amount, 250.0)
        self.assertEqual(promise.contact_id, self.contact)
        self.assertEqual(promise.user_id, self.accountant, "the company's collector")
        self.assertEqual(promise.note, "<b>Next week</b>", "kept as plain text")
        self.assertEqual(promise.hold_until, date + timedelta(days=3))
        notes = self.customer.message_ids.filtered(lambda m: "Promise to" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn("Promised for", self.url_open(path).text)

    def test_promise_date_beyond_the_limit_is_refused(self):
        self.company.dso_promise_max_days = 10
        response = self._post(
            self._page_path(),
            "promise",
            {
                "move_ids": [self.invoice.id],
                "date": fields.Date.to_string(fields.Date.today() + timedelta(days=11)),
            },
        )
        self.assertIn("error=date", response.headers["Location"])
        self.assertFalse(self._promises())

    def test_same_form_sent_twice_records_one_promise(self):
        path = self._page_path()
        access = self._access()
        csrf, key = self._form_keys(path)
        payload = {
            "csrf_token": csrf,
            "submission_key": key,
            "access_token": access.access_token,
            "move_ids": [self.invoice.id],
            "date": fields.Date.to_string(fields.Date.today() + timedelta(days=5)),
        }
        url = f"/my/dso/{access.id}/promise"
        self.url_open(url, data=payload, allow_redirects=False)
        response = self.url_open(url, data=payload, allow_redirects=False)
        self.assertIn("message=duplicate", response.headers["Location"])
        self.assertEqual(len(self._promises()), 1)

    @mute_logger("odoo.http")
    def test_post_without_csrf_token_is_refused(self):
        access = self._access()
        response = self.url_open(
            f"/my/dso/{access.id}/promise",
            data={
                "access_token": access.access_token,
                "move_ids": [self.invoice.id],
                "date": fields.Date.to_string(fields.Date.today() + timedelta(days=5)),
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._promises())

    @mute_logger("odoo.http")
    def test_post_with_another_customers_token_is_refused(self):
        path = self._page_path()
        csrf, key = self._form_keys(path)
        access = self._access()
        other_access = self._access(self.other)
        other_access._portal_ensure_token()
        response = self.url_open(
            f"/my/dso/{access.id}/dispute",
            data={
                "csrf_token": csrf,
                "submission_key": key,
                "access_token": other_access.access_token,
                "move_id": self.invoice.id,
                "reason_id": self.reasons[0].id,
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.invoice.dso_dispute_ids)

    def test_dispute_with_attachment_from_the_page(self):
        path = self._page_path()
        reason = self.reasons[0]
        response = self._post(
            path,
            "dispute",
            {
                "move_id": self.invoice.id,
                "reason_id": reason.id,
                "description": "<script>alert(1)</script>Price was 200",
            },
            files={"attachments": ("quote.txt", b"Quoted price: 200", "text/plain")},
        )
        self.assertIn("message=dispute", response.headers["Location"])
        dispute = self.invoice.dso_dispute_ids
        self.assertEqual(len(dispute), 1)
        self.assertEqual((dispute.reason_id, dispute.state), (reason, "open"))
        self.assertEqual(dispute.attachment_ids.mapped("name"), ["quote.txt"])
        self.assertEqual(dispute.attachment_ids.res_id, dispute.id)
        receivable = self.invoice.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        self.assertTrue(all(receivable.mapped("blocked")), "No Follow-up on the invoice")
        self.assertFalse(any(self.invoice_2.line_ids.mapped("blocked")))
        self.assertEqual(dispute.activity_ids.user_id, self.accountant)
        for record in (self.invoice, self.customer):
            message = record.message_ids.filtered(lambda m: "disputed" in (m.body or ""))
            self.assertEqual(len(message), 1, record)
            self.assertIn("&lt;script&gt;", message.body, "what the visitor wrote is escaped")
            self.assertEqual(message.attachment_ids.mapped("name"), ["quote.txt"])
            self.assertEqual(message.author_id, self.contact)
        html = self.url_open(path).text
        self.assertIn("Disputed", html)

    def test_dispute_of_another_customers_invoice_is_refused(self):
        response = self._post(
            self._page_path(),
            "dispute",
            {"move_id": self.other_invoice.id, "reason_id": self.reasons[0].id},
        )
        self.assertIn("error=dispute", response.headers["Location"])
        self.assertFalse(self.other_invoice.dso_dispute_ids)

    def test_page_engine_takes_its_own_customer_and_company_only(self):
        company_2 = self.setup_other_company()["company"]
        # a customer shared by the two companies, owing in both
        self.customer.company_id = False
        invoice_c2 = self._create_invoice(
            self.customer, fields.Date.today(), 444.0, company=company_2
        )
        self._page_path()
        access = self._access()
        date = fields.Date.to_string(fields.Date.today() + timedelta(days=5))
        for ids in ([invoice_c2.id], [self.other_invoice.id], ["x", None, -1]):
            self.assertEqual(access._submit_promise(ids, date), {"error": "no_invoice"}, ids)
            self.assertEqual(
                access._submit_dispute(ids[0], self.reasons[0].id), {"error": "dispute"}, ids
            )
        self.assertFalse(self._promises())
        Dispute = self.env["dso.invoice.dispute"].sudo()
        foreign = invoice_c2 | self.other_invoice
        self.assertFalse(Dispute.search([("move_id", "in", foreign.ids)]))
        values = access._page_values()
        self.assertEqual(
            [line["move"] for line in values["invoices"]], [self.invoice, self.invoice_2]
        )
        # the other company's page of the same customer: its invoice only
        access_2 = self.env["dso.customer.access"]._ensure(self.customer, company_2)
        result = access_2._submit_promise([self.invoice.id, invoice_c2.id], date)
        self.assertEqual(result, {"message": "promise"})
        Promise = self.env["dso.payment.promise"].sudo()
        promise = Promise.search([("company_id", "=", company_2.id)])
        self.assertEqual(promise.move_ids, invoice_c2)

    @mute_logger("odoo.http")
    def test_portal_user_without_the_token_gets_nothing(self):
        portal_user = new_test_user(
            self.env,
            login="dso_portal",
            groups="base.group_portal",
            partner_id=self.contact.id,
        )
        path = self._page_path()
        access = self._access()
        with self.assertRaises(AccessError):
            self.env["dso.customer.access"].with_user(portal_user).search([])
        with self.assertRaises(AccessError):
            self.env["dso.payment.promise"].with_user(portal_user).create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice.ids)],
                    "date": fields.Date.today() + timedelta(days=3),
                }
            )
        self.authenticate("dso_portal", "dso_portal")
        # a portal session opens nothing without the page's token
        self.assertEqual(self._open(f"/my/dso/{access.id}").status_code, 404)
        pdf = f"/my/dso/{access.id}/invoice/{self.invoice.id}/pdf"
        self.assertEqual(self._open(pdf).status_code, 404)
        self.assertEqual(self._open(path).status_code, 200)

    @mute_logger("odoo.http")
    def test_forms_with_a_revoked_or_expired_token_are_refused(self):
        path = self._page_path()
        access = self._access()
        csrf, key = self._form_keys(path)
        token = access.access_token
        date = fields.Date.to_string(fields.Date.today() + timedelta(days=5))

        def post():
            return self.url_open(
                f"/my/dso/{access.id}/promise",
                data={
                    "csrf_token": csrf,
                    "submission_key": key,
                    "access_token": token,
                    "move_ids": [self.invoice.id],
                    "date": date,
                },
                allow_redirects=False,
            )

        self.company.dso_portal_token_days = 30
        access.token_date = fields.Datetime.now() - timedelta(days=31)
        self.assertEqual(post().status_code, 404, "expired")
        access.token_date = fields.Datetime.now()
        self.customer.action_dso_portal_revoke()
        self.assertEqual(post().status_code, 404, "revoked")
        self.assertFalse(self._promises())
        self.customer.action_dso_portal_regenerate()
        self.assertEqual(post().status_code, 404, "the old token after a new link")
        self.assertFalse(self._promises())
