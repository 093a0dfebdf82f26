from datetime import timedelta

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


def create_invoice(
    env,
    partner,
    due,
    amount,
    currency=None,
    company=None,
    move_type="out_invoice",
    invoice_date=None,
):
    """A posted customer invoice (or credit note, ``move_type="out_refund"``)
    of one untaxed line of ``amount``, due on ``due``, dated 30 days before
    unless ``invoice_date`` is given, in ``company`` (the current one)."""
    company = company or env.company
    move = (
        env["account.move"]
        .with_company(company)
        .create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": invoice_date or due - timedelta(days=30),
                "invoice_date_due": due,
                "currency_id": (currency or company.currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Consulting",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
    )
    move.action_post()
    return move


def company_user(env, company, login, groups="account.group_account_invoice", **vals):
    """A user of ``company`` only, its password its login (a Billing user
    unless ``groups`` says otherwise)."""
    return new_test_user(
        env,
        login=login,
        groups=groups,
        company_id=company.id,
        company_ids=[Command.set(company.ids)],
        **vals,
    )


class DsoContactsCommon(TransactionCase):
    """A French customer with contacts, and a plain accounting (Billing) user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.fr")
        cls.role_accountant = cls.env.ref("dso_contacts.contact_role_accountant")
        cls.role_purchaser = cls.env.ref("dso_contacts.contact_role_purchaser")
        cls.billing_user = company_user(
            cls.env,
            cls.company,
            "dso_billing",
            "base.group_user,base.group_partner_manager,account.group_account_invoice",
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Lumière Distribution",
                "is_company": True,
                "ref": "C1001",
                "country_id": cls.env.ref("base.fr").id,
                "city": "Lyon",
                "customer_rank": 1,
            }
        )
        cls.accountant = cls._create_contact(
            "Claire Martin",
            email="claire.martin@lumiere.example.com",
            phone="+33 1 23 45 67 89",
            contact_role_id=cls.role_accountant.id,
        )
        cls.purchaser = cls._create_contact(
            "Hugo Bernard",
            email="hugo.bernard@lumiere.example.com",
            mobile="06 12 34 56 78",
            contact_role_id=cls.role_purchaser.id,
        )

    @classmethod
    def _create_contact(cls, name, customer=None, **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "parent_id": (customer or cls.customer).id,
                "type": "contact",
                **vals,
            }
        )
