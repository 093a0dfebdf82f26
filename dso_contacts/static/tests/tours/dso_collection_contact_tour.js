import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("dso_contacts_collection_contact", {
    url: "/odoo/action-account.res_partner_action_customer",
    steps: () => [
        {
            content: "The customer code shows on the customer's kanban card",
            trigger: ".o_kanban_record:contains(Tour Customer SA) .badge:contains(TOUR-C1)",
        },
        {
            content: "Open the customer",
            trigger: ".o_kanban_record:contains(Tour Customer SA)",
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
            content: "Type a landline as her mobile",
            trigger: ".modal .o_field_widget[name=mobile] input",
            run: "edit 01 23 45 67 89",
        },
        {
            content: "Leave the field",
            trigger: ".modal .o_field_widget[name=email] input",
            run: "click",
        },
        {
            content: "The number is stored as the import stores it, and flagged: no SMS reaches it",
            trigger: ".modal .o_field_widget[name=dso_phone_warning]:contains(+33123456789 is not a mobile number)",
        },
        {
            content: "Type her mobile number instead",
            trigger: ".modal .o_field_widget[name=mobile] input",
            run: "edit 06 12 34 56 78",
        },
        {
            content: "Leave the field",
            trigger: ".modal .o_field_widget[name=email] input",
            run: "click",
        },
        {
            content: "The warning is gone",
            trigger: ".modal:not(:has(.o_field_widget[name=dso_phone_warning]))",
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
            content: "The contact shows in the customer's list with its role and its mobile in E.164",
            trigger: ".o_field_widget[name=dso_contact_ids] .o_data_row:contains(Sophie Tour):contains(Financial Director):contains(+33612345678)",
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
        {
            content: "Back to the customers",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Customers)",
            run: "click",
        },
        {
            content: "Show the customers as a list",
            trigger: ".o_control_panel .o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The customer's row shows its code",
            trigger: ".o_list_view .o_data_row:contains(Tour Customer SA) td[name=ref]:contains(TOUR-C1)",
        },
        {
            content: "The contact added is not a customer: no row of hers in the customers list",
            trigger: ".o_list_view .o_data_row:contains(Tour Customer SA)",
            run() {
                const names = [
                    ...document.querySelectorAll(".o_list_view .o_data_row td[name=complete_name]"),
                ];
                if (names.some((cell) => cell.textContent.includes("Sophie Tour"))) {
                    throw new Error("Sophie Tour shows as a customer of her own");
                }
            },
        },
    ],
});
