import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("dso_contacts_work_today", {
    steps: () => [
        {
            content: "My work today is grouped by kind: open the broken promises",
            trigger: ".o_list_view .o_group_name:contains(Broken promise)",
            run: "click",
        },
        {
            content: "The broken promise of the customer, with its next actions",
            trigger: ".o_data_row:contains(Tour Work SA):contains(not paid) button[name=action_record_promise]",
            run: "click",
        },
        {
            content: "The promise dialog comes with the customer",
            trigger: ".modal .o_field_widget[name=partner_id] input:value(Tour Work SA)",
        },
        {
            content: "The customer promises to pay in three days",
            trigger: ".modal .o_field_widget[name=date] input",
            run: `edit ${luxon.DateTime.now().plus({ days: 3 }).toFormat("MM/dd/yyyy")}`,
        },
        {
            content: "Save the promise",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The broken promise is answered: its line is gone",
            trigger: "body:not(:has(.modal)) .o_group_name:contains(Broken promise (0))",
        },
        {
            content: "The dispute is still to answer",
            trigger: ".o_list_view .o_group_name:contains(Dispute to answer)",
        },
    ],
});
