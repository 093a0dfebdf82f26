# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta
from urllib.parse import urlsplit

import lxml.html

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common_portal import PortalHttpCommon


@tagged("post_install", "-at_install")
class TestPortalPage(PortalHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.invoice = cls._create_invoice(cls.customer, today - timedelta(days=12), 250.0)
        cls.invoice_2 = cls._create_invoice(cls.customer, today + timedelta(days=5), 80.0)
        cls.other, cls.other_contact = cls._create_customer("Beta", "0456 99 88 77")
        cls.other_invoice = cls._create_invoice(cls.other, today - timedelta(days=3), 999.0)

    def test_link_shows_the_customers_open_invoices_only(self):
        paid = self._create_invoice(self.customer, fields.Date.today(), 31.0)
        self._pay(paid)
        response = self._open(self._page_path())
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn(self.invoice.name, html)
        self.assertIn(self.invoice_2.name, html)
        self.assertNotIn(paid.name, html)
        self.assertNotIn(self.other_invoice.name, html, "never another customer's invoice")
        self.assertIn("12", html, "days late")
        self.assertIn("330.00", html, "total due")
        self.assertIn("Anna Accountant", html, "who to contact")
        self.assertIn("anna@company.example.com", html)

    def test_page_in_the_contacts_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.contact.lang = "fr_FR"
        html = self._open(self._page_path()).text
        self.assertIn("250,00", html, "amounts in French")
        self.assertIn('js_change_lang active" role="menuitem" href="/fr/', html)

    @mute_logger("odoo.http")
    def test_token_of_a_does_not_open_b(self):
        path_a = self._page_path()
        path_b = self._page_path(self.other)
        token_a = self._token_of(path_a)
        access_b = self._access(self.other)
        self.assertEqual(self._open(path_b).status_code, 200)
        wrong = f"/my/dso/{access_b.id}?access_token={token_a}"
        self.assertEqual(self._open(wrong).status_code, 404)
        pdf = (
            f"/my/dso/{access_b.id}/invoice/{self.other_invoice.id}/pdf?access_token={token_a}"
        )
        self.assertEqual(self._open(pdf).status_code, 404)
        # A's token on A's page does not serve B's invoice either
        access_a = self._access()
        pdf = (
            f"/my/dso/{access_a.id}/invoice/{self.other_invoice.id}/pdf?access_token={token_a}"
        )
        self.assertEqual(self._open(pdf).status_code, 404)
        self.assertEqual(self._open(f"/my/dso/{access_a.id}").status_code, 404)

    @mute_logger("odoo.http")
    def test_revoked_and_regenerated_token(self):
        collector = new_test_user(
            self.env,
            login="dso_portal_collector",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        old_path = self._page_path()
        self.customer.with_user(collector).action_dso_portal_revoke()
        self.assertEqual(self._open(old_path).status_code, 404)
        self.customer.with_user(collector).action_dso_portal_regenerate()
        self.assertEqual(self._open(old_path).status_code, 404)
        new_path = self._page_path()
        self.assertNotEqual(self._token_of(new_path), self._token_of(old_path))
        self.assertEqual(self._open(new_path).status_code, 200)

    @mute_logger("odoo.http")
    def test_short_link_of_the_sms(self):
        """The SMS's short link leads to the page with its token; it stops
        with the token (revoked, regenerated, expired) and opens one page."""
        self._page_path()
        access = self._access()
        code = access.short_code
        self.assertEqual(len(code), 10)
        response = self._open(f"/dso/{code}")
        self.assertEqual(response.status_code, 303)
        location = urlsplit(response.headers["Location"])
        self.assertEqual(location.path, f"/my/dso/{access.id}")
        self.assertEqual(self._token_of(f"?{location.query}"), access.access_token)
        self.assertEqual(self.url_open(f"/dso/{code}").status_code, 200)
        # another customer's page has its own code
        self._page_path(self.other)
        self.assertNotEqual(self._access(self.other).short_code, code)
        for wrong in (code[:-1], code.swapcase(), code + "x", "0" * 10):
            self.assertEqual(self._open(f"/dso/{wrong}").status_code, 404, wrong)
        self.company.dso_portal_token_days = 30
        access.token_date = fields.Datetime.now() - timedelta(days=31)
        self.assertEqual(self._open(f"/dso/{code}").status_code, 404, "expired")
        access.token_date = fields.Datetime.now()
        self.customer.action_dso_portal_regenerate()
        self.assertEqual(self._open(f"/dso/{code}").status_code, 404, "regenerated")
        new_code = access.short_code
        self.assertNotEqual(new_code, code)
        self.assertEqual(self._open(f"/dso/{new_code}").status_code, 303)
        self.customer.action_dso_portal_revoke()
        self.assertFalse(access.short_code)
        self.assertEqual(self._open(f"/dso/{new_code}").status_code, 404, "revoked")

    @mute_logger("odoo.http")
    def test_expired_token(self):
        self.company.dso_portal_token_days = 30
        path = self._page_path()
        self._access().token_date = fields.Datetime.now() - timedelta(days=29)
        self.assertEqual(self._open(path).status_code, 200)
        self._access().token_date = fields.Datetime.now() - timedelta(days=31)
        self.assertEqual(self._open(path).status_code, 404)
        # reading the link does not extend it
        self.assertEqual(self._page_path(), path)
        self.assertEqual(self._open(path).status_code, 404)
        # a new reminder hands the link out again: valid for 30 more days
        self._run_cron_mocked()
        self.assertTrue(self._reminders(self.customer))
        self.assertEqual(self._page_path(), path)
        self.assertEqual(self._open(path).status_code, 200)
        self._access().token_date = fields.Datetime.now() - timedelta(days=31)
        self.company.dso_portal_token_days = 0
        self.assertEqual(self._open(path).status_code, 200, "0: no limit")

    @mute_logger("odoo.http")
    def test_link_stops_when_nothing_is_owed(self):
        path = self._page_path()
        self._pay(self.invoice)
        self.assertEqual(self._open(path).status_code, 200)
        self._pay(self.invoice_2)
        self.assertEqual(self._open(path).status_code, 404)

    @mute_logger("odoo.http")
    def test_page_never_shows_another_companys_invoices(self):
        company_2 = self.setup_other_company()["company"]
        # a customer shared by the two companies
        self.customer.company_id = False
        invoice_c2 = self._create_invoice(
            self.customer, fields.Date.today(), 444.0, company=company_2
        )
        html = self._open(self._page_path()).text
        # both companies number their invoices alike: compare the ids
        self.assertIn(f'id="dso_move_{self.invoice.id}"', html)
        self.assertNotIn(f'id="dso_move_{invoice_c2.id}"', html)
        access = self._access()
        token = access.access_token
        pdf = f"/my/dso/{access.id}/invoice/{invoice_c2.id}/pdf?access_token={token}"
        self.assertEqual(self._open(pdf).status_code, 404)
        path_2 = self._page_path(company=company_2)
        self.assertNotEqual(self._token_of(path_2), token, "one token per company")
        html_2 = self._open(path_2).text
        self.assertIn(f'id="dso_move_{invoice_c2.id}"', html_2)
        self.assertNotIn(f'id="dso_move_{self.invoice.id}"', html_2)

    def test_invoice_pdf_downloads_from_the_page(self):
        # the invoice is issued (its PDF rendered by wkhtmltopdf) from the test
        # thread: rendered inside a request, wkhtmltopdf's calls for the report's
        # assets would wait for the test server's single cursor
        self.env["account.move.send"].with_context(
            force_report_rendering=True
        )._generate_and_send_invoices(self.invoice, sending_methods=["manual"])
        self.assertTrue(self.invoice.invoice_pdf_report_id)
        access = self._access()
        path = self._page_path()
        token = access.access_token
        url = f"/my/dso/{access.id}/invoice/{self.invoice.id}/pdf?access_token={token}"
        self.assertIn(url.split("?")[0], self._open(path).text)
        response = self._open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"), response.content[:200])


@tagged("post_install", "-at_install")
class TestPortalPageStates(PortalHttpCommon):
    """What the page says about each invoice and each form, as the customer
    reads it: what can be promised or disputed, why not, and by when."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.invoice = cls._create_invoice(cls.customer, today - timedelta(days=12), 250.0)
        cls.company.dso_promise_max_days = 30

    def _page(self, path=None):
        # a reader in another language is sent to the page's /<lang>/ URL
        return lxml.html.fromstring(self.url_open(path or self._page_path()).text)

    @staticmethod
    def _text(tree, xpath):
        return " ".join(" ".join(node.text_content().split()) for node in tree.xpath(xpath))

    def _dispute(self, invoice):
        return self.env["dso.invoice.dispute"].create(
            {"move_id": invoice.id, "reason_id": self.reasons[0].id}
        )

    def test_only_invoice_disputed_holds_both_forms_and_says_why(self):
        page = self._page()
        self.assertFalse(
            page.xpath("//button[contains(@class, 'o_dso_promise_submit')]/@disabled")
        )
        dispute = self._dispute(self.invoice)
        page = self._page()
        reason = f"{self.invoice.name} is disputed"
        # the promise block says why, with nothing to tick and no active button
        self.assertIn(reason, self._text(page, "//*[contains(@class, 'o_dso_promise_none')]"))
        self.assertTrue(page.xpath("//input[@name='move_ids']/@disabled"))
        for xpath in (
            "//button[contains(@class, 'o_dso_promise_submit')]",
            "//input[@id='dso_promise_date']",
        ):
            self.assertTrue(page.xpath(f"{xpath}/@disabled"), xpath)
        # the dispute block too: no empty list to choose from
        self.assertIn(
            f"{self.invoice.name} is already disputed",
            self._text(page, "//*[contains(@class, 'o_dso_dispute_none')]"),
        )
        self.assertFalse(page.xpath("//select[@id='dso_dispute_move']"))
        self.assertTrue(
            page.xpath("//button[contains(@class, 'o_dso_dispute_submit')]/@disabled")
        )
        # the dispute and its state are on the page
        row = self._text(
            page,
            "//table[contains(@class, 'o_dso_disputes')]"
            f"//tr[@data-invoice='{self.invoice.name}']",
        )
        self.assertIn(self.reasons[0].name, row)
        self.assertIn("Under review", row)
        # settled: both forms take the invoice again, the dispute reads resolved
        dispute.action_resolve()
        page = self._page()
        self.assertFalse(page.xpath("//*[contains(@class, 'o_dso_promise_none')]"))
        self.assertFalse(
            page.xpath("//button[contains(@class, 'o_dso_promise_submit')]/@disabled")
        )
        self.assertEqual(
            page.xpath("//select[@id='dso_dispute_move']/option/@value"),
            ["", str(self.invoice.id)],
        )
        self.assertIn(
            "Resolved", self._text(page, "//table[contains(@class, 'o_dso_disputes')]")
        )

    def test_disputed_invoice_is_held_among_others(self):
        other = self._create_invoice(self.customer, fields.Date.today() - timedelta(days=3))
        self._dispute(self.invoice)
        page = self._page()
        self.assertFalse(page.xpath("//*[contains(@class, 'o_dso_promise_none')]"))
        self.assertIn(
            f"{self.invoice.name} is disputed",
            self._text(page, "//*[contains(@class, 'o_dso_promise_holds')]"),
        )
        self.assertTrue(page.xpath(f"//input[@id='dso_move_{self.invoice.id}']/@disabled"))
        self.assertFalse(page.xpath(f"//input[@id='dso_move_{other.id}']/@disabled"))
        self.assertEqual(
            page.xpath("//select[@id='dso_dispute_move']/option/@value"), ["", str(other.id)]
        )
        # the engine holds to the same rule, whatever the visitor sends
        access = self._access()
        date = fields.Date.to_string(fields.Date.today() + timedelta(days=5))
        self.assertEqual(
            access._submit_promise([self.invoice.id], date), {"error": "no_invoice"}
        )
        self.assertEqual(
            access._submit_dispute(self.invoice.id, self.reasons[0].id), {"error": "dispute"}
        )
        self.assertEqual(
            access._submit_promise([self.invoice.id, other.id], date), {"message": "promise"}
        )
        self.assertEqual(self.invoice.dso_dispute_ids.state, "open")
        self.assertFalse(self.invoice.dso_promise_ids)
        self.assertEqual(other.dso_promise_ids.move_ids, other)

    def test_promise_date_limit_stated_in_the_readers_words(self):
        limit = fields.Date.today() + timedelta(days=30)
        page = self._page()
        text = self._text(page, "//*[contains(@class, 'o_dso_date_limit')]")
        self.assertEqual(text, f"At the latest {limit.strftime('%m/%d/%Y')}")
        self.assertEqual(page.xpath("//input[@id='dso_promise_date']/@max"), [str(limit)])
        # a date refused: the error says the limits in the same words
        html = self._open(self._page_path() + "&error=date").text
        self.assertIn(limit.strftime("%m/%d/%Y"), html)
        self.assertNotIn(f"and {limit}", html, "no ISO date in the text")
        # in French, the French way
        self.env["res.lang"]._activate_lang("fr_FR")
        self.contact.lang = "fr_FR"
        text = self._text(self._page(), "//*[contains(@class, 'o_dso_date_limit')]")
        self.assertIn(limit.strftime("%d/%m/%Y"), text)

    def test_footer_in_the_readers_language(self):
        """The contact block's text is made of whole terms, and the page is
        rendered in the language of its reader: a French portal user reads
        it in French, whatever the contact for collection's language."""
        self.env["res.lang"]._activate_lang("fr_FR")
        view = self.env.ref("dso_contacts.dso_portal_customer_page")
        terms = view._fields["arch_db"].get_trans_terms(view.arch_db)
        self.assertIn("Your contact:", terms, "the label is one translatable term")
        self.assertNotIn("Contact", terms, "no sentence cut around its values")
        view.update_field_translations(
            "arch_db", {"fr_FR": {"Your contact:": "Votre interlocuteur :"}}
        )
        reader = self.env["res.partner"].create(
            {"name": "Alpha Lecteur", "parent_id": self.customer.id, "lang": "fr_FR"}
        )
        new_test_user(
            self.env, login="dso_reader_fr", groups="base.group_portal", partner_id=reader.id
        )
        self.assertEqual(self.contact.lang, "en_US")
        # no collector: the company is the contact
        self.company.dso_reminder_user_id = False
        path = self._page_path()
        self.authenticate("dso_reader_fr", "dso_reader_fr")
        page = self._page(path)
        line = self._text(page, "//*[contains(@class, 'o_dso_contact_line')]")
        self.assertEqual(line, f"Votre interlocuteur : {self.company.name}")
        # the visitor of the link without a login: the contact for collection's
        self.authenticate(None, None)
        self.company.dso_reminder_user_id = self.accountant
        line = self._text(self._page(path), "//*[contains(@class, 'o_dso_contact_line')]")
        self.assertEqual(line, f"Your contact: Anna Accountant ({self.company.name})")
