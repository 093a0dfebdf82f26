# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
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
