# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import LazyTranslate

from .dso_reminder_plan import DEFAULT_PLAN_NAME

_lt = LazyTranslate(__name__)

# (days, level name, channel, email template, sms template) of the levels
# every company starts with; the templates are XML ids of data/. The names
# are created in every installed language (see _dso_create_default_reminder_levels)
DEFAULT_REMINDER_LEVELS = [
    (-3, _lt("Courtesy notice"), "email", "mail_template_reminder_courtesy", None),
    (5, _lt("First reminder"), "email", "mail_template_reminder_first", None),
    (
        15,
        _lt("Second reminder"),
        "both",
        "mail_template_reminder_second",
        "sms_template_reminder_second",
    ),
    (
        30,
        _lt("Final notice"),
        "both",
        "mail_template_reminder_final",
        "sms_template_reminder_final",
    ),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    dso_reminder_auto = fields.Boolean(
        string="Automatic payment reminders",
        help="The scheduled action sends the payment reminders of this company.",
    )
    dso_reminder_min_amount = fields.Monetary(
        string="Minimum overdue amount",
        currency_field="currency_id",
        help="No automatic reminder is sent for a customer owing less than this "
        "amount (in the company currency) in one currency.",
    )
    dso_reminder_monday = fields.Boolean(string="Monday", default=True)
    dso_reminder_tuesday = fields.Boolean(string="Tuesday", default=True)
    dso_reminder_wednesday = fields.Boolean(string="Wednesday", default=True)
    dso_reminder_thursday = fields.Boolean(string="Thursday", default=True)
    dso_reminder_friday = fields.Boolean(string="Friday", default=True)
    dso_reminder_saturday = fields.Boolean(string="Saturday")
    dso_reminder_sunday = fields.Boolean(string="Sunday")
    dso_reminder_hour_from = fields.Float(
        string="Send from",
        default=8.0,
        help="Hour (in the company's time zone) from which reminders are sent.",
    )
    dso_reminder_hour_to = fields.Float(
        string="Send until",
        default=18.0,
        help="Hour (in the company's time zone) after which reminders wait for "
        "the next sending day.",
    )
    dso_reminder_user_id = fields.Many2one(
        "res.users",
        string="Reminders sender",
        domain=[("share", "=", False)],
        help="User the reminders come from. Empty: the customer's salesperson, "
        "else the company.",
    )
    dso_reminder_level_ids = fields.One2many(
        "dso.reminder.level", "company_id", string="Reminder levels"
    )
    dso_reminder_plan_ids = fields.One2many(
        "dso.reminder.plan", "company_id", string="Reminder plans"
    )
    # customer page: promises to pay and the personal link
    dso_promise_max_days = fields.Integer(
        string="Promise at most (days ahead)",
        default=30,
        help="A customer may promise to pay at most this many days from today.",
    )
    dso_promise_grace_days = fields.Integer(
        string="Grace period after a promise (days)",
        default=3,
        help="The reminders of promised invoices wait until the promised date plus "
        "this many days; unpaid then, the promise is broken.",
    )
    dso_portal_token_days = fields.Integer(
        string="Customer link valid (days)",
        default=90,
        help="Days a customer's personal link works after the last reminder that "
        "carried it; 0: no limit. It also stops working when the customer owes nothing.",
    )

    @api.constrains("dso_reminder_hour_from", "dso_reminder_hour_to")
    def _check_dso_reminder_hours(self):
        for company in self:
            if not (0 <= company.dso_reminder_hour_from < company.dso_reminder_hour_to <= 24):
                raise ValidationError(
                    self.env._(
                        "The sending hours of the payment reminders must be between "
                        "0 and 24, the start before the end."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._dso_create_default_reminder_levels()
        return companies

    @api.model
    def _dso_setup_reminder_levels(self):
        """Give every company without levels the default ones (at install)."""
        self.sudo().with_context(active_test=False).search(
            [("dso_reminder_level_ids", "=", False)]
        )._dso_create_default_reminder_levels()

    def _dso_create_default_reminder_levels(self):
        """Give each company of ``self`` without reminder levels the default
        collection scenario (see ``DEFAULT_REMINDER_LEVELS``)."""
        Level = self.env["dso.reminder.level"].sudo().with_context(active_test=False)
        with_levels = Level._read_group([("company_id", "in", self.ids)], ["company_id"])
        companies = self - self.browse(company.id for (company,) in with_levels)
        vals_list = []
        names = []
        for company in companies:
            for days, name, channel, mail_xmlid, sms_xmlid in DEFAULT_REMINDER_LEVELS:
                mail_template = self.env.ref(f"dso_contacts.{mail_xmlid}", False)
                sms_template = sms_xmlid and self.env.ref(f"dso_contacts.{sms_xmlid}", False)
                if not mail_template or (sms_xmlid and not sms_template):
                    # templates deleted by hand: nothing sensible to create
                    continue
                names.append(name)
                vals_list.append(
                    {
                        "company_id": company.id,
                        "name": name._translate("en_US"),
                        "days": days,
                        "sequence": len(vals_list) + 1,
                        "channel": channel,
                        "mail_template_id": mail_template.id,
                        "sms_template_id": sms_template.id if sms_template else False,
                    }
                )
        levels = Level.with_context(lang="en_US").create(vals_list)
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for level, name in zip(levels, names, strict=True):
            level.update_field_translations(
                "name", {lang: name._translate(lang) for lang in langs if lang != "en_US"}
            )
        return levels

    def _dso_reminder_weekdays(self):
        """Weekdays (0 = Monday) on which the company sends reminders."""
        self.ensure_one()
        names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        return {day for day, name in enumerate(names) if self[f"dso_reminder_{name}"]}

    def _dso_reminder_tz(self):
        self.ensure_one()
        return pytz.timezone(self.partner_id.tz or "UTC")

    def _dso_reminder_today(self):
        """The company's date now, in its time zone: the day reminders count from."""
        self.ensure_one()
        return (
            pytz.utc.localize(fields.Datetime.now()).astimezone(self._dso_reminder_tz()).date()
        )

    def _dso_reminder_in_window(self, now):
        """Whether ``now`` (naive UTC) is a sending day and hour of the company."""
        self.ensure_one()
        local = pytz.utc.localize(now).astimezone(self._dso_reminder_tz())
        hour = local.hour + local.minute / 60.0
        return (
            local.weekday() in self._dso_reminder_weekdays()
            and self.dso_reminder_hour_from <= hour < self.dso_reminder_hour_to
        )

    def _dso_reminder_next_window(self, now):
        """Start (naive UTC) of the company's next sending window after ``now``,
        or None when it sends on no day."""
        self.ensure_one()
        weekdays = self._dso_reminder_weekdays()
        tz = self._dso_reminder_tz()
        local = pytz.utc.localize(now).astimezone(tz)
        hours, minutes = divmod(round(self.dso_reminder_hour_from * 60), 60)
        for offset in range(8) if weekdays else ():
            day = (local + timedelta(days=offset)).date()
            start = tz.localize(datetime(day.year, day.month, day.day, hours, minutes))
            if day.weekday() in weekdays and start > local:
                return start.astimezone(pytz.utc).replace(tzinfo=None)
        return None

    def _dso_reminder_levels(self):
        """The company's active reminder levels, lowest first. Levels are
        configuration: every reminder path may read them."""
        self.ensure_one()
        return (
            self.env["dso.reminder.level"]
            .sudo()
            .search([("company_id", "=", self.id)], order="days, sequence, id")
        )

    def _dso_reminder_plans(self):
        """The company's active reminder plans, in the order their rules are
        tried, their levels read with them (configuration, as the levels)."""
        self.ensure_one()
        plans = (
            self.env["dso.reminder.plan"]
            .sudo()
            .search([("company_id", "=", self.id)], order="sequence, id")
        )
        plans.level_ids.fetch(["days", "sequence", "plan_id", "channel"])
        return plans

    def _dso_reminder_default_plan(self):
        """The company's default reminder plan, created (named Standard, in
        every installed language) when it has none."""
        self.ensure_one()
        Plan = self.env["dso.reminder.plan"].sudo().with_context(active_test=False)
        plan = Plan.search([("company_id", "=", self.id), ("is_default", "=", True)], limit=1)
        if plan:
            return plan
        plan = Plan.with_context(lang="en_US").create(
            {
                "name": DEFAULT_PLAN_NAME._translate("en_US"),
                "company_id": self.id,
                "is_default": True,
                "sequence": 100,
            }
        )
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        plan.update_field_translations(
            "name",
            {lang: DEFAULT_PLAN_NAME._translate(lang) for lang in langs if lang != "en_US"},
        )
        return plan

    def _dso_reminder_sender(self, customer):
        """(user, author partner, email_from) of the reminders to ``customer``:
        the reminders sender of the settings, else the customer's salesperson,
        else the company."""
        self.ensure_one()
        user = self.dso_reminder_user_id or customer.user_id
        if user and user.email:
            return user, user.partner_id, user.email_formatted
        return user, self.partner_id, self.email_formatted or user.email_formatted
