# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# the name of the plan every company starts with (and of the plan an upgraded
# database puts its former levels in)
DEFAULT_PLAN_NAME = _lt("Standard")


class DsoReminderPlan(models.Model):
    """A named ladder of reminder levels, followed by a kind of customer, as
    OCA's ``credit.control.policy``. Each customer follows one plan of the
    company reminding it: the one set on it, else the first plan whose rule
    matches it, else the company's default (see
    ``dso.reminder.engine._customer_plans``)."""

    _name = "dso.reminder.plan"
    _description = "Payment Reminder Plan"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10, help="Plans whose rule matches a customer are tried in this order."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    is_default = fields.Boolean(
        string="Company default",
        copy=False,
        help="The plan of the customers that have none set and match no other plan's rule.",
    )
    level_ids = fields.One2many("dso.reminder.level", "plan_id", string="Levels")
    # the rule: a customer matches when it meets every criterion filled in
    partner_category_ids = fields.Many2many(
        "res.partner.category",
        string="Customer tags",
        help="Customers with one of these tags follow this plan.",
    )
    payment_term_ids = fields.Many2many(
        "account.payment.term",
        string="Payment terms",
        check_company=True,
        help="Customers with one of these payment terms follow this plan.",
    )
    country_ids = fields.Many2many(
        "res.country",
        string="Countries",
        help="Customers of these countries follow this plan.",
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Salespersons",
        domain=[("share", "=", False)],
        help="Customers of these salespersons follow this plan.",
    )
    min_amount = fields.Monetary(
        string="Minimum overdue amount",
        currency_field="currency_id",
        help="No automatic reminder of this plan is sent for a customer owing less than "
        "this amount (in the company currency) in one currency. Zero: the company's "
        "minimum (Settings).",
    )
    level_count = fields.Integer(string="Number of levels", compute="_compute_level_count")

    @api.depends("level_ids")
    def _compute_level_count(self):
        for plan in self:
            plan.level_count = len(plan.level_ids)

    @api.constrains("is_default", "company_id", "active")
    def _check_one_default(self):
        companies = self.filtered("is_default").company_id
        if not companies:
            return
        counts = dict(
            self.with_context(active_test=False)._read_group(
                [("company_id", "in", companies.ids), ("is_default", "=", True)],
                ["company_id"],
                ["__count"],
            )
        )
        for company in companies:
            if counts.get(company, 0) > 1:
                raise ValidationError(
                    self.env._(
                        "%(company)s already has a default reminder plan: a company has one.",
                        company=company.display_name,
                    )
                )
        if self.filtered(lambda plan: plan.is_default and not plan.active):
            raise ValidationError(self.env._("The company's default plan cannot be archived."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        # the history keeps the levels it sent (level_id ondelete restrict)
        sent = (
            self.env["dso.reminder"]
            .sudo()
            .search_count(
                [("level_id", "in", self.with_context(active_test=False).level_ids.ids)],
                limit=1,
            )
        )
        if sent:
            raise UserError(
                self.env._(
                    "A reminder plan whose levels were sent cannot be deleted (the "
                    "reminder history shows them): archive it instead."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_default(self):
        if self.filtered("is_default"):
            raise UserError(
                self.env._(
                    "The company's default reminder plan cannot be deleted: make "
                    "another plan the default first."
                )
            )

    def write(self, vals):
        if vals.get("is_default"):
            # the plan made default takes the place of the company's former one
            others = self.search(
                [
                    ("company_id", "in", self.company_id.ids),
                    ("is_default", "=", True),
                    ("id", "not in", self.ids),
                ]
            )
            others.write({"is_default": False})
        return super().write(vals)

    def action_view_levels(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_reminder_level_action"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {
            "default_plan_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action

    def _matches(self, customer):
        """Whether ``customer`` (its fields prefetched) meets the rule of the
        plan; a plan without criteria matches nobody (followed only when set
        on the customer, or as the company's default). The customer may be a
        form's record not saved yet: its relations are compared by origin."""
        self.ensure_one()
        criteria = self._criteria(customer)
        return bool(criteria) and all(found for _kind, _wanted, found in criteria)

    def _criteria(self, customer):
        """[(kind, the plan's records, the customer's records among them)] of
        the criteria the plan has."""
        criteria = []
        if self.partner_category_ids:
            criteria.append(
                (
                    "tag",
                    self.partner_category_ids,
                    self.partner_category_ids & customer.category_id._origin,
                )
            )
        if self.payment_term_ids:
            criteria.append(
                (
                    "term",
                    self.payment_term_ids,
                    self.payment_term_ids & customer.property_payment_term_id._origin,
                )
            )
        if self.country_ids:
            criteria.append(
                ("country", self.country_ids, self.country_ids & customer.country_id._origin)
            )
        if self.user_ids:
            criteria.append(("user", self.user_ids, self.user_ids & customer.user_id._origin))
        return criteria

    def _match_reason(self, customer):
        """Why ``customer`` matches the plan's rule, in words."""
        self.ensure_one()
        labels = {
            "tag": lambda names: self.env._("tag %(names)s", names=names),
            "term": lambda names: self.env._("payment terms %(names)s", names=names),
            "country": lambda names: self.env._("country %(names)s", names=names),
            "user": lambda names: self.env._("salesperson %(names)s", names=names),
        }
        parts = [
            labels[kind](", ".join(found.mapped("display_name")))
            for kind, _wanted, found in self._criteria(customer)
        ]
        return self.env._("Matches %(rule)s.", rule=", ".join(parts))

    def _sorted_levels(self):
        """The plan's active levels, lowest first."""
        return self.level_ids.sorted(lambda level: (level.days, level.sequence, level.id))
