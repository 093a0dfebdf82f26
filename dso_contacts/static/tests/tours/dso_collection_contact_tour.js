import { registry } from "@web/core/registry";
import {
    addContactSteps,
    backToCustomersStep,
    editContactStep,
    leaveMobileStep,
    noCustomerRowStep,
    saveCollectionContactSteps,
    saveCustomerStep,
} from "@dso_contacts/../tests/tours/utils/dso_tour_steps";

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
        ...addContactSteps("Sophie Tour"),
        editContactStep("Choose a role", "contact_role_id", "Financial"),
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Financial Director)",
            run: "click",
        },
        editContactStep("Give an email", "email", "sophie.tour@example.com"),
        editContactStep("Type a landline as her mobile", "mobile", "01 23 45 67 89"),
        leaveMobileStep(),
        {
            content: "The number is stored as the import stores it, and flagged: no SMS reaches it",
            trigger: ".modal .o_field_widget[name=dso_phone_warning]:contains(+33123456789 is not a mobile number)",
        },
        editContactStep("Type her mobile number instead", "mobile", "06 12 34 56 78"),
        leaveMobileStep(),
        {
            content: "The warning is gone",
            trigger: ".modal:not(:has(.o_field_widget[name=dso_phone_warning]))",
        },
        ...saveCollectionContactSteps(),
        {
            content: "The contact shows in the customer's list with its role and its mobile in E.164",
            trigger: ".o_field_widget[name=dso_contact_ids] .o_data_row:contains(Sophie Tour):contains(Financial Director):contains(+33612345678)",
        },
        saveCustomerStep(),
        {
            content: "The customer shows its contact for collection",
            trigger: ".o_form_view .o_field_widget[name=collection_contact_id]:contains(Sophie Tour)",
        },
        backToCustomersStep(),
        {
            content: "Show the customers as a list",
            trigger: ".o_control_panel .o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The customer's row shows its code",
            trigger: ".o_list_view .o_data_row:contains(Tour Customer SA) td[name=ref]:contains(TOUR-C1)",
        },
        noCustomerRowStep("Sophie Tour", ".o_list_view .o_data_row:contains(Tour Customer SA)"),
    ],
});
