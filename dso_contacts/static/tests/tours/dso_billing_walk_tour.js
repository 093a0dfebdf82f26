import { registry } from "@web/core/registry";
import {
    addContactSteps,
    backToCustomersStep,
    contactImportSteps,
    editContactStep,
    leaveMobileStep,
    noCustomerRowStep,
    openReminderSteps,
    previewAndSendSteps,
    saveCollectionContactSteps,
    saveCustomerStep,
} from "@dso_contacts/../tests/tours/utils/dso_tour_steps";

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
        ...addContactSteps("Sophie Walk"),
        editContactStep("Give an email", "email", "sophie.walk@walk.example.com"),
        editContactStep("Type her mobile as she gave it", "mobile", "06 11 22 33 44"),
        leaveMobileStep(),
        {
            content: "The number is stored in E.164, as the import stores it",
            trigger: ".modal .o_field_widget[name=mobile] input:value(+33611223344)",
        },
        ...saveCollectionContactSteps(),
        {
            content: "She is listed among the customer's contacts",
            trigger: "body:not(:has(.modal)) .o_field_widget[name=dso_contact_ids] .o_data_row:contains(Sophie Walk):contains(+33611223344)",
        },
        saveCustomerStep(),
        {
            content: "The customer shows its new contact for collection",
            trigger: ".o_form_view:has(.o_form_status_indicator_buttons.invisible) .o_field_widget[name=collection_contact_id]:contains(Sophie Walk)",
        },
        {
            content: "and the banner is gone with the problem",
            trigger: ".o_form_view:not(:has(.alert-danger:contains(Payment reminder problem)))",
        },
        backToCustomersStep(),
        noCustomerRowStep("Sophie Walk", `${CUSTOMER_ROW}:contains(Walk Customer SA)`, () => {
            if (customerRows().length !== 1) {
                throw new Error(`${customerRows().length} rows of Walk Customer SA`);
            }
        }),
        // ---- the contacts import --------------------------------------------
        ...contactImportSteps({
            csv: CONTACTS_CSV,
            fileName: "walk.csv",
            resultSteps: importResultSteps,
        }),
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
        ...openReminderSteps("Marie Walk"),
        {
            content: "and not the ones she replaced",
            trigger: ".modal .o_field_widget[name=recipient_ids]:not(:contains(Sophie Walk)):not(:contains(Jean Walk))",
        },
        ...previewAndSendSteps("Walk Customer SA", [
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
        ]),
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
            trigger: ".o_dso_contact_line:contains(Your contact:):contains(Tour Collector)",
        },
    ],
});
