from lxml import etree

from odoo.modules.migration import load_script
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .import_common import DsoImportCommon
from .test_partner_operations import PartnerOperationsCommon


def customers_action_context(env):
    """The context of Invoicing > Customers (``res_partner_search_mode``,
    ``default_customer_rank``...), as the web client sends it."""
    action = env["ir.actions.act_window"]._for_xml_id("account.res_partner_action_customer")
    return safe_eval(action["context"])


@tagged("post_install", "-at_install")
class TestPeopleAreNotCustomers(PartnerOperationsCommon):
    """A person of a customer is never a customer of its own: the customers
    list (its Customer Invoices filter) shows the customer, never its people."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.context = customers_action_context(cls.env)

    def _customers_list(self):
        # the customers action opens with its "Customer Invoices" filter
        return (
            self.env["res.partner"]
            .with_user(self.billing_user)
            .with_context(**self.context)
            .search([("customer_rank", ">", 0)])
        )

    def _person(self, name, customer=None):
        return (customer or self.customer).child_ids.filtered(lambda c: c.name == name)

    def test_contact_added_in_collection_contacts_tab_is_not_a_customer(self):
        customer = self.customer.with_user(self.billing_user).with_context(**self.context)
        with Form(customer) as customer_form:
            with customer_form.dso_contact_ids.new() as contact_form:
                contact_form.name = "Paul Durand"
                contact_form.email = "paul.durand@lumiere.example.com"
                contact_form.is_collection_contact = True
        paul = self._person("Paul Durand")
        self.assertEqual(self.customer.collection_contact_id, paul)
        self.assertEqual((paul.customer_rank, paul.supplier_rank), (0, 0))
        customers = self._customers_list()
        self.assertIn(self.customer, customers)
        self.assertNotIn(paul, customers)

    def test_contact_added_in_odoo_contacts_tab_is_not_a_customer(self):
        customer = self.customer.with_user(self.billing_user).with_context(**self.context)
        with Form(customer) as customer_form:
            with customer_form.child_ids.new() as contact_form:
                contact_form.type = "contact"
                contact_form.name = "Léa Petit"
        self.assertEqual(self._person("Léa Petit").customer_rank, 0)

    def test_person_created_from_customers_menu_under_a_customer_is_not_a_customer(self):
        partner_form = Form(
            self.env["res.partner"].with_user(self.billing_user).with_context(**self.context)
        )
        partner_form.company_type = "person"
        partner_form.name = "Marc Roux"
        partner_form.parent_id = self.customer
        marc = partner_form.save()
        self.assertEqual(marc.customer_rank, 0)
        self.assertNotIn(marc, self._customers_list())

    def test_private_customer_moved_under_a_company_leaves_its_rank_to_it(self):
        private = self.env["res.partner"].create({"name": "Nina Blanc", "customer_rank": 3})
        private.with_user(self.billing_user).parent_id = self.customer
        self.assertEqual(private.customer_rank, 0)
        self.assertIn(self.customer, self._customers_list())

    def test_customer_merged_into_a_person_gives_the_person_no_rank(self):
        private = self.env["res.partner"].create(
            {
                "name": "Claire Martin",
                "customer_rank": 2,
                "email": "claire.martin@lumiere.example.com",
            }
        )
        self._merge(private | self.accountant, self.accountant)
        self.assertEqual(self.accountant.customer_rank, 0)

    def test_people_of_a_customer_keep_no_rank_written_on_them(self):
        self.accountant.with_user(self.billing_user).write({"customer_rank": 1})
        self.assertEqual(self.accountant.customer_rank, 0)

    def test_contact_from_a_vendor_form_is_not_a_vendor(self):
        context = safe_eval(
            self.env["ir.actions.act_window"]._for_xml_id(
                "account.res_partner_action_supplier"
            )["context"]
        )
        vendor = self.atlas.with_user(self.billing_user).with_context(**context)
        with Form(vendor) as vendor_form:
            with vendor_form.dso_contact_ids.new() as contact_form:
                contact_form.name = "Yann Le Gall"
        self.assertEqual(self._person("Yann Le Gall", self.atlas).supplier_rank, 0)


@tagged("post_install", "-at_install")
class TestImportedPeopleAreNotCustomers(DsoImportCommon):
    def test_contacts_imported_from_the_customers_menu_are_not_customers(self):
        data = self._csv([["Customer code", "Name"], ["C001", "Paul Durand"]])
        self._wizard(data=data).with_context(
            **customers_action_context(self.env)
        ).action_import()
        paul = self._contacts(self.customer_fr).filtered(lambda c: c.name == "Paul Durand")
        self.assertEqual(paul.customer_rank, 0)


@tagged("post_install", "-at_install")
class TestInvoicedPeopleAreNotCustomers(AccountTestInvoicingCommon):
    def test_invoice_addressed_to_a_person_ranks_the_customer_only(self):
        customer = self.env["res.partner"].create(
            {"name": "Brightwater Ltd", "is_company": True}
        )
        person = self.env["res.partner"].create(
            {"name": "Emma Clarke", "parent_id": customer.id, "type": "contact"}
        )
        self.init_invoice("out_invoice", partner=person, amounts=[100.0], post=True)
        self.assertEqual(customer.customer_rank, 1)
        self.assertEqual(person.customer_rank, 0)


@tagged("post_install", "-at_install")
class TestCustomerCodeShown(PartnerOperationsCommon):
    """The customer code (``ref``), which every import needs, is in the
    customers list and kanban, and the search finds a customer by it."""

    def _views(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.res_partner_action_customer"
        )
        partners = self.env["res.partner"].with_user(self.billing_user)
        search_view = action["search_view_id"] and action["search_view_id"][0]
        views = partners.with_context(**customers_action_context(self.env)).get_views(
            [(False, "kanban"), (False, "list"), (search_view, "search")]
        )["views"]
        return {view_type: etree.fromstring(view["arch"]) for view_type, view in views.items()}

    def test_customer_code_in_customers_list_and_kanban(self):
        views = self._views()
        self.assertTrue(views["list"].xpath("//field[@name='ref']"))
        self.assertTrue(views["kanban"].xpath("//templates//field[@name='ref']"))
        records = (
            self.env["res.partner"]
            .with_user(self.billing_user)
            .web_search_read([("id", "=", self.customer.id)], {"ref": {}, "display_name": {}})[
                "records"
            ]
        )
        self.assertEqual(records[0]["ref"], "C1001")

    def test_customers_search_finds_a_customer_by_its_code(self):
        search = self._views()["search"]
        name_filter = search.xpath("//field[@name='name']")[0].get("filter_domain")
        domain = safe_eval(name_filter, {"self": "C1001"})
        found = (
            self.env["res.partner"]
            .with_user(self.billing_user)
            .search([*domain, ("customer_rank", ">", 0)])
        )
        self.assertEqual(found, self.customer)


@tagged("post_install", "-at_install")
class TestRankMigration(PartnerOperationsCommon):
    def test_upgrade_takes_the_ranks_from_people_of_customers(self):
        # as a database before 18.0.1.4.0 left them
        self.env.cr.execute(
            "UPDATE res_partner SET customer_rank = 1 WHERE id IN %s",
            [(self.accountant.id, self.customer.id)],
        )
        self.env.invalidate_all()
        migration = load_script(
            "dso_contacts/migrations/18.0.1.4.0/post-migrate.py", "dso_rank_migration"
        )
        migration.migrate(self.env.cr, "18.0.1.3.0")
        self.env.invalidate_all()
        self.assertEqual(self.accountant.customer_rank, 0)
        self.assertEqual(self.customer.customer_rank, 1)
