# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
from collections import defaultdict
from uuid import uuid4

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_amount, format_date


class DsoReminderDispatch(models.AbstractModel):
    """Sends reminders prepared by ``dso.reminder.engine``: checks their
    recipients (address, number, blacklists), renders their templates,
    queues the emails (``mail.mail``) and SMS (``sms.sms``) in Odoo's own
    queues, notes them on the customers and invoices, raises an activity for
    what could not be sent, and sends again what failed once the data is
    fixed. Odoo's queues do the sending.

    The records it writes (emails, SMS, notes, activities) are the engine's
    own output: it is called after the caller's rights were checked, and
    writes them as superuser.
    """

    _name = "dso.reminder.dispatch"
    _description = "Payment Reminder Dispatch"

    @api.model
    def _send(self, reminders, email_values=None):
        """Queue the emails and SMS of the ``reminders`` whose channel state is
        ``queued``, then log them on the customers and invoices and raise the
        problems found.

        :param dict email_values: {reminder id: values overriding the rendered
            email (subject, body_html, sms_body)}, from the manual send
        """
        dispatch = self.sudo()
        reminders = reminders.sudo()
        self.env["dso.customer.access"]._ensure_for_reminders(reminders)
        dispatch._queue_emails(
            reminders.filtered(lambda r: r.email_state == "queued"), email_values or {}
        )
        dispatch._queue_sms(
            reminders.filtered(lambda r: r.sms_state == "queued"), email_values or {}
        )
        dispatch._log_chatter(reminders)
        dispatch._flag_problems(reminders)
        # the customers' links went out: their validity period starts again
        self.env["dso.customer.access"]._hand_out(
            reminders.filtered(lambda r: "queued" in (r.email_state, r.sms_state))
        )

    @api.model
    def _trigger_queues(self):
        """Wake Odoo's own email and SMS queues up: they do the sending."""
        for xmlid in (
            "mail.ir_cron_mail_scheduler_action",
            "sms.ir_cron_sms_scheduler_action",
        ):
            cron = self.env.ref(xmlid, raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger()

    # ------------------------------------------------------------------
    # Recipients
    # ------------------------------------------------------------------

    @api.model
    def _check_recipients(self, channel, email_contacts, contact):
        """Values of the channels of a reminder: for each channel, whether it
        can be used (``queued``) and, if not, why; ``problem`` says it."""
        problems = []
        vals = {}
        if channel in ("email", "both"):
            vals.update(self._check_email(email_contacts, problems))
        if channel in ("sms", "both"):
            vals.update(self._check_sms(contact, problems))
        vals["problem"] = "\n".join(problems) or False
        return vals

    @api.model
    def _check_email(self, contacts, problems):
        if not contacts:
            problems.append(self.env._("No contact for collection: no email sent."))
            return {"email_state": "missing_contact"}
        emails = {contact: contact.email_normalized for contact in contacts}
        for contact, email in emails.items():
            if not email:
                problems.append(
                    self.env._(
                        "%(name)s has no valid email address: no email sent.",
                        name=contact.name,
                    )
                )
        # mail.thread.blacklist's own flag: one query for the whole batch
        blacklisted = {email for contact, email in emails.items() if contact.is_blacklisted}
        for contact, email in emails.items():
            if email and email in blacklisted:
                problems.append(
                    self.env._(
                        "The email address of %(name)s (%(email)s) is blacklisted: "
                        "no email sent.",
                        name=contact.name,
                        email=email,
                    )
                )
        valid = [c for c, e in emails.items() if e and e not in blacklisted]
        if valid:
            return {
                "email_state": "queued",
                "recipient_ids": [fields.Command.set([c.id for c in valid])],
                "email_to": ", ".join(c.email for c in valid),
            }
        if any(emails.values()):
            return {"email_state": "blacklisted"}
        return {"email_state": "missing_email"}

    @api.model
    def _check_sms(self, contact, problems):
        if not contact:
            problems.append(self.env._("No contact for collection: no SMS sent."))
            return {"sms_state": "missing_contact"}
        number = contact._dso_reminder_sms_number()
        if not number:
            problems.append(
                self.env._(
                    "%(name)s has no valid mobile or phone number: no SMS sent.",
                    name=contact.name,
                )
            )
            return {"sms_state": "missing_number"}
        if self._blacklisted_numbers([number]):
            problems.append(
                self.env._(
                    "The number of %(name)s (%(number)s) is blacklisted (SMS opt-out): "
                    "no SMS sent.",
                    name=contact.name,
                    number=number,
                )
            )
            return {"sms_state": "blacklisted", "sms_number": number}
        return {"sms_state": "queued", "sms_number": number, "sms_uuid": uuid4().hex}

    @api.model
    def _blacklisted_numbers(self, numbers):
        """The numbers of ``numbers`` (E.164) in ``phone.blacklist``. The
        contact's number is read in its customer's country, which the
        contact's own ``phone_sanitized`` does not know: the blacklist is
        searched with it, once per batch (see ``_create_and_send``)."""
        if not numbers:
            return set()
        cache = self.env.context.get("dso_blacklisted_numbers")
        if cache is not None:
            return set(numbers) & cache
        records = self.env["phone.blacklist"].sudo().search([("number", "in", numbers)])
        return set(records.mapped("number"))

    # ------------------------------------------------------------------
    # Emails and SMS
    # ------------------------------------------------------------------

    @api.model
    def _queue_emails(self, reminders, overrides):
        mail_vals_list = []
        for level, template_reminders in reminders.grouped("level_id").items():
            template = level.mail_template_id
            rendered = template._generate_template(
                template_reminders.ids,
                (
                    "subject",
                    "body_html",
                    "reply_to",
                    "mail_server_id",
                    "scheduled_date",
                    "attachment_ids",
                    "report_template_ids",
                    "auto_delete",
                ),
            )
            for reminder in template_reminders:
                values = rendered[reminder.id]
                values.update(overrides.get(reminder.id, {}))
                body = values.get("body_html") or ""
                mail_vals_list.append(
                    {
                        "model": reminder._name,
                        "res_id": reminder.id,
                        "record_name": reminder.display_name,
                        "message_type": "email_outgoing",
                        "subject": values.get("subject"),
                        "body_html": body,
                        "body": body,
                        "email_from": reminder.email_from,
                        "author_id": reminder.author_id.id,
                        "reply_to": values.get("reply_to") or reminder.email_from,
                        "recipient_ids": [fields.Command.set(reminder.recipient_ids.ids)],
                        "auto_delete": values.get("auto_delete", False),
                        "mail_server_id": values.get("mail_server_id") or False,
                        "scheduled_date": values.get("scheduled_date") or False,
                        "attachment_ids": [
                            fields.Command.link(att_id)
                            for att_id in values.get("attachment_ids") or []
                        ],
                        "_attachments": values.get("attachments") or [],
                        "_reminder": reminder,
                    }
                )
        if not mail_vals_list:
            return self.env["mail.mail"]
        extras = [(vals.pop("_attachments"), vals.pop("_reminder")) for vals in mail_vals_list]
        mails = self.env["mail.mail"].sudo().create(mail_vals_list)
        self._link_mails(mails, [reminder for _attachments, reminder in extras])
        for mail, (attachments, reminder) in zip(mails, extras, strict=True):
            attachment_vals = [{"name": name, "datas": datas} for name, datas in attachments]
            if reminder.level_id.attach_invoices:
                attachment_vals += self._invoice_pdf_vals(reminder.move_ids)
            if attachment_vals:
                mail.with_context(default_type=None).write(
                    {
                        "attachment_ids": [
                            fields.Command.create(
                                dict(
                                    vals,
                                    type="binary",
                                    res_model="mail.message",
                                    res_id=mail.mail_message_id.id,
                                )
                            )
                            for vals in attachment_vals
                            if "datas" in vals
                        ]
                        + [
                            fields.Command.link(vals["id"])
                            for vals in attachment_vals
                            if "id" in vals
                        ]
                    }
                )
        return mails

    @api.model
    def _link_mails(self, mails, reminders):
        """Record on each reminder its email, queued. One UPDATE for the
        batch: a write() per reminder (each its own value) would cost one
        query and one ORM write per customer (see bench/README.md)."""
        if not mails:
            return
        self.env["dso.reminder"].flush_model(["mail_id", "mail_state"])
        values = SQL(", ").join(
            SQL("(%s, %s)", reminder.id, mail.id)
            for mail, reminder in zip(mails, reminders, strict=True)
        )
        self.env.cr.execute(
            SQL(
                "UPDATE dso_reminder SET mail_id = data.mail_id, mail_state = 'outgoing' "
                "FROM (VALUES %s) AS data(id, mail_id) WHERE dso_reminder.id = data.id",
                values,
            )
        )
        self.env["dso.reminder"].browse(r.id for r in reminders).invalidate_recordset(
            ["mail_id", "mail_state"]
        )

    @api.model
    def _invoice_pdf_vals(self, moves):
        """Attachments of the invoices' PDFs: the PDF already issued, else one
        generated now."""
        vals = []
        for move in moves:
            if move.invoice_pdf_report_id:
                vals.append({"id": move.invoice_pdf_report_id.id})
                continue
            document = move._get_invoice_legal_documents("pdf", allow_fallback=True)
            if document:
                vals.append(
                    {
                        "name": document["filename"],
                        "datas": base64.b64encode(document["content"]),
                    }
                )
        return vals

    @api.model
    def _queue_sms(self, reminders, overrides):
        # not sms's _message_sms_schedule_mass: its mass composer reads the
        # numbers again from the records and cancels a second SMS to the same
        # number in one batch (a customer reminded in two currencies): each
        # reminder keeps here the one number checked in _check_sms
        sms_vals_list = []
        for level, level_reminders in reminders.grouped("level_id").items():
            bodies = level.sms_template_id._render_field(
                "body", level_reminders.ids, compute_lang=True
            )
            for reminder in level_reminders:
                body = overrides.get(reminder.id, {}).get("sms_body") or bodies[reminder.id]
                sms_vals_list.append(
                    {
                        "number": reminder.sms_number,
                        "body": body,
                        "partner_id": reminder.contact_id.id,
                        "uuid": reminder.sms_uuid,
                        "state": "outgoing",
                    }
                )
        return self.env["sms.sms"].sudo().create(sms_vals_list)

    @api.model
    def _retry(self, reminders):
        """Use again the channels of ``reminders`` that could not be used, with
        the current data of the contact for collection. A channel already
        queued is never queued twice."""
        dispatch = self.sudo()
        retried = self.env["dso.reminder"]
        for reminder in reminders.sudo().filtered(lambda r: r.state in ("failed", "partial")):
            contact = reminder.partner_id.collection_contact_id
            vals = dispatch.with_company(reminder.company_id)._check_recipients(
                reminder.channel,
                reminder.recipient_ids if reminder.is_manual else contact,
                contact,
            )
            update = {"contact_id": contact.id, "problem": vals["problem"]}
            for state, keys in (
                ("email_state", ("email_state", "recipient_ids", "email_to")),
                ("sms_state", ("sms_state", "sms_number", "sms_uuid")),
            ):
                if reminder[state] not in ("queued", "none"):
                    update.update({key: vals[key] for key in keys if key in vals})
            requeue = {
                state
                for state in ("email_state", "sms_state")
                if reminder[state] != "queued" and update.get(state) == "queued"
            }
            reminder.write(update)
            if requeue:
                retried |= reminder
                dispatch._queue_emails(
                    reminder if "email_state" in requeue else reminder.browse(), {}
                )
                dispatch._queue_sms(
                    reminder if "sms_state" in requeue else reminder.browse(), {}
                )
        dispatch._log_chatter(retried)
        dispatch._flag_problems(reminders.sudo())
        dispatch._trigger_queues()
        return retried

    # ------------------------------------------------------------------
    # Notes and activities
    # ------------------------------------------------------------------

    @api.model
    def _log_chatter(self, reminders):
        """One note per reminder on its customer, one per invoice reminded."""
        customer_bodies = defaultdict(list)
        move_bodies = defaultdict(list)
        for reminder in reminders:
            lines = Markup("").join(
                Markup("<li>%s</li>") % line for line in reminder._channel_summary()
            )
            invoices = Markup(", ").join(
                Markup("%s (%s, %s)")
                % (
                    move.name,
                    format_date(self.env, move.invoice_date_due),
                    format_amount(self.env, move.amount_residual, move.currency_id),
                )
                for move in reminder.move_ids
            )
            link = reminder._html_link()
            customer_bodies[reminder.partner_id].append(
                Markup("<p>%s</p><ul>%s</ul><p>%s</p>")
                % (
                    self.env._(
                        "Payment reminder %(level)s, %(amount)s due:",
                        level=link,
                        amount=format_amount(
                            self.env, reminder.amount_due, reminder.currency_id
                        ),
                    ),
                    lines,
                    self.env._("Invoices: %(invoices)s", invoices=invoices),
                )
            )
            move_body = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Payment reminder %(level)s:", level=link),
                lines,
            )
            for move in reminder.move_ids:
                move_bodies[move].append(move_body)
        self._log_batch(customer_bodies)
        self._log_batch(move_bodies)

    @api.model
    def _log_batch(self, bodies_by_record):
        """Post the notes of ``bodies_by_record`` ({record: [bodies]}), one
        ``_message_log_batch`` call per model."""
        by_model = defaultdict(dict)
        for record, bodies in bodies_by_record.items():
            by_model[record._name][record.id] = Markup("").join(bodies)
        for model, bodies in by_model.items():
            records = self.env[model].browse(bodies)
            records._message_log_batch(bodies=bodies, author_id=self.env.user.partner_id.id)

    @api.model
    def _flag_problems(self, reminders):
        """Flag the customers whose reminder could not use a channel, with an
        activity saying what is missing; clear the flag of the others."""
        problems = reminders.filtered("problem")
        ok_customers = (reminders - problems).partner_id - problems.partner_id
        ok_customers.filtered("dso_reminder_problem").sudo().write(
            {"dso_reminder_problem": False}
        )
        if not problems:
            return
        by_text = defaultdict(lambda: self.env["res.partner"])
        for reminder in problems:
            by_text[reminder.problem] |= reminder.partner_id
        for text, customers in by_text.items():
            customers.sudo().write({"dso_reminder_problem": text})
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        partner_model = self.env["ir.model"]._get_id("res.partner")
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": partner_model,
                    "res_id": reminder.partner_id.id,
                    "activity_type_id": todo.id if todo else False,
                    "summary": self.env._(
                        "Payment reminder %(level)s not fully sent",
                        level=reminder.level_id.name,
                    ),
                    "note": Markup("<p>%s</p>")
                    % Markup("<br/>").join(reminder.problem.splitlines()),
                    "user_id": (
                        reminder.user_id
                        or reminder.partner_id.user_id
                        or reminder.trigger_move_id.invoice_user_id
                        or self.env.user
                    ).id,
                    "date_deadline": reminder.date,
                }
                for reminder in problems
            ]
        )
