import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("dso_contacts_quick_search", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the quick search of the systray",
            trigger: ".o_dso_quick_search_toggle",
            run: "click",
        },
        {
            content: "Type a contact's mobile number in another format",
            trigger: ".o_dso_quick_search_input",
            run: "edit 0033 6 12 34 56 78",
        },
        {
            content: "The customer shows with the contact that matched and its role",
            trigger: ".o_dso_quick_search_result:contains(Quick Search Customer):contains(Hugo Quick):contains(Purchaser)",
            run: "click",
        },
        {
            content: "The customer's form opens",
            trigger: ".o_form_view .o_breadcrumb:contains(Quick Search Customer)",
        },
    ],
});
