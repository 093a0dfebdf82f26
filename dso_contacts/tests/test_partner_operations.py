# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import csv
import io

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import DsoContactsCommon


class PartnerOperationsCommon(DsoContactsCommon):
    """A second customer, Atlas, with its own contact; a second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "DSO Company B"})
        cls.atlas = cls.env["res.partner"].create(
            {"name": "Atlas Logistique", "is_company": True, "customer_rank": 1}
        )
        cls.atlas_contact = cls._create_contact(
            "Inès Moreau", customer=cls.atlas, email="ines.moreau@atlas.example.com"
        )

    def _merge(self, partners, dst, user=None):
        """Merge ``partners`` into ``dst`` as the user does: the list's Merge
        action opens the wizard on the selected partners."""
        wizard_model = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(user or self.billing_user)
            .with_context(
                active_model="res.partner", active_ids=partners.ids, active_id=partners[0].id
            )
        )
        with Form(wizard_model) as wizard_form:
            self.assertEqual(wizard_form.state, "selection")
            wizard_form.dst_partner_id = dst
        wizard_form.record.action_merge()
        self.assertFalse((partners - dst).exists(), "the merged partners are gone")

    def _flagged(self, customer):
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search(
                [
                    ("commercial_partner_id", "=", customer.id),
                    ("is_collection_contact", "=", True),
                ]
            )
        )

    def _notes(self, customer):
        return "\n".join(customer.message_ids.mapped("body"))

    def _company_role(self, name, customer, **vals):
        # as the customers import writes it: as superuser, after its own check
        return self._create_contact(
            name, customer=customer.sudo(), is_company_role=True, **vals
        ).sudo(False)

    def _reminder(self, customer, contact, recipients=None):
        level = self.env["dso.reminder.level"].search(
            [("company_id", "=", customer.company_id.id or self.company.id)], limit=1
        )
        return (
            self.env["dso.reminder"]
            .sudo()
            .create(
                {
                    "partner_id": customer.id,
                    "contact_id": contact.id,
                    "recipient_ids": [Command.set((recipients or contact).ids)],
                    "level_id": level.id,
                    "currency_id": self.company.currency_id.id,
                    "channel": "email",
                }
            )
        )


@tagged("post_install", "-at_install")
class TestMergeKeepsCollectionContact(PartnerOperationsCommon):
    def test_merge_customers_keeps_destination_contact_for_collection(self):
        self.accountant.is_collection_contact = True
        self.atlas_contact.is_collection_contact = True
        self._merge(self.customer | self.atlas, self.customer)
        self.assertEqual(self._flagged(self.customer), self.accountant)
        self.assertEqual(self.customer.collection_contact_id, self.accountant)
        self.assertEqual(self.atlas_contact.parent_id, self.customer)
        self.assertFalse(self.atlas_contact.is_collection_contact)
        notes = self._notes(self.customer)
        self.assertIn(
            "Inès Moreau, contact for collection of Atlas Logistique, is no longer a "
            "contact for collection: after the merge, Lumière Distribution keeps "
            "Claire Martin.",
            notes,
        )

    def test_merge_customers_keeps_brought_contact_when_destination_has_none(self):
        self.atlas_contact.is_collection_contact = True
        self._merge(self.customer | self.atlas, self.customer)
        self.assertEqual(self.customer.collection_contact_id, self.atlas_contact)
        self.assertEqual(self._flagged(self.customer), self.atlas_contact)

    def test_merge_customers_from_code(self):
        # as code calls it (an integration deduplicating its customers)
        self.purchaser.is_collection_contact = True
        self.atlas_contact.is_collection_contact = True
        wizard_model = self.env["base.partner.merge.automatic.wizard"]
        wizard_model.with_user(self.billing_user)._merge(
            (self.customer | self.atlas).ids, self.customer.with_user(self.billing_user)
        )
        self.assertFalse(self.atlas.exists())
        self.assertEqual(self._flagged(self.customer), self.purchaser)

    def test_merge_same_person_carries_flag_to_survivor(self):
        self.accountant.is_collection_contact = True
        twin = self._create_contact("Claire MARTIN", email=self.accountant.email)
        self._merge(self.accountant | twin, twin)
        self.assertFalse(self.accountant.exists())
        self.assertTrue(twin.is_collection_contact)
        self.assertEqual(self.customer.collection_contact_id, twin)

    def test_merge_person_into_another_customers_contact(self):
        self.accountant.is_collection_contact = True
        self.atlas_contact.is_collection_contact = True
        twin = self._create_contact(
            "Claire Martin", customer=self.atlas, email=self.accountant.email
        )
        self._merge(self.accountant | twin, twin)
        # Atlas keeps its own; Lumière lost its contact for collection, and says so
        self.assertEqual(self._flagged(self.atlas), self.atlas_contact)
        self.assertFalse(self._flagged(self.customer))
        self.assertIn("no contact for collection now", self._notes(self.customer))

    def test_merge_customers_keeps_one_company_role_contact(self):
        own_role = self._company_role("Lumière accounts", self.customer)
        brought_role = self._company_role("Atlas accounts", self.atlas)
        brought_role.is_collection_contact = True
        self._merge(self.customer | self.atlas, self.customer)
        self.assertTrue(own_role.active)
        self.assertFalse(brought_role.active)
        self.assertEqual(brought_role.parent_id, self.customer)
        # the brought one was the contact for collection: the customer's own
        # Company-role contact takes over, as after a customers import
        self.assertEqual(self.customer.collection_contact_id, own_role)
        self.assertIn("Atlas accounts archived", self._notes(self.customer))

    def test_merge_is_for_contact_creation_rights(self):
        # Odoo's rule, kept: the wizard is for base.group_partner_manager, and
        # only administrators merge partners whose emails differ
        accountant_only = new_test_user(
            self.env,
            login="dso_invoicing_only",
            groups="base.group_user,account.group_account_invoice",
        )
        with self.assertRaises(AccessError):
            self._merge(self.customer | self.atlas, self.customer, user=accountant_only)
        with self.assertRaisesRegex(UserError, "same email"):
            self._merge(self.accountant | self.purchaser, self.purchaser)

    def test_merge_of_company_role_contacts_needs_the_right(self):
        role = self._company_role("Lumière accounts", self.customer, email="a@x.example.com")
        twin = self._create_contact("Lumière accounts", email="a@x.example.com")
        with self.assertRaisesRegex(AccessError, "customers file"):
            self._merge(role | twin, twin)

    def test_merge_person_with_reminders_keeps_history(self):
        self.accountant.is_collection_contact = True
        twin = self._create_contact("Claire Martin", email=self.accountant.email)
        # the history is never rewritten: the reminder is sent to both
        reminder = self._reminder(self.customer, self.accountant, self.accountant | twin)
        self._merge(self.accountant | twin, twin)
        self.assertEqual(reminder.contact_id, twin)
        self.assertEqual(reminder.recipient_ids, twin)

    def test_merge_customers_of_two_companies(self):
        self.billing_user.company_ids |= self.company_b
        self.customer.company_id = self.company
        atlas_b = self.env["res.partner"].create(
            {"name": "Atlas Benelux", "is_company": True, "company_id": self.company_b.id}
        )
        contact_b = self._create_contact("Jan Peeters", customer=atlas_b)
        contact_b.is_collection_contact = True
        self.assertEqual(contact_b.company_id, self.company_b)
        self._merge(self.customer | atlas_b, self.customer)
        self.assertEqual(self.customer.collection_contact_id, contact_b)
        self.assertEqual(contact_b.company_id, self.company, "it follows its customer")

    def test_merge_sees_contacts_hidden_by_record_rules(self):
        # shared customers (no company) whose contacts are in two companies:
        # the user, in the first company only, does not see the second's
        shared_a, shared_b = self.env["res.partner"].create(
            [
                {"name": "Group North", "is_company": True},
                {"name": "Group South", "is_company": True},
            ]
        )
        visible = self._create_contact(
            "Visible", customer=shared_a, is_collection_contact=True
        )
        hidden = self._create_contact(
            "Hidden",
            customer=shared_b,
            company_id=self.company_b.id,
            is_collection_contact=True,
        )
        self._merge(shared_a | shared_b, shared_b)
        # the destination keeps its own contact for collection, which the
        # user does not see
        self.assertEqual(visible.parent_id, shared_b)
        self.assertEqual(self._flagged(shared_b), hidden)


@tagged("post_install", "-at_install")
class TestEverydayOperations(PartnerOperationsCommon):
    def test_archiving_contact_drops_flag_and_restoring_does_not_bring_it_back(self):
        self.accountant.is_collection_contact = True
        self.accountant.with_user(self.billing_user).action_archive()
        self.assertFalse(self.customer.collection_contact_id)
        self.assertIn(
            "Claire Martin is no longer the contact for collection: the contact was archived",
            self._notes(self.customer),
        )
        self.accountant.with_user(self.billing_user).action_unarchive()
        self.assertFalse(self.accountant.is_collection_contact)
        self.assertFalse(self.customer.collection_contact_id)

    def test_archiving_customer_keeps_its_contact_for_collection(self):
        self.accountant.is_collection_contact = True
        self.customer.with_user(self.billing_user).action_archive()
        self.assertTrue(self.accountant.active)
        self.assertEqual(self.customer.collection_contact_id, self.accountant)
        self.customer.with_user(self.billing_user).action_unarchive()
        self.assertEqual(self.customer.collection_contact_id, self.accountant)

    def test_contact_turned_into_company_in_form_drops_flag(self):
        self.accountant.is_collection_contact = True
        with Form(self.accountant.with_user(self.billing_user)) as contact_form:
            contact_form.company_type = "company"
            self.assertFalse(contact_form.is_collection_contact, "shown before saving")
        self.assertTrue(self.accountant.is_company)
        self.assertFalse(self.accountant.is_collection_contact)
        self.assertFalse(self.customer.collection_contact_id)
        self.assertIn("the contact became a company", self._notes(self.customer))

    def test_company_turned_into_person_keeps_its_contacts_flag(self):
        self.atlas_contact.is_collection_contact = True
        with Form(self.atlas.with_user(self.billing_user)) as customer_form:
            customer_form.company_type = "person"
        self.assertFalse(self.atlas.is_company)
        self.assertEqual(self.atlas.collection_contact_id, self.atlas_contact)

    def test_contact_moved_in_form_leaves_flag_behind(self):
        self.accountant.is_collection_contact = True
        self.atlas_contact.is_collection_contact = True
        with Form(self.accountant.with_user(self.billing_user)) as contact_form:
            with self.assertLogs("odoo.tests.form.onchange", "WARNING"):
                contact_form.parent_id = self.atlas  # Odoo warns, and lets it be done
            self.assertFalse(contact_form.is_collection_contact, "shown before saving")
        self.assertEqual(self.accountant.parent_id, self.atlas)
        self.assertFalse(self.customer.collection_contact_id)
        self.assertEqual(self.atlas.collection_contact_id, self.atlas_contact)
        self.assertIn("moved to Atlas Logistique", self._notes(self.customer))

    def test_contact_moved_and_flagged_in_form_is_new_customers_contact(self):
        self.accountant.is_collection_contact = True
        self.atlas_contact.is_collection_contact = True
        with Form(self.accountant.with_user(self.billing_user)) as contact_form:
            with self.assertLogs("odoo.tests.form.onchange", "WARNING"):
                contact_form.parent_id = self.atlas
            contact_form.is_collection_contact = True
        self.assertFalse(self.customer.collection_contact_id)
        self.assertEqual(self.atlas.collection_contact_id, self.accountant)
        self.assertFalse(self.atlas_contact.is_collection_contact)

    def test_duplicating_customer_copies_no_contact(self):
        self.accountant.is_collection_contact = True
        copy = self.customer.with_user(self.billing_user).copy()
        self.assertFalse(copy.child_ids)
        self.assertFalse(copy.collection_contact_id)
        self.assertEqual(self.customer.collection_contact_id, self.accountant)
        contact_copy = self.accountant.with_user(self.billing_user).copy()
        self.assertEqual(contact_copy.parent_id, self.customer)
        self.assertFalse(contact_copy.is_collection_contact)
        self.assertEqual(self.customer.collection_contact_id, self.accountant)

    def test_deleting_contact_with_reminders_is_refused(self):
        self.accountant.is_collection_contact = True
        self._reminder(self.customer, self.accountant)
        with self.assertRaisesRegex(UserError, "Archive the contact instead"):
            self.accountant.with_user(self.billing_user).unlink()
        self.assertEqual(self.customer.collection_contact_id, self.accountant)

    def test_deleting_contact_without_reminders_drops_flag(self):
        self.purchaser.is_collection_contact = True
        self.purchaser.with_user(self.billing_user).unlink()
        self.assertFalse(self.customer.collection_contact_id)
        self.assertIn("the contact was deleted", self._notes(self.customer))


@tagged("post_install", "-at_install")
class TestCompanyRoleReplacement(PartnerOperationsCommon):
    def _import_customers(self, rows):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([["Customer code", "Customer name", "Email"], *rows])
        wizard = (
            self.env["dso.contact.import"]
            .with_user(self.billing_user)
            .create(
                {
                    "import_file": base64.b64encode(buffer.getvalue().encode()),
                    "import_filename": "customers.csv",
                    "import_type": "customers",
                }
            )
        )
        wizard.action_import()
        self.assertFalse(wizard.error_count)

    def test_new_company_role_contact_takes_the_flag(self):
        old = self._company_role("ERP accounts", self.customer)
        old.with_user(self.billing_user).is_collection_contact = True
        new = self._company_role("ERP receivables", self.customer)
        self.assertFalse(old.active)
        self.assertEqual(self.customer.collection_contact_id, new)
        self.assertIn(
            "ERP receivables, the customer's Company-role", self._notes(self.customer)
        )

    def test_customers_import_keeps_the_company_role_contact_for_collection(self):
        first = self._company_role("ERP accounts", self.customer)
        second = self._company_role("ERP billing", self.customer)
        # two Company-role contacts, as left by an old import: create() now
        # keeps one, so the first comes back by hand
        first.sudo().active = True
        second.with_user(self.billing_user).is_collection_contact = True
        self._import_customers([["C1001", "Lumière Distribution", "ar@lumiere.example.com"]])
        roles = self.customer.child_ids.filtered("is_company_role")
        self.assertEqual(len(roles), 1)
        self.assertEqual(roles.email, "ar@lumiere.example.com")
        self.assertEqual(self.customer.collection_contact_id, roles)

    def test_customers_import_without_contact_data_leaves_customer_told(self):
        role = self._company_role("ERP accounts", self.customer, email="ap@x.example.com")
        role.with_user(self.billing_user).is_collection_contact = True
        self._import_customers([["C1001", "Lumière Distribution", ""]])
        self.assertFalse(role.active)
        self.assertFalse(self.customer.collection_contact_id)
        self.assertIn("ERP accounts is no longer the contact", self._notes(self.customer))

    def test_company_role_manager_merges_company_role_contacts(self):
        manager = new_test_user(
            self.env,
            login="dso_role_merger",
            groups="base.group_user,base.group_partner_manager,"
            "dso_contacts.group_company_role_manager",
        )
        role = self._company_role("ERP accounts", self.customer, email="a@x.example.com")
        twin = self._company_role("ERP accounts", self.atlas, email="a@x.example.com")
        role.is_collection_contact = True
        self._merge(role | twin, twin, user=manager)
        self.assertTrue(twin.active)
        self.assertEqual(twin.parent_id, self.atlas)
        self.assertEqual(self.atlas.collection_contact_id, twin)
        self.assertFalse(self.customer.collection_contact_id)
