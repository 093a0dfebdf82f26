# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What keeps the customer's payment reminders from reaching it, as its
warning banners say: no usable contact for collection, the sending's checks
run on the current data, the last failure."""

from collections import defaultdict

from odoo import api, fields, models

# the channels of a level or reminder's ``channel``
CHANNELS = {"email": {"email"}, "sms": {"sms"}, "both": {"email", "sms"}, "activity": set()}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # the customer's debts and its reminders' fate: accounting's business, as
    # the other collection fields
    dso_collection_warning = fields.Char(
        string="Collection warning",
        compute="_compute_dso_collection_warning",
        groups="account.group_account_invoice",
    )
    dso_reminder_problem = fields.Text(
        string="Reminder problem",
        compute="_compute_dso_reminder_problem",
        search="_search_dso_reminder_problem",
        help="What keeps the payment reminders from reaching the customer's contact "
        "for collection now: the checks of the sending, run on the current data, for "
        "the channels of the next reminder and of the last one if it was not fully "
        "sent.",
        groups="account.group_account_invoice",
    )
    dso_reminder_error = fields.Text(
        string="Reminder failure",
        copy=False,
        readonly=True,
        help="The error that stopped the last automatic reminder of this customer; "
        "cleared by the next reminder.",
        groups="account.group_account_invoice",
    )
    dso_reminder_error_company_id = fields.Many2one(
        "res.company",
        string="Reminder failure of",
        copy=False,
        readonly=True,
        help="The company whose reminder failed: a customer shared by companies "
        "shows the failure to the users of that company only. Empty on failures "
        "recorded before: shown to all.",
        groups="account.group_account_invoice",
    )

    @api.depends_context("company")
    @api.depends(
        "collection_contact_id.email",
        "collection_contact_id.mobile",
        "collection_contact_id.phone",
    )
    def _compute_dso_collection_warning(self):
        for partner in self:
            partner.dso_collection_warning = partner._dso_get_collection_warning()

    @api.depends_context("company", "lang")
    @api.depends(
        "collection_contact_id",
        "collection_contact_id.email",
        "collection_contact_id.mobile",
        "collection_contact_id.phone",
        "collection_contact_id.country_id",
        # the customer's form, before saving: its contacts as edited
        "dso_contact_ids.is_collection_contact",
        "dso_contact_ids.email",
        "dso_contact_ids.mobile",
        "dso_contact_ids.phone",
        "country_id",
        "dso_reminder_exclude",
        "dso_reminder_exclude_until",
        "dso_reminder_error",
        "dso_reminder_error_company_id",
    )
    def _compute_dso_reminder_problem(self):
        self.dso_reminder_problem = False
        customers = self.filtered(
            lambda p: p._origin.id and p._origin.commercial_partner_id == p._origin
        )
        if not customers:
            return
        channels = customers._origin._dso_reminder_channels()
        contacts = {
            partner: partner._dso_reminder_contact()
            for partner in customers
            if channels.get(partner._origin.id)
        }
        # the contacts' numbers and the blacklist read once for the batch (a
        # page of the list, the candidates of the filter), as the sending does
        numbers = {
            contact.id: contact._dso_reminder_sms_number() or False
            for contact in set(contacts.values())
            if contact
        }
        dispatch = self.env["dso.reminder.dispatch"]
        dispatch = dispatch.with_context(
            dso_sms_numbers=numbers,
            dso_blacklisted_numbers=dispatch._blacklisted_numbers(
                [number for number in numbers.values() if number]
            ),
        )
        for partner in customers:
            lines = []
            if partner.dso_reminder_error and partner._dso_reminder_error_shown():
                lines.append(
                    self.env._(
                        "The payment reminder failed: %(error)s",
                        error=partner.dso_reminder_error,
                    )
                )
            channel = channels.get(partner._origin.id)
            if partner.dso_reminder_exclude and not partner.dso_reminder_exclude_until:
                channel = None  # excluded until further notice: nothing is coming
            if channel:
                contact = contacts[partner]
                # the sending's own checks (the dispatch's), on the data now
                vals = dispatch._check_recipients(channel, contact, contact)
                lines += dispatch._problem_lines(vals["problem_data"])
            partner.dso_reminder_problem = "\n".join(lines) or False

    def _search_dso_reminder_problem(self, operator, value):
        if operator not in ("=", "!="):
            raise NotImplementedError(f"Operator {operator} on dso_reminder_problem")
        flagged = self._dso_customers_with_reminder_problem()
        if (operator == "=") == bool(value):
            return [("id", "in", flagged.ids)]
        return [("id", "not in", flagged.ids)]

    def _dso_get_collection_warning(self):
        self.ensure_one()
        if self.commercial_partner_id != self or not self.id:
            return False
        contact = self.collection_contact_id
        if not contact:
            if self.credit > 0:
                return self.env._(
                    "This customer owes money and has no contact for collection: "
                    "no automatic reminder can be sent."
                )
            return False
        # the sending's own checks: neither channel can reach the contact
        vals = self.env["dso.reminder.dispatch"]._check_recipients("both", contact, contact)
        if vals["email_state"] != "queued" and vals["sms_state"] != "queued":
            return self.env._(
                "The contact for collection %(name)s has neither an email nor a "
                "mobile number: reminders cannot reach them.",
                name=contact.name,
            )
        return False

    def _dso_reminder_contact(self):
        """The customer's contact for collection; in the customer's form
        before saving, the one ticked among its contacts as edited."""
        self.ensure_one()
        if self.id or not self._origin:
            return self.collection_contact_id
        saved = self._origin.collection_contact_id
        flagged = self.dso_contact_ids.filtered("is_collection_contact")
        if flagged or saved in self.dso_contact_ids._origin:
            return flagged[-1:]
        return saved

    def _dso_reminder_channels(self):
        """{customer id: channel} whose recipients the banner checks: the
        channel of the customer's next reminder, and that of its last
        reminder if one of its channels could not be used (email and SMS
        together: ``both``). Read with the user's rights."""
        Reminder = self.env["dso.reminder"]
        if not Reminder.has_access("read"):
            return {}
        used = defaultdict(set)
        for partner in self:
            level = partner.dso_next_reminder_level_id
            if level:
                used[partner.id].update(CHANNELS[level._reminder_channel()])
        last_ids = [
            reminder_id
            for _partner, reminder_id in Reminder._read_group(
                [
                    ("partner_id", "in", self.ids),
                    ("is_draft", "=", False),
                    ("company_id", "=", self.env.company.id),
                ],
                ["partner_id"],
                ["id:max"],
            )
        ]
        for reminder in Reminder.browse(last_ids):
            if reminder.state in ("failed", "partial"):
                used[reminder.partner_id.id].update(CHANNELS[reminder.channel])
        return {
            partner_id: "both" if len(channels) > 1 else next(iter(channels))
            for partner_id, channels in used.items()
            if channels
        }

    @api.model
    def _dso_customers_with_reminder_problem(self):
        """The customers whose banner shows a problem: among those with a
        failure, an unpaid invoice or a reminder not fully sent, those the
        checks of the sending stop now."""
        Reminder = self.env["dso.reminder"]
        if not Reminder.has_access("read"):
            return self.browse()
        company = self.env.company
        candidates = self.search(
            [
                ("dso_reminder_error", "!=", False),
                ("dso_reminder_error_company_id", "in", [False, company.id]),
            ]
        )
        for (partner,) in Reminder._read_group(
            [("state", "in", ("failed", "partial")), ("company_id", "=", company.id)],
            ["partner_id"],
        ):
            candidates |= partner
        engine = self.env["dso.reminder.engine"]
        domain = engine._get_reminder_domain(company._dso_reminder_today(), all_open=True)
        if domain is not None and self.env["account.move"].has_access("read"):
            candidates |= self.browse(
                partner.id
                for (partner,) in self.env["account.move"]._read_group(
                    domain, ["commercial_partner_id"]
                )
            )
        return candidates.filtered("dso_reminder_problem")

    def _dso_reminder_error_shown(self):
        """Whether the failure recorded on the customer is one of the current
        company's reminders (or recorded before the company was kept)."""
        self.ensure_one()
        company = self.dso_reminder_error_company_id
        return not company or company == self.env.company

    def _dso_log_reminder_failure(self, error):
        """Record on the customer that its automatic reminder failed, in the
        current company (the run's)."""
        self.ensure_one()
        self.sudo().write(
            {
                "dso_reminder_error": str(error),
                "dso_reminder_error_company_id": self.env.company.id,
            }
        )
        text = self.env._("The payment reminder failed: %(error)s", error=str(error))
        self._message_log_batch(bodies={self.id: text}, author_id=self.env.user.partner_id.id)
