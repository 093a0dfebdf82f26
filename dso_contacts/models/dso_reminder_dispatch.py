# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import textwrap

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL, is_html_empty
from odoo.tools.mail import html_to_inner_content

from odoo.addons.mail.models.mail_message import _image_dataurl

# the cursor's cache entry holding the formatting helpers of one dispatch
# (see _send and _format_helpers)
FORMATS_KEY = "dso_reminder_formats"
# Odoo's light email layout, as around the emails of sale and account
EMAIL_LAYOUT = "mail.mail_notification_light"
# the places of each email's body and name in the layout rendered once
BODY_MARK = "dso-reminder-email-body-8c1f"
NAME_MARK = "dso-reminder-email-name-8c1f"
# what the reminder emails take from their template (as send_mail_batch)
EMAIL_FIELDS = (
    "subject",
    "body_html",
    "reply_to",
    "mail_server_id",
    "scheduled_date",
    "attachment_ids",
    "report_template_ids",
    "auto_delete",
)


class DsoReminderDispatch(models.AbstractModel):
    """Sends reminders prepared by ``dso.reminder.engine``: checks their
    recipients (address, number, blacklists), renders their templates,
    queues the emails (``mail.mail``) and SMS (``sms.sms``) in Odoo's own
    queues, notes them on the customers and invoices and raises an activity
    for what could not be sent. Odoo's queues do the sending; sending again
    is a new reminder (``dso.reminder.action_resend``).

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
        # each amount and date formatted once for the emails, SMS and notes
        # (_format_helpers)
        self.env.cr.cache[FORMATS_KEY] = {}
        try:
            dispatch._queue_emails(
                reminders.filtered(lambda r: r.email_state == "queued"), email_values or {}
            )
            dispatch._queue_sms(
                reminders.filtered(lambda r: r.sms_state == "queued"), email_values or {}
            )
            dispatch._schedule_calls(reminders.filtered(lambda r: r.channel == "activity"))
            dispatch._log_chatter(reminders)
        finally:
            self.env.cr.cache.pop(FORMATS_KEY, None)
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
    # Emails and SMS
    # ------------------------------------------------------------------

    @api.model
    def _render_emails(self, reminders):
        """The subject and body of the emails of ``reminders``, rendered by
        their level's template (once per template, ``_by_template``):
        {reminder id: {"subject", "body_html"}}. The
        manual send's preview shows them; sending renders them the same way
        (``mail.template._generate_template``, under ``send_mail_batch``)."""
        rendered = {}
        for template, template_reminders in self._by_template(reminders, "mail").items():
            if template:
                rendered.update(
                    template._generate_template(
                        template_reminders.ids, ("subject", "body_html")
                    )
                )
        return rendered

    @api.model
    def _by_template(self, reminders, channel):
        """``reminders`` grouped by their level's email (``channel`` "mail") or
        SMS template: {template: reminders}. Each template is rendered once
        for its group, whatever the plans and levels sharing it (three plans of
        the same ladder render as one; per level, their rendering set-up was
        done three times per batch, bench/README.md)."""
        field = f"{channel}_template_id"
        return reminders.grouped(lambda reminder: reminder.level_id[field])

    @api.model
    def _queue_emails(self, reminders, overrides):
        """Queue the emails of ``reminders``: their level's template rendered
        for the whole batch (``_generate_template``, as ``send_mail_batch``
        does), wrapped in Odoo's light email layout, one ``mail.mail`` create;
        each email is then recorded on its reminder (``mail_id``, whose status
        Odoo's queue updates).

        Not ``send_mail_batch`` itself: it stores the email wrapped in its
        layout as the message's body too, sanitized layout included (1,000
        emails rendered and queued: 2.34 s against 1.67 s this way,
        bench/README.md); here, as core's notifications do, the
        message keeps the template's body and only the email (``body_html``,
        not sanitized) the layout. It also sends each reminder from its own
        sender to its own recipients.
        """
        rendered = {}
        for template, template_reminders in self._by_template(reminders, "mail").items():
            rendered.update(template._generate_template(template_reminders.ids, EMAIL_FIELDS))
        layout = self._email_layout(reminders)
        message_vals_list, mail_vals_list, bodies = [], [], []
        for reminder in reminders:
            values = dict(rendered[reminder.id], **overrides.get(reminder.id, {}))
            body = values.get("body_html") or ""
            # the body is given to create() only when core must extract its
            # inline images; otherwise _store_bodies writes it (sanitized once)
            inline_images = bool(_image_dataurl.search(body))
            bodies.append(None if inline_images else body)
            message_vals_list.append(
                {
                    "model": reminder._name,
                    "res_id": reminder.id,
                    "record_name": reminder.display_name,
                    "message_type": "email_outgoing",
                    "subject": values.get("subject"),
                    **({"body": body} if inline_images else {}),
                    "email_from": reminder.email_from,
                    "author_id": reminder.author_id.id,
                    "reply_to": values.get("reply_to") or reminder.email_from,
                    "mail_server_id": values.get("mail_server_id") or False,
                    "attachment_ids": [
                        fields.Command.link(attachment_id)
                        for attachment_id in values.get("attachment_ids") or []
                    ],
                }
            )
            mail_vals_list.append(
                {
                    "body_html": layout(reminder, body),
                    "recipient_ids": [fields.Command.set(reminder.recipient_ids.ids)],
                    "email_cc": reminder.email_cc or False,
                    "auto_delete": values.get("auto_delete", False),
                    "scheduled_date": values.get("scheduled_date") or False,
                }
            )
        if not mail_vals_list:
            return self.env["mail.mail"]
        # the message first, then its email, as core's notifications: the
        # email's values given with the message would be sanitized once more
        messages = self.env["mail.message"].sudo().create(message_vals_list)
        self._store_bodies(
            {message: body for message, body in zip(messages, bodies, strict=True) if body}
        )
        for mail_vals, message in zip(mail_vals_list, messages, strict=True):
            mail_vals["mail_message_id"] = message.id
        mails = self.env["mail.mail"].sudo().create(mail_vals_list)
        for reminder, mail in zip(reminders, mails, strict=True):
            # ORM writes, flushed together in one UPDATE
            reminder.write({"mail_id": mail.id, "mail_state": mail.state})
            attachments = [
                {"name": name, "datas": datas}
                for name, datas in rendered[reminder.id].get("attachments") or []
            ]
            if reminder.level_id.attach_invoices:
                attachments += self._invoice_pdf_vals(reminder.move_ids)
            if attachments:
                self._attach(mail, attachments)
        return mails

    @api.model
    def _store_bodies(self, bodies):
        """Write ``bodies`` ({mail.message: HTML}) on their messages, each
        sanitized once as the ORM stores it (``convert_to_column``), in one
        UPDATE. Hand-written beside create(): the ORM sanitizes each body
        twice (its cache, its column), 0.6 s per 1,000 reminder emails
        (bench/README.md)."""
        if not bodies:
            return
        messages = self.env["mail.message"].union(*bodies)
        field = messages._fields["body"]
        stored = {
            message: field.convert_to_column(body, message) for message, body in bodies.items()
        }
        # odoo.tools.SQL, one statement for the batch (the ids are the messages
        # just created, the bodies sanitized above)
        self.env.cr.execute(
            SQL(
                "UPDATE mail_message SET body = v.body FROM (VALUES %s) AS v(id, body) "
                "WHERE mail_message.id = v.id",
                SQL(", ").join(
                    SQL("(%s, %s)", message.id, str(body)) for message, body in stored.items()
                ),
            )
        )
        self.env.cache.update(
            messages,
            field,
            [
                field.convert_to_cache(body, message, validate=False)
                for message, body in stored.items()
            ],
        )
        messages.modified(["body"])

    @api.model
    def _email_layout(self, reminders):
        """A function ``(reminder, body) -> email HTML``: ``body`` in Odoo's
        light email layout, in the reminder's language, with what
        ``mail.template.send_mail_batch`` gives the layout.

        The layout is rendered once per language and company, around marks
        that each email's body, preview and name then replace: rendered for
        each email, as send_mail_batch does, it took 0.8 s of CPU per 1,000
        emails (profiled, 2 loaded cores). The light layout shows nothing else
        of the record; if a module makes it do so (no mark found), each email
        is rendered whole."""
        QWeb = self.env["ir.qweb"]
        model = self.env["ir.model"]._get(reminders._name)
        Message = self.env["mail.message"].sudo()
        render_mixin = self.env["mail.render.mixin"]
        langs = {}
        for template, template_reminders in self._by_template(reminders, "mail").items():
            if template.lang:
                langs.update(template._render_lang(template_reminders.ids))
        frames = {}

        def render(reminder, lang, body, record_name):
            html = QWeb.with_context(lang=lang)._render(
                EMAIL_LAYOUT,
                {
                    "message": Message.new({"body": body, "record_name": record_name}),
                    "subtype": self.env["mail.message.subtype"].sudo(),
                    "model_description": model.with_context(lang=lang).display_name,
                    "record": reminder,
                    "record_name": False,
                    "subtitles": False,
                    "company": reminder.company_id,
                    "email_add_signature": False,
                    "signature": "",
                    "website_url": "",
                    "is_html_empty": is_html_empty,
                },
                minimal_qcontext=True,
                raise_if_not_found=False,
            )
            return render_mixin._replace_local_links(html) if html else None

        def layout(reminder, body):
            lang = langs.get(reminder.id)
            key = (lang, reminder.company_id)
            if key not in frames:
                frame = render(reminder, lang, Markup("<p>%s</p>") % BODY_MARK, NAME_MARK)
                parts = frame.split(f"<p>{BODY_MARK}</p>") if frame else []
                frames[key] = parts if len(parts) == 2 and BODY_MARK in parts[0] else None
            parts = frames[key]
            name = escape(reminder.display_name.replace("/", "-"))
            if not parts:
                return render(reminder, lang, body, reminder.display_name) or body
            body = Markup(body)  # the template's rendering, or the text edited by hand
            preview = escape(textwrap.shorten(html_to_inner_content(body), 190))
            head = parts[0].replace(NAME_MARK, name).replace(BODY_MARK, preview)
            return Markup(head) + body + Markup(parts[1].replace(NAME_MARK, name))

        return layout

    @api.model
    def _attach(self, mail, attachment_vals):
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
                + [fields.Command.link(vals["id"]) for vals in attachment_vals if "id" in vals]
            }
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
    def _render_sms(self, reminders):
        """The SMS texts of ``reminders``, rendered by their level's template:
        {reminder id: text}."""
        bodies = {}
        for template, template_reminders in self._by_template(reminders, "sms").items():
            if template:
                bodies.update(
                    template._render_field("body", template_reminders.ids, compute_lang=True)
                )
        return bodies

    @api.model
    def _queue_sms(self, reminders, overrides):
        # not sms's _message_sms_schedule_mass: its mass composer reads the
        # numbers again from the records and cancels a second SMS to the same
        # number in one batch (a customer reminded in two currencies): each
        # reminder keeps here the one number checked in _check_sms
        bodies = self._render_sms(reminders)
        return (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {
                        "number": reminder.sms_number,
                        "body": overrides.get(reminder.id, {}).get("sms_body")
                        or bodies.get(reminder.id),
                        "partner_id": (reminder.sms_contact_id or reminder.contact_id).id,
                        "uuid": reminder.sms_uuid,
                        "state": "outgoing",
                    }
                    for reminder in reminders
                ]
            )
        )
