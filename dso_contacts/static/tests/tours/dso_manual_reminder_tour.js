import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("dso_contacts_manual_reminder", {
    steps: () => [
        {
            content: "Send a reminder from the customer",
            trigger: ".o_form_view button[name=action_dso_send_reminder]",
            run: "click",
        },
        {
            content: "The level reached by the invoice is proposed",
            trigger: ".modal .o_field_widget[name=level_id] input:value(First reminder)",
        },
        {
            content: "Nothing holds the customer: no reason shown",
            trigger: ".modal:not(:has(div[name=hold_reason]:visible))",
        },
        {
            content: "The contact for collection is proposed as recipient",
            trigger: ".modal .o_field_widget[name=recipient_ids]:contains(Tour Payer)",
        },
        {
            content: "Preview the reminder",
            trigger: ".modal button[name=action_preview]",
            run: "click",
        },
        {
            content: "The preview says what it shows",
            trigger: ".modal .modal-title:contains(Preview: First reminder to Tour Reminder SA)",
        },
        {
            content: "The preview shows the rendered reminder",
            trigger: ".modal .o_field_widget[name=body_html]:contains(Tour Payer):contains(INV/)",
        },
        {
            content: "Send it",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The user is told it is queued",
            trigger: ".o_notification:contains(1 reminder queued)",
        },
        {
            content: "The wizard closes on the customer",
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_view_dso_reminders]",
            run: "click",
        },
        {
            content: "The reminder's email is in Odoo's queue",
            trigger: ".o_data_row td[name=email_status]:contains(Queued)",
            run: "click",
        },
        {
            content: "Its form says the same, once",
            trigger: ".o_form_view .o_field_widget[name=email_status]:contains(Queued)",
        },
        {
            content: "and no second state of the email",
            trigger: ".o_form_view:not(:has(.o_field_widget[name=email_state]))",
        },
    ],
});

registry.category("web_tour.tours").add("dso_contacts_manual_reminder_held", {
    steps: () => [
        {
            content: "Send a reminder from a customer whose invoice is disputed",
            trigger: ".o_form_view button[name=action_dso_send_reminder]",
            run: "click",
        },
        {
            content: "The wizard says at once what holds it",
            trigger: ".modal div[name=hold_reason]:contains(Nothing can be sent):contains(is disputed)",
        },
        {
            content: "and offers no preview",
            trigger: ".modal footer:not(:has(button[name=action_preview]))",
        },
        {
            content: "Close it",
            trigger: ".modal footer button:contains(Close)",
            run: "click",
        },
        {
            content: "Back on the customer",
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_dso_send_reminder]",
        },
    ],
});
