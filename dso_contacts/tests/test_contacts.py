import base64

import psycopg2

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import DsoContactsCommon


@tagged("post_install", "-at_install")
class TestCollectionContact(DsoContactsCommon):
    def test_create_flag_clears_other_contact(self):
        self.accountant.is_collection_contact = True
        newcomer = self._create_contact("Paul Durand", is_collection_contact=True)
        self.assertFalse(self.accountant.is_collection_contact)
        self.assertTrue(newcomer.is_collection_contact)
        self.assertEqual(self.customer.collection_contact_id, newcomer)

    def test_write_flag_clears_other_contact(self):
        self.accountant.write({"is_collection_contact": True})
        self.assertEqual(self.customer.collection_contact_id, self.accountant)
        self.purchaser.write({"is_collection_contact": True})
        self.assertFalse(self.accountant.is_collection_contact)
        self.assertEqual(self.customer.collection_contact_id, self.purchaser)

    def test_batch_create_last_flag_wins(self):
        first, second, third = self.env["res.partner"].create(
            [
                {
                    "name": "First",
                    "parent_id": self.customer.id,
                    "is_collection_contact": True,
                },
                {
                    "name": "Second",
                    "parent_id": self.customer.id,
                    "is_collection_contact": True,
                },
                {"name": "Third", "parent_id": self.customer.id},
            ]
        )
        self.assertFalse(first.is_collection_contact)
        self.assertTrue(second.is_collection_contact)
        self.assertFalse(third.is_collection_contact)
        self.assertEqual(self.customer.collection_contact_id, second)

    def test_create_leaves_the_callers_values_as_given(self):
        # an import retries a failed batch row by row with the same dictionaries
        vals = {"name": "Retry", "parent_id": self.customer.id, "is_collection_contact": True}
        self.env["res.partner"].create([vals])
        self.assertEqual(
            vals,
            {"name": "Retry", "parent_id": self.customer.id, "is_collection_contact": True},
        )

    def test_batch_write_last_flag_wins(self):
        (self.accountant | self.purchaser).write({"is_collection_contact": True})
        self.assertFalse(self.accountant.is_collection_contact)
        self.assertEqual(self.customer.collection_contact_id, self.purchaser)

    def test_batch_create_flags_one_contact_per_customer(self):
        other_customer = self.env["res.partner"].create({"name": "Atlas", "is_company": True})
        contacts = self.env["res.partner"].create(
            [
                {"name": "A", "parent_id": self.customer.id, "is_collection_contact": True},
                {"name": "B", "parent_id": other_customer.id, "is_collection_contact": True},
            ]
        )
        self.assertEqual(contacts.mapped("is_collection_contact"), [True, True])
        self.assertEqual(self.customer.collection_contact_id, contacts[0])
        self.assertEqual(other_customer.collection_contact_id, contacts[1])

    def test_unique_index_refuses_second_flag(self):
        self.accountant.is_collection_contact = True
        self.env.flush_all()
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET is_collection_contact = TRUE WHERE id = %s",
                    self.purchaser.id,
                )
            )

    def test_flag_refused_on_customer_itself(self):
        with self.assertRaises(ValidationError):
            self.customer.is_collection_contact = True

    def test_archiving_or_moving_contact_clears_flag(self):
        self.accountant.is_collection_contact = True
        self.accountant.action_archive()
        self.assertFalse(self.accountant.is_collection_contact)
        self.assertFalse(self.customer.collection_contact_id)

        other_customer = self.env["res.partner"].create({"name": "Atlas", "is_company": True})
        self.purchaser.is_collection_contact = True
        self.purchaser.parent_id = other_customer
        self.assertFalse(self.purchaser.is_collection_contact)
        self.assertFalse(self.customer.collection_contact_id)
        self.assertFalse(other_customer.collection_contact_id)

    def test_customer_form_adds_contact_with_role_and_flag(self):
        self.accountant.is_collection_contact = True
        # the context of Accounting's customer menu, whose defaults must not leak
        # into the contacts added from the form
        customer = self.customer.with_user(self.billing_user).with_context(
            default_is_company=True, default_customer_rank=1
        )
        with Form(customer) as customer_form:
            with customer_form.dso_contact_ids.new() as contact_form:
                contact_form.name = "Sophie Laurent"
                contact_form.contact_role_id = self.env.ref(
                    "dso_contacts.contact_role_financial_director"
                )
                contact_form.email = "sophie.laurent@lumiere.example.com"
                contact_form.is_collection_contact = True
        sophie = self.customer.child_ids.filtered(lambda c: c.name == "Sophie Laurent")
        self.assertEqual(sophie.type, "contact")
        self.assertEqual(sophie.company_id, self.customer.company_id)
        self.assertEqual(sophie.contact_role_id.code, "financial_director")
        self.assertEqual(self.customer.collection_contact_id, sophie)
        self.assertFalse(self.accountant.is_collection_contact)

    def test_customer_form_shows_single_flag_before_saving(self):
        self.accountant.is_collection_contact = True
        with Form(self.customer.with_user(self.billing_user)) as customer_form:
            names = [line["name"] for line in customer_form.dso_contact_ids._records]
            with customer_form.dso_contact_ids.edit(names.index("Hugo Bernard")) as line:
                line.is_collection_contact = True
            flags = {
                line["name"]: line["is_collection_contact"]
                for line in customer_form.dso_contact_ids._records
            }
            self.assertEqual(flags, {"Claire Martin": False, "Hugo Bernard": True})
        self.assertEqual(self.customer.collection_contact_id, self.purchaser)

    def test_list_button_sets_collection_contact(self):
        self.accountant.is_collection_contact = True
        self.purchaser.with_user(self.billing_user).action_set_collection_contact()
        self.assertEqual(self.customer.collection_contact_id, self.purchaser)
        self.assertFalse(self.accountant.is_collection_contact)

    def test_contact_added_from_odoo_contacts_tab_is_a_person(self):
        customer = self.customer.with_user(self.billing_user).with_context(
            default_is_company=True, default_customer_rank=1
        )
        with Form(customer) as customer_form:
            with customer_form.child_ids.new() as contact_form:
                contact_form.type = "contact"
                contact_form.name = "Léa Petit"
                contact_form.is_collection_contact = True
        lea = self.customer.child_ids.filtered(lambda c: c.name == "Léa Petit")
        self.assertFalse(lea.is_company)
        self.assertEqual(self.customer.collection_contact_id, lea)

    def test_contact_form_sets_flag(self):
        self.accountant.is_collection_contact = True
        with Form(self.purchaser.with_user(self.billing_user)) as contact_form:
            contact_form.is_collection_contact = True
        self.assertEqual(self.customer.collection_contact_id, self.purchaser)
        self.assertFalse(self.accountant.is_collection_contact)

    def test_filter_without_collection_contact(self):
        without = self.env["res.partner"].search(
            [("parent_id", "=", False), ("collection_contact_id", "=", False)]
        )
        self.assertIn(self.customer, without)
        self.purchaser.is_collection_contact = True
        with_contact = self.env["res.partner"].search(
            [("collection_contact_id", "=", self.purchaser.id)]
        )
        self.assertEqual(with_contact, self.customer)

    def test_warning_when_contact_has_no_email_nor_mobile(self):
        # no address, no number: neither channel of the sending can reach them
        # (the warning runs the sending's checks: a number it accepts for SMS,
        # in the phone field too, is a channel)
        silent = self._create_contact("Silent Bob")
        silent.is_collection_contact = True
        self.assertIn("Silent Bob", self.customer.dso_collection_warning)
        silent.mobile = "06 00 00 00 01"
        self.customer.invalidate_recordset(["dso_collection_warning"])
        self.assertFalse(self.customer.dso_collection_warning)


@tagged("post_install", "-at_install")
class TestCompanyRole(DsoContactsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.erp_contact = cls._create_contact(
            "ERP Contact", email="erp@lumiere.example.com", is_company_role=True
        )

    def test_billing_user_cannot_create_company_role_contact(self):
        with self.assertRaisesRegex(AccessError, "customers file"):
            self.env["res.partner"].with_user(self.billing_user).create(
                {"name": "Hand made", "parent_id": self.customer.id, "is_company_role": True}
            )

    def test_billing_user_cannot_smuggle_company_role_through_a_contacts_import(self):
        # the contacts import writes as superuser after its own checks: a
        # client-written value never turns a hand-made contact into an ERP one
        data = b"Customer code,Contact name,Email,Company role\n"
        data += f"{self.customer.ref},Smuggled,smuggled@lumiere.example.com,1\n".encode()
        wizard = (
            self.env["dso.contact.import"]
            .with_user(self.billing_user)
            .create(
                {
                    "import_file": base64.b64encode(data),
                    "import_filename": "contacts.csv",
                    "import_type": "contacts",
                }
            )
        )
        wizard.action_import()
        smuggled = self.customer.child_ids.filtered(lambda c: c.name == "Smuggled")
        self.assertEqual(len(smuggled), 1)
        self.assertFalse(smuggled.is_company_role)
        with self.assertRaisesRegex(AccessError, "customers file"):
            smuggled.with_user(self.billing_user).write({"is_company_role": True})

    def test_billing_user_cannot_edit_company_role_contact(self):
        with self.assertRaisesRegex(AccessError, "customers file"):
            self.erp_contact.with_user(self.billing_user).email = "other@lumiere.example.com"
        with self.assertRaises(AccessError):
            self.accountant.with_user(self.billing_user).is_company_role = True

    def test_billing_user_cannot_delete_company_role_contact(self):
        with self.assertRaisesRegex(AccessError, "customers file"):
            self.erp_contact.with_user(self.billing_user).unlink()

    def test_billing_user_edits_customer_and_sync_reaches_company_role_contact(self):
        self.customer.with_user(self.billing_user).write(
            {"street": "1 quai Perrache", "vat": "FR23334175221"}
        )
        self.assertEqual(self.erp_contact.street, "1 quai Perrache")
        self.assertEqual(self.erp_contact.vat, "FR23334175221")

    def test_billing_user_may_choose_company_role_contact_for_collection(self):
        self.erp_contact.with_user(self.billing_user).is_collection_contact = True
        self.assertEqual(self.customer.collection_contact_id, self.erp_contact)

    def test_technical_group_manages_company_role_contacts(self):
        manager = new_test_user(
            self.env,
            login="dso_role_manager",
            groups="base.group_user,base.group_partner_manager,"
            "dso_contacts.group_company_role_manager",
        )
        self.erp_contact.with_user(manager).email = "erp2@lumiere.example.com"
        self.assertEqual(self.erp_contact.email, "erp2@lumiere.example.com")
        self.erp_contact.with_user(manager).unlink()
        self.assertFalse(self.erp_contact.exists())

    def test_company_role_flag_is_readonly_in_forms(self):
        self.assertTrue(self.env["res.partner"]._fields["is_company_role"].readonly)
        contact_form = Form(self.erp_contact.with_user(self.billing_user))
        with self.assertRaises(AssertionError):
            contact_form.is_company_role = False
