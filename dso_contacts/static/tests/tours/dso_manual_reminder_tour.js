import { registry } from "@web/core/registry";
import {
    openReminderSteps,
    previewAndSendSteps,
} from "@dso_contacts/../tests/tours/utils/dso_tour_steps";

registry.category("web_tour.tours").add("dso_contacts_manual_reminder", {
    steps: () => [
        ...openReminderSteps("Tour Payer"),
        ...previewAndSendSteps("Tour Reminder SA", [
            {
                content: "The preview shows the rendered reminder",
                trigger: ".modal .o_field_widget[name=body_html]:contains(Tour Payer):contains(INV/)",
            },
        ]),
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
