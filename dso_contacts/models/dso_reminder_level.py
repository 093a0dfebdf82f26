# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_company import DEFAULT_REMINDER_LEVELS


class DsoReminderLevel(models.Model):
    _name = "dso.reminder.level"
    _description = "Payment Reminder Level"
    _order = "company_id, plan_id, days, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    # cascade: a plan deleted takes its levels along; a level already sent is
    # kept by the history (dso.reminder.level_id is ondelete restrict), so a
    # plan that sent reminders cannot be deleted, only archived
    plan_id = fields.Many2one(
        "dso.reminder.plan",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        help="The ladder of levels this level belongs to. Empty when creating: the "
        "company's default plan.",
    )
    days = fields.Integer(
        string="Days after due date",
        required=True,
        help="The level is reached when the oldest unpaid invoice of the customer "
        "is due since this many days. Negative: a courtesy notice sent before "
        "the due date.",
    )
    channel = fields.Selection(
        [("email", "Email"), ("sms", "SMS"), ("both", "Email and SMS")],
        required=True,
        default="email",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email template",
        domain=[("model", "=", "dso.reminder")],
        ondelete="restrict",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS template",
        domain=[("model", "=", "dso.reminder")],
        ondelete="restrict",
    )
    attach_invoices = fields.Boolean(
        string="Attach invoice PDFs",
        help="Attach the PDF of each overdue invoice to the email.",
    )
    # escalation: who else the level writes to, or a call instead of a message
    action_kind = fields.Selection(
        [("message", "Send a message"), ("activity", "Call the customer (activity)")],
        string="Action",
        required=True,
        default="message",
        help="Send a message: the email and/or SMS of the channel. Call the customer: "
        "instead of a message, one activity 'Call' for the collector per customer, "
        "the invoices listed (the company's reminders user, else the customer's "
        "salesperson).",
    )
    escalation_role_ids = fields.Many2many(
        "dso.contact.role",
        "dso_reminder_level_contact_role_rel",
        "level_id",
        "role_id",
        string="Also to the roles",
        help="The customer's contacts holding these roles also receive this level's "
        "email (To), beside the contact for collection. A role no contact holds is "
        "said in the reminder's recipients.",
    )
    cc_salesperson = fields.Boolean(
        string="Salesperson in copy",
        help="The customer's salesperson receives this level's email in copy (Cc).",
    )
    reminder_count = fields.Integer(string="Reminders", compute="_compute_reminder_count")

    _sql_constraints = [
        (
            # the name of 18.0.1.4.0, kept so that the upgrade replaces its
            # definition (once per company, now once per plan)
            "days_company_uniq",
            "unique (plan_id, days)",
            "Two reminder levels of one plan cannot have the same number of days.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        # a level created without plan (by code written before the plans, a
        # data file, an import) joins its company's default plan
        Company = self.env["res.company"]
        for vals in vals_list:
            if not vals.get("plan_id"):
                company = Company.browse(
                    vals.get("company_id")
                    or self.env.context.get("default_company_id")
                    or self.env.company.id
                )
                vals["plan_id"] = company._dso_reminder_default_plan().id
            elif not vals.get("company_id"):
                plan = self.env["dso.reminder.plan"].browse(vals["plan_id"])
                vals["company_id"] = plan.sudo().company_id.id
        return super().create(vals_list)

    @api.depends("name", "plan_id.name", "company_id")
    def _compute_display_name(self):
        """ "Plan / Level" when the level's company has several active plans:
        two levels named alike in two plans are told apart in every list."""
        # the plans counted (not read) for the whole batch, in one query
        counts = dict(
            self.env["dso.reminder.plan"]
            .sudo()
            ._read_group(
                [("company_id", "in", self.company_id.ids)], ["company_id"], ["__count"]
            )
        )
        for level in self:
            if level.plan_id and counts.get(level.company_id, 0) > 1:
                level.display_name = self.env._(
                    "%(plan)s / %(level)s", plan=level.plan_id.name, level=level.name
                )
            else:
                level.display_name = level.name

    def _compute_reminder_count(self):
        counts = dict(
            self.env["dso.reminder"]._read_group(
                [("level_id", "in", self.ids)], ["level_id"], ["__count"]
            )
        )
        for level in self:
            level.reminder_count = counts.get(level, 0)

    @api.constrains("channel", "mail_template_id", "sms_template_id", "action_kind")
    def _check_templates(self):
        for level in self:
            if level.action_kind == "activity":
                continue  # a call sends no message
            if level.channel in ("email", "both") and not level.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "The reminder level %(name)s sends emails: choose its email template.",
                        name=level.name,
                    )
                )
            if level.channel in ("sms", "both") and not level.sms_template_id:
                raise ValidationError(
                    self.env._(
                        "The reminder level %(name)s sends SMS: choose its SMS template.",
                        name=level.name,
                    )
                )

    @api.model
    def _translate_default_names(self, langs, overwrite=False):
        """Give the levels created with a default name (``DEFAULT_REMINDER_LEVELS``)
        that name in ``langs``, languages installed after them: Odoo loads the
        translations of the records of data files, not of records created by
        code. A translation already there is kept unless ``overwrite``."""
        langs = [lang for lang in langs if lang != "en_US"]
        if not langs:
            return
        names = {level[1]._translate("en_US"): level[1] for level in DEFAULT_REMINDER_LEVELS}
        levels = (
            self.sudo()
            .with_context(active_test=False, lang="en_US")
            .search([("name", "in", list(names))])
        )
        for level in levels:
            name = names[level.name]
            translations = {
                lang: name._translate(lang)
                for lang in langs
                if overwrite or level.with_context(lang=lang).name == level.name
            }
            if translations:
                level.update_field_translations("name", translations)

    def _reminder_channel(self):
        """The channel of this level's reminders: ``activity`` for a call."""
        self.ensure_one()
        return "activity" if self.action_kind == "activity" else self.channel

    def _reached(self, days_late):
        """The highest level of ``self`` (levels sorted by days) reached by an
        invoice ``days_late`` days after its due date; empty when none is."""
        reached = self.filtered(lambda level: level.days <= days_late)
        return reached[-1:]

    def action_view_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_contacts.dso_reminder_action"
        )
        action["domain"] = [("level_id", "=", self.id)]
        action["context"] = {"search_default_hide_drafts": 1}
        return action
