import { registry } from "@web/core/registry";

// A plain internal user (no accounting rights) in Contacts: the customers
// without a reachable contact for collection, a customer, one of its
// contacts. Any error of the server (an AccessError) stops the tour.
registry.category("web_tour.tours").add("dso_contacts_plain_user_contacts", {
    url: "/odoo/action-base.action_partner_form",
    steps: () => [
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "The accounting filters are not offered",
            trigger: ".o_filter_menu:not(:has(.o_menu_item:contains(Reminder problem)))",
        },
        {
            content: "List the customers no reminder can reach",
            trigger: ".o_filter_menu .o_menu_item:contains(No reachable contact for collection)",
            run: "click",
        },
        {
            content: "The customer whose contact bounces is listed",
            trigger: ".o_kanban_record:contains(Plain Customer SA)",
            run: "click",
        },
        {
            content: "Its contact for collection shows",
            trigger: ".o_form_view .o_field_widget[name=collection_contact_id]:contains(Bruno Bounced)",
        },
        {
            content: "No plan, reminder, ageing figure or collection warning is shown",
            trigger:
                ".o_form_view:not(:has([name=dso_reminder_plan_id], [name=dso_reminder_plan_reason], [name=dso_next_reminder_level_id], [name=dso_amount_period_2], [name=dso_dso], [name=action_view_dso_reminders], [name=action_dso_send_reminder], [name=dso_collection_warning]))",
        },
        {
            content: "Open the Collection Contacts tab",
            trigger: ".o_notebook a[name=dso_collection_contacts]",
            run: "click",
        },
        {
            content: "Open the contact",
            trigger: ".o_field_widget[name=dso_contact_ids] .o_data_row:contains(Bruno Bounced) td[name=name]",
            run: "click",
        },
        {
            content: "The contact's form opens, its email shown",
            trigger: ".modal .o_field_widget[name=email]:contains(bruno@plain.example.com), .modal .o_field_widget[name=email] input",
        },
        {
            content: "Close it",
            trigger: ".modal .o_form_button_cancel, .modal .btn-close",
            run: "click",
        },
        {
            content: "Back to the contacts",
            trigger: "body:not(:has(.modal)) .o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Drop the filter",
            trigger: ".o_searchview_facet:contains(No reachable contact for collection) .o_facet_remove",
            run: "click",
        },
        {
            content: "Search the contact",
            trigger: ".o_searchview_input",
            run: "edit Bruno Bounced",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the contact from Contacts",
            trigger: ".o_kanban_record:contains(Bruno Bounced)",
            run: "click",
        },
        {
            content: "The contact's form: its customer, marked contact for collection",
            trigger: ".o_form_view .o_field_widget[name=parent_id]:contains(Plain Customer SA), .o_form_view .o_field_widget[name=parent_id] input",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=is_collection_contact] input:checked",
        },
    ],
});

// A Billing user opens the same customer from Contacts: its plan and why,
// its figures, the filter of reminder problems.
registry.category("web_tour.tours").add("dso_contacts_billing_customer_screens", {
    url: "/odoo/action-base.action_partner_form",
    steps: () => [
        {
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "The accounting filters are offered",
            trigger: ".o_filter_menu .o_menu_item:contains(Reminder problem)",
        },
        {
            trigger: ".o_filter_menu .o_menu_item:contains(No reachable contact for collection)",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains(Plain Customer SA)",
            run: "click",
        },
        {
            content: "Open the Invoicing tab",
            trigger: ".o_notebook a[name=accounting]",
            run: "click",
        },
        {
            content: "The plan followed and why",
            trigger: ".o_field_widget[name=dso_reminder_plan_reason]:contains(Set on the customer)",
        },
        {
            trigger: ".o_field_widget[name=dso_reminder_plan_followed_id]:contains(Key accounts)",
        },
        {
            content: "The ageing of the customer",
            trigger: ".o_field_widget[name=dso_amount_period_2]:contains(1,200.00)",
        },
    ],
});
