# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class DsoReminderSend(models.TransientModel):
    """Send a payment reminder by hand, to one or several customers.

    A door of ``dso.reminder.engine``: it collects the level, channel,
    recipients and edited texts, and calls the engine's ``_send`` (a preview
    first: drafts the engine renders as it sends them). The engine finds what
    is due with the user's rights, in the wizard's company, which must be one
    of the user's. Nothing a client writes on the wizard widens that: the
    reminders sent are prepared again from the wizard's own choices when it
    sends, never taken from ``reminder_ids``.
    """

    _name = "dso.reminder.send"
    _description = "Send a Payment Reminder"
    _check_company_auto = True

    state = fields.Selection(
        [("compose", "Compose"), ("preview", "Preview")],
        default="compose",
        required=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "dso_reminder_send_partner_rel",
        "wizard_id",
        "partner_id",
        string="Customers",
        required=True,
        check_company=True,
    )
    customer_count = fields.Integer(compute="_compute_customer_count")
    level_id = fields.Many2one(
        "dso.reminder.level",
        required=True,
        domain="[('company_id', '=', company_id), ('plan_id', 'in', plan_ids)]",
        compute="_compute_level_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
    )
    plan_ids = fields.Many2many(
        "dso.reminder.plan",
        string="Plans followed",
        compute="_compute_plan_ids",
        help="The reminder plans the selected customers follow: their levels are offered.",
    )
    plan_note = fields.Char(compute="_compute_plan_ids")
    channel = fields.Selection(
        [
            ("email", "Email"),
            ("sms", "SMS"),
            ("both", "Email and SMS"),
            ("activity", "Call (activity)"),
        ],
        required=True,
        compute="_compute_channel",
        store=True,
        readonly=False,
        precompute=True,
    )
    proposed_recipient_ids = fields.Many2many(
        "res.partner", compute="_compute_proposed_recipient_ids"
    )
    recipient_ids = fields.Many2many(
        "res.partner",
        "dso_reminder_send_recipient_rel",
        "wizard_id",
        "partner_id",
        string="Email recipients",
        compute="_compute_recipient_ids",
        store=True,
        readonly=False,
        precompute=True,
        help="The customer's contacts who receive the email; the contact for "
        "collection is proposed, with the contacts holding the level's escalation "
        "roles. With several customers, each customer's contact for collection "
        "(and role holders) receives it.",
    )
    cc_salesperson = fields.Boolean(
        string="Salesperson in copy",
        compute="_compute_cc_salesperson",
        store=True,
        readonly=False,
        precompute=True,
        help="The customer's salesperson receives the email in copy; proposed by the level.",
    )
    reminder_ids = fields.Many2many(
        "dso.reminder",
        "dso_reminder_send_reminder_rel",
        "wizard_id",
        "reminder_id",
        readonly=True,
        # a client may write ids: another company's reminder is refused
        check_company=True,
        help="The reminders of the preview, drafts not sent.",
    )
    hold_reason = fields.Text(
        string="Nothing to send",
        compute="_compute_hold_reason",
        help="Why no reminder can be sent to these customers today.",
    )
    can_send = fields.Boolean(compute="_compute_hold_reason")
    can_edit_body = fields.Boolean(compute="_compute_can_edit_body")
    subject = fields.Char()
    body_html = fields.Html(string="Email", sanitize_style=True)
    sms_body = fields.Text(string="SMS")

    @api.depends("partner_ids")
    def _compute_customer_count(self):
        for wizard in self:
            wizard.customer_count = len(wizard.partner_ids)

    @api.depends("partner_ids", "company_id")
    def _compute_level_id(self):
        for wizard in self:
            company = wizard.company_id
            customers = wizard.partner_ids._origin
            engine = self.env["dso.reminder.engine"].with_company(company)
            groups = (
                engine._due_groups(customers, company._dso_reminder_today(), automatic=False)
                if customers
                else []
            )
            # the level reached in each customer's plan, else its plan's first
            reached = [group["level"] for group in groups if group["level"]]
            if reached:
                wizard.level_id = max(reached, key=lambda level: level.days)
            elif customers:
                plan = engine._customer_plans(customers[:1])[customers[:1].id][0]
                wizard.level_id = plan._sorted_levels()[:1].sudo(False)
            else:
                wizard.level_id = company._dso_reminder_levels()[:1].sudo(False)

    @api.depends("partner_ids", "company_id")
    def _compute_plan_ids(self):
        for wizard in self:
            company = wizard.company_id
            customers = wizard.partner_ids._origin
            plans = self.env["dso.reminder.plan"]
            if customers and company in self.env.companies:
                followed = (
                    self.env["dso.reminder.engine"]
                    .with_company(company)
                    ._customer_plans(customers)
                )
                for plan, _reason in followed.values():
                    plans |= plan
            elif company in self.env.companies:
                plans = company._dso_reminder_plans()
            wizard.plan_ids = plans.sudo(False)
            wizard.plan_note = (
                self.env._(
                    "The selected customers follow different reminder plans (%(plans)s): "
                    "the levels of all of them are offered, and the level chosen is sent "
                    "to every selected customer.",
                    plans=", ".join(plans.mapped("name")),
                )
                if customers and len(plans) > 1
                else False
            )

    @api.depends("partner_ids", "company_id")
    def _compute_hold_reason(self):
        for wizard in self:
            company = wizard.company_id
            customers = wizard.partner_ids._origin
            reasons = (
                self.env["dso.reminder.engine"]
                .with_company(company)
                ._hold_reasons(customers, company._dso_reminder_today())
                if customers and company in self.env.companies
                else {}
            )
            wizard.can_send = bool(customers) and len(reasons) < len(customers)
            if len(customers) == 1:
                wizard.hold_reason = "\n".join(reasons.get(customers, []))
            else:
                wizard.hold_reason = "\n".join(
                    self.env._(
                        "%(customer)s: %(reasons)s",
                        customer=customer.display_name,
                        reasons=" ".join(texts),
                    )
                    for customer, texts in reasons.items()
                )

    @api.depends("level_id")
    def _compute_channel(self):
        for wizard in self:
            wizard.channel = (
                wizard.level_id._reminder_channel() if wizard.level_id else "email"
            )

    @api.depends("level_id")
    def _compute_cc_salesperson(self):
        for wizard in self:
            wizard.cc_salesperson = wizard.level_id.cc_salesperson

    @api.depends("partner_ids")
    def _compute_proposed_recipient_ids(self):
        for wizard in self:
            customers = wizard.partner_ids._origin
            wizard.proposed_recipient_ids = (
                customers._dso_collection_contacts() if len(customers) == 1 else False
            )

    @api.depends("partner_ids", "level_id")
    def _compute_recipient_ids(self):
        dispatch = self.env["dso.reminder.dispatch"]
        for wizard in self:
            customers = wizard.partner_ids._origin
            if len(customers) != 1:
                wizard.recipient_ids = False
                continue
            holders = (
                dispatch.with_company(wizard.company_id)
                ._role_holders(customers, wizard.level_id._origin)
                .filtered("email")
                if wizard.level_id
                else customers.browse()
            )
            wizard.recipient_ids = customers.collection_contact_id | holders

    @api.depends("reminder_ids")
    def _compute_can_edit_body(self):
        for wizard in self:
            wizard.can_edit_body = len(wizard.reminder_ids) == 1

    @api.model
    def default_get(self, fields_list):
        self._check_rights()
        values = super().default_get(fields_list)
        if (
            "partner_ids" in fields_list
            and not values.get("partner_ids")
            and self.env.context.get("active_model") == "res.partner"
        ):
            partners = self.env["res.partner"].browse(self.env.context.get("active_ids") or [])
            values["partner_ids"] = [fields.Command.set(partners.commercial_partner_id.ids)]
        return values

    @api.model_create_multi
    def create(self, vals_list):
        self._check_rights()
        wizards = super().create(vals_list)
        wizards._check_company_allowed()
        return wizards

    def write(self, vals):
        result = super().write(vals)
        if "company_id" in vals:
            self._check_company_allowed()
        return result

    def action_preview(self):
        """Prepare the reminders (drafts in the history, not sent) and show
        them as the engine renders them."""
        self.ensure_one()
        self._check_rights()
        self._check_company_allowed()
        self._unlink_drafts()
        engine = self._engine()
        reminders = engine._send(self.partner_ids, options=self._send_options(preview=True))
        rendered = engine._render(reminders[:1]).get(reminders[:1].id, {})
        if len(self.partner_ids) == 1:
            title = self.env._(
                "Preview: %(level)s to %(customer)s",
                level=self.level_id.name,
                customer=self.partner_ids.display_name,
            )
        else:
            title = self.env._(
                "Preview: %(level)s to %(count)s customers",
                level=self.level_id.name,
                count=len(self.partner_ids),
            )
        self.write(
            {
                "reminder_ids": [fields.Command.set(reminders.ids)],
                "state": "preview",
                "subject": rendered.get("subject"),
                "body_html": rendered.get("body_html"),
                "sms_body": rendered.get("sms_body"),
            }
        )
        return self._reopen(title)

    def action_back(self):
        self.ensure_one()
        self._unlink_drafts()
        self.write(
            {"state": "compose", "subject": False, "body_html": False, "sms_body": False}
        )
        return self._reopen(self.env._("Send a payment reminder"))

    def action_send(self):
        """Send the reminders: prepared again from the wizard's choices, queued
        in Odoo's email and SMS queues and recorded in the history, like the
        automatic ones. The text edited in the preview of a single reminder
        replaces the template's."""
        self.ensure_one()
        self._check_rights()
        self._check_company_allowed()
        self._unlink_drafts()
        reminders = self._engine()._send(self.partner_ids, options=self._send_options())
        self.write({"reminder_ids": [fields.Command.clear()]})
        return self._notify_sent(reminders)

    def _notify_sent(self, reminders):
        """What the user reads once the reminders are sent (as
        ``account.move.send``'s wizard says it): how many are queued, how
        many could not be sent; then the wizard closes."""
        failed = reminders.filtered(lambda r: r.state == "failed")
        queued = len(reminders) - len(failed)
        if queued == 1:
            message = self.env._("1 reminder queued.")
        else:
            message = self.env._("%(count)s reminders queued.", count=queued)
        if failed:
            message = " ".join(
                (
                    message,
                    self.env._(
                        "%(count)s could not be sent: see the reminders of the customer.",
                        count=len(failed),
                    ),
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if failed else "success",
                "title": self.env._("Payment reminders"),
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _engine(self):
        return self.env["dso.reminder.engine"].with_company(self.company_id)

    def _send_options(self, preview=False):
        """The wizard's choices, as the engine's ``_send`` takes them."""
        self.ensure_one()
        texts = {
            key: value
            for key, value in (
                ("subject", self.subject),
                ("body_html", self.body_html),
                ("sms_body", self.sms_body),
            )
            if value and self.state == "preview"
        }
        return {
            "level": self.level_id,
            "channel": self.channel,
            "cc_salesperson": self.cc_salesperson,
            "recipients": self.recipient_ids if len(self.partner_ids) == 1 else None,
            "texts": texts,
            "preview": preview,
        }

    def _unlink_drafts(self):
        """Drop the drafts this user prepared with this wizard (and only
        those: ``reminder_ids`` is a value a client may write)."""
        drafts = self.env["dso.reminder"].search(
            [
                ("id", "in", self.reminder_ids.ids),
                ("is_draft", "=", True),
                ("create_uid", "=", self.env.uid),
            ]
        )
        drafts.sudo().unlink()

    def _reopen(self, name):
        return {
            "name": name,
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "context": self.env.context,
        }

    @api.model
    def _check_rights(self):
        self.env["dso.reminder.engine"]._check_send_rights()

    def _check_company_allowed(self):
        for wizard in self:
            if wizard.company_id not in self.env.companies:
                raise AccessError(
                    self.env._(
                        "You cannot send payment reminders for %(company)s: it is not one "
                        "of your companies.",
                        company=wizard.company_id.name,
                    )
                )
