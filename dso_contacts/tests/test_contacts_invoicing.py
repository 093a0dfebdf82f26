from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tools.discuss import Store


@tagged("post_install", "-at_install")
class TestContactsOnInvoices(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.partner_a
        cls.customer.is_company = True
        Partner = cls.env["res.partner"]
        cls.purchaser = Partner.create(
            {
                "name": "Hugo Bernard",
                "parent_id": cls.customer.id,
                "email": "hugo@customer-a.example.com",
                "contact_role_id": cls.env.ref("dso_contacts.contact_role_purchaser").id,
            }
        )
        cls.accountant = Partner.create(
            {
                "name": "Claire Martin",
                "parent_id": cls.customer.id,
                "email": "claire@customer-a.example.com",
                "contact_role_id": cls.env.ref("dso_contacts.contact_role_accountant").id,
                "is_collection_contact": True,
            }
        )
        cls.no_email = Partner.create({"name": "No Email", "parent_id": cls.customer.id})

    def _suggested_partner_ids(self, record):
        return [r.get("partner_id") for r in record._message_get_suggested_recipients()]

    def test_customer_composer_proposes_contacts_collection_first(self):
        suggested = self._suggested_partner_ids(self.customer)
        self.assertEqual(suggested[:2], [self.accountant.id, self.purchaser.id])
        self.assertNotIn(self.no_email.id, suggested)
        reasons = {
            r["partner_id"]: r["reason"]
            for r in self.customer._message_get_suggested_recipients()
        }
        self.assertEqual(reasons[self.accountant.id], "Contact for collection")
        self.assertEqual(reasons[self.purchaser.id], "Purchaser")

    def test_chatter_thread_data_proposes_contacts(self):
        # what the chatter's "Send message" receives from the server
        store = Store()
        self.customer._thread_to_store(store, request_list=["suggestedRecipients"])
        (thread_data,) = store.get_result()["mail.thread"]
        self.assertEqual(
            [r.get("partner_id") for r in thread_data["suggestedRecipients"]][:2],
            [self.accountant.id, self.purchaser.id],
        )

    def test_invoice_composer_proposes_customer_contacts(self):
        invoice = self.init_invoice("out_invoice", partner=self.customer, amounts=[100.0])
        suggested = self._suggested_partner_ids(invoice)
        self.assertEqual(suggested[:2], [self.accountant.id, self.purchaser.id])

    def test_vendor_bill_composer_left_alone(self):
        bill = self.init_invoice("in_invoice", partner=self.customer, amounts=[100.0])
        self.assertNotIn(self.accountant.id, self._suggested_partner_ids(bill))

    def test_warning_when_customer_owes_money_without_collection_contact(self):
        self.init_invoice("out_invoice", partner=self.customer, amounts=[500.0], post=True)
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.dso_collection_warning)
        self.accountant.is_collection_contact = False
        self.customer.invalidate_recordset()
        self.assertIn("no contact for collection", self.customer.dso_collection_warning)

    def test_no_warning_without_open_receivable(self):
        self.accountant.is_collection_contact = False
        self.assertFalse(self.customer.dso_collection_warning)
