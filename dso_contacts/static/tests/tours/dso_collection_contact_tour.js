import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("dso_contacts_collection_contact", {
    url: "/odoo/action-account.res_partner_action_customer",
    steps: () => [
        {
            content: "Open the customer",
            trigger: ".o_kanban_record:contains(Tour Customer SA), .o_data_row td:contains(Tour Customer SA)",
            run: "click",
        },
        {
            content: "The customer has no contact for collection yet",
            trigger: ".o_form_view .o_field_widget[name=collection_contact_id]:not(:contains(Tour))",
        },
        {
            content: "Open the Collection Contacts tab",
            trigger: ".o_notebook a[name=dso_collection_contacts]",
            run: "click",
        },
        {
            content: "Add a contact",
            trigger: ".o_field_widget[name=dso_contact_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Name the contact",
            trigger: ".modal .o_field_widget[name=name] input",
            run: "edit Sophie Tour",
        },
        {
            content: "Choose a role",
            trigger: ".modal .o_field_widget[name=contact_role_id] input",
            run: "edit Financial",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Financial Director)",
            run: "click",
        },
        {
            content: "Give an email",
            trigger: ".modal .o_field_widget[name=email] input",
            run: "edit sophie.tour@example.com",
        },
        {
            content: "Make her the contact for collection",
            trigger: ".modal .o_field_widget[name=is_collection_contact] input",
            run: "click",
        },
        {
            content: "Save the contact",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The contact shows in the customer's list with its role",
            trigger: ".o_field_widget[name=dso_contact_ids] .o_data_row:contains(Sophie Tour):contains(Financial Director)",
        },
        {
            content: "Save the customer",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The customer shows its contact for collection",
            trigger: ".o_form_view .o_field_widget[name=collection_contact_id]:contains(Sophie Tour)",
        },
    ],
});
