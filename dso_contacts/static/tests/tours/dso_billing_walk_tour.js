import { registry } from "@web/core/registry";

// A Billing user's walk through issue 19's screens, in a row: the customer's
// form, the contacts import, a manual reminder and the customer's page. Each
// step checks what the screen says, not only that it opens.

// the file replaces the contact for collection set on the form (Sophie Walk)
const CONTACTS_CSV = [
    "Code client;Nom du contact;Fonction;E-mail;Mobile;Contact recouvrement",
    "WALK01;Marie Walk;Comptable;marie.walk@walk.example.com;06 12 34 56 78;oui",
    "WALK01;Paul Walk;Acheteur;paul.walk@walk.example.com;06 98 76 54 32;",
].join("\r\n");

const SUMMARY = ".modal .o_dso_import_result .o_dso_import_summary";
const CUSTOMER_ROW = ".o_list_view .o_data_row:has(td[name=ref]:contains(WALK01))";

// the customer's page, as the reminder's link gives it
let pageUrl = null;

function customerRows() {
    return [...document.querySelectorAll(".o_list_view .o_data_row td[name=complete_name]")].filter(
        (cell) => cell.textContent.trim() === "Walk Customer SA"
    );
}

function importResultSteps(created) {
    return [
        {
            content: `Two contacts ${created}`,
            trigger: `${SUMMARY} .o_dso_import_count_created:contains(2):contains("${created}")`,
        },
        {
            content: "no row rejected",
            trigger: `${SUMMARY} .o_dso_import_count_rejected:contains(0)`,
        },
        {
            content: "the contact for collection set on the form is replaced by the file's",
            trigger: `${SUMMARY} .o_dso_import_collection li:contains("Walk Customer SA (WALK01): Sophie Walk → Marie Walk")`,
        },
    ];
}

registry.category("web_tour.tours").add("dso_contacts_billing_walk", {
    url: "/odoo/action-account.res_partner_action_customer",
    steps: () => [
        // ---- the customer list and form -------------------------------------
        {
            content: "Show the customers as a list",
            trigger: ".o_control_panel .o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The customer is found by its code, shown in the list",
            trigger: `${CUSTOMER_ROW}:contains(Walk Customer SA)`,
            run() {
                // the other company's customer of the same name and code is not listed
                if (customerRows().length !== 1) {
                    throw new Error(`${customerRows().length} rows of Walk Customer SA`);
                }
            },
        },
        {
            content: "Open the customer",
            trigger: `${CUSTOMER_ROW} td[name=ref]`,
            run: "click",
        },
        {
            content: "The banner says why no reminder can reach the customer now",
            trigger: ".o_form_view .alert-danger:contains(Payment reminder problem):contains(Jean Walk has no valid email address)",
        },
        {
            content: "and its contact for collection is Jean Walk",
            trigger: ".o_form_view .o_field_widget[name=collection_contact_id]:contains(Jean Walk)",
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
            run: "edit Sophie Walk",
        },
        {
            content: "Give an email",
            trigger: ".modal .o_field_widget[name=email] input",
            run: "edit sophie.walk@walk.example.com",
        },
        {
            content: "Type her mobile as she gave it",
            trigger: ".modal .o_field_widget[name=mobile] input",
            run: "edit 06 11 22 33 44",
        },
        {
            content: "Leave the field",
            trigger: ".modal .o_field_widget[name=email] input",
            run: "click",
        },
        {
            content: "The number is stored in E.164, as the import stores it",
            trigger: ".modal .o_field_widget[name=mobile] input:value(+33611223344)",
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
            content: "She is listed among the customer's contacts",
            trigger: "body:not(:has(.modal)) .o_field_widget[name=dso_contact_ids] .o_data_row:contains(Sophie Walk):contains(+33611223344)",
        },
        {
            content: "Save the customer",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The customer shows its new contact for collection",
            trigger: ".o_form_view:has(.o_form_status_indicator_buttons.invisible) .o_field_widget[name=collection_contact_id]:contains(Sophie Walk)",
        },
        {
            content: "and the banner is gone with the problem",
            trigger: ".o_form_view:not(:has(.alert-danger:contains(Payment reminder problem)))",
        },
        {
            content: "Back to the customers",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Customers)",
            run: "click",
        },
        {
            content: "The contact added is no customer: no row of hers in the customers list",
            trigger: `${CUSTOMER_ROW}:contains(Walk Customer SA)`,
            run() {
                // her name may show in the customer's row, as its contact for
                // collection, but never as the name of a row
                const names = [
                    ...document.querySelectorAll(".o_list_view .o_data_row td[name=complete_name]"),
                ];
                if (names.some((cell) => cell.textContent.includes("Sophie Walk"))) {
                    throw new Error("Sophie Walk shows as a customer of her own");
                }
                if (customerRows().length !== 1) {
                    throw new Error(`${customerRows().length} rows of Walk Customer SA`);
                }
            },
        },
        // ---- the contacts import --------------------------------------------
        {
            content: "Open the Customers menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='account.menu_finance_receivables']",
            run: "click",
        },
        {
            content: "Choose Import contacts",
            trigger: ".dropdown-item[data-menu-xmlid='dso_contacts.menu_dso_contact_import']",
            run: "click",
        },
        {
            content: "Upload the contacts file",
            trigger: ".modal .o_field_widget[name=import_file] .o_select_file_button",
            async run() {
                const input = document.querySelector(
                    ".modal .o_field_widget[name=import_file] input.o_input_file"
                );
                const transfer = new DataTransfer();
                transfer.items.add(new File([CONTACTS_CSV], "walk.csv", { type: "text/csv" }));
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The file is loaded",
            trigger: ".modal .o_field_widget[name=import_file] .o_clear_file_button",
        },
        {
            content: "Read the file",
            trigger: ".modal button[name=action_load]",
            run: "click",
        },
        {
            content: "The customer code column is recognised",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Code client):contains(Customer code)",
        },
        {
            content: "Test the file first",
            trigger: ".modal button[name=action_test]",
            run: "click",
        },
        {
            content: "Test says it wrote nothing",
            trigger: `${SUMMARY}:contains(Test only: nothing was written)`,
        },
        ...importResultSteps("to create"),
        {
            content: "Import",
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            content: "Import says what it did",
            trigger: ".modal:contains(Import another file) .o_dso_import_summary:not(:contains(Test only))",
        },
        ...importResultSteps("created"),
        {
            content: "Close the import",
            trigger: ".modal footer button:contains(Close)",
            run: "click",
        },
        // ---- a manual reminder ---------------------------------------------
        {
            content: "Open the customer again",
            trigger: `body:not(:has(.modal)) ${CUSTOMER_ROW} td[name=ref]`,
            run: "click",
        },
        {
            content: "Its contact for collection is the file's",
            trigger: ".o_form_view .o_field_widget[name=collection_contact_id]:contains(Marie Walk)",
        },
        {
            content: "Send a reminder",
            trigger: ".o_form_view button[name=action_dso_send_reminder]",
            run: "click",
        },
        {
            content: "The level reached by the overdue invoice is proposed",
            trigger: ".modal .o_field_widget[name=level_id] input:value(First reminder)",
        },
        {
            content: "Nothing holds the customer",
            trigger: ".modal:not(:has(div[name=hold_reason]:visible))",
        },
        {
            content: "The recipient is the contact for collection now, with her address",
            trigger: ".modal .o_field_widget[name=recipient_ids]:contains(Marie Walk)",
        },
        {
            content: "and not the ones she replaced",
            trigger: ".modal .o_field_widget[name=recipient_ids]:not(:contains(Sophie Walk)):not(:contains(Jean Walk))",
        },
        {
            content: "Preview the reminder",
            trigger: ".modal button[name=action_preview]",
            run: "click",
        },
        {
            content: "The preview says what it shows",
            trigger: ".modal .modal-title:contains(Preview: First reminder to Walk Customer SA)",
        },
        {
            content: "to whom it goes",
            trigger: ".modal .o_field_widget[name=reminder_ids] .o_data_row:contains(marie.walk@walk.example.com)",
        },
        {
            content: "The email names the contact and the overdue invoice, and links the customer's page",
            trigger: ".modal .o_field_widget[name=body_html]:contains(Marie Walk):contains(INV/) a[href*='/my/dso/']",
            run() {
                const link = document.querySelector(
                    ".modal .o_field_widget[name=body_html] a[href*='/my/dso/']"
                );
                const url = new URL(link.href, window.location.origin);
                pageUrl = url.pathname + url.search;
            },
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
            content: "Open the customer's reminders",
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_view_dso_reminders]:contains(1)",
            run: "click",
        },
        {
            content: "The reminder is in the history, its email in Odoo's queue",
            trigger: ".o_list_view .o_data_row:contains(First reminder) td[name=email_status]:contains(Queued)",
            run: "click",
        },
        {
            content: "It was sent to the contact for collection's address",
            trigger: ".o_form_view .o_field_widget[name=email_to]:contains(marie.walk@walk.example.com)",
        },
        {
            content: "with one email status",
            trigger: ".o_form_view .o_field_widget[name=email_status]:contains(Queued)",
        },
        // ---- the customer's page -------------------------------------------
        {
            content: "Follow the reminder's link to the customer's page",
            trigger: ".o_form_view .o_field_widget[name=contact_id]:contains(Marie Walk)",
            run() {
                if (!pageUrl) {
                    throw new Error("no link to the customer's page in the reminder");
                }
                window.location.href = pageUrl;
            },
            expectUnloadPage: true,
        },
        {
            content: "The page shows the overdue invoice",
            trigger: ".o_dso_invoices tbody tr:contains(INV/):contains(Overdue)",
        },
        {
            content: "and what is due",
            trigger: ".o_dso_invoices tfoot:contains(Total due)",
        },
        {
            content: "The invoice can be promised",
            trigger: ".o_dso_invoices tbody tr:contains(INV/) input[name=move_ids]:enabled",
        },
        {
            content: "The promise block invites to promise, its button active",
            trigger: ".o_dso_promise_form:contains(Tick the invoices you will pay) .o_dso_promise_submit:enabled",
        },
        {
            content: "with the date limit in words",
            trigger: ".o_dso_date_limit:contains(At the latest)",
        },
        {
            content: "The footer names the collector to contact",
            trigger: ".o_dso_contact_line:contains(Your contact:):contains(Walk Collector)",
        },
    ],
});
