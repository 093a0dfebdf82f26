import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("dso_contacts_manual_reminder", {
    steps: () => [
        {
            content: "Send a reminder from the customer",
            trigger: ".o_form_view button[name=action_dso_send_reminder]",
            run: "click",
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
            content: "The preview shows the rendered reminder",
            trigger: ".modal .o_field_widget[name=body_html]:contains(Tour Payer):contains(INV/)",
        },
        {
            content: "Send it",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The wizard closes on the customer",
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_dso_send_reminder]",
        },
    ],
});
