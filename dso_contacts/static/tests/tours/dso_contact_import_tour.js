import { registry } from "@web/core/registry";

// a French contacts file, as an accountant exports it from a spreadsheet: its
// first row replaces the customer's contact for collection (Jean Moreau), its
// last one has an email address that reminders could not reach
const CONTACTS_CSV = [
    "Code client;Nom du contact;Fonction;E-mail;Mobile;Contact recouvrement",
    "TOUR01;Marie Dupont;Comptable;marie.dupont@tour.example.com;06 12 34 56 78;oui",
    "TOUR01;Paul Martin;Acheteur;paul.martin@tour.example.com;06 98 76 54 32;",
    "TOUR01;Luc Bernard;Acheteur;luc.bernard@;;",
].join("\r\n");

const SUMMARY = ".modal .o_dso_import_result .o_dso_import_summary";

/** The steps that check the result at the top of the dialog, `created` being
 * the label of the created count ("to create" after Test, "created" after
 * Import): the counts, the rejected row's reason and the replaced contact for
 * collection, all in sight without scrolling. */
function resultSteps(created) {
    return [
        {
            content: `Two contacts ${created}`,
            trigger: `${SUMMARY} .o_dso_import_count_created:contains(2):contains("${created}")`,
        },
        {
            content: "one row rejected",
            trigger: `${SUMMARY} .o_dso_import_count_rejected:contains(1)`,
        },
        {
            content: "with its reason",
            trigger: `${SUMMARY} .o_dso_import_rejections li:contains("Line 4: luc.bernard@ is not a valid email address")`,
        },
        {
            content: "the contact for collection replaced",
            trigger: `${SUMMARY} .o_dso_import_collection li:contains("Tour Import SARL (TOUR01): Jean Moreau → Marie Dupont")`,
        },
        {
            content: "all of it at once, without scrolling the dialog",
            trigger: `${SUMMARY} .o_dso_import_collection`,
            run() {
                const body = document.querySelector(".modal .modal-body");
                const bottom = Math.min(
                    body.getBoundingClientRect().bottom,
                    window.innerHeight
                );
                for (const selector of [
                    ".o_dso_import_counts",
                    ".o_dso_import_rejections",
                    ".o_dso_import_collection",
                ]) {
                    const rect = document
                        .querySelector(`${SUMMARY} ${selector}`)
                        .getBoundingClientRect();
                    if (body.scrollTop > 0 || rect.top < 0 || rect.bottom > bottom) {
                        throw new Error(`${selector} is not in sight (${rect.bottom} > ${bottom})`);
                    }
                }
            },
        },
    ];
}

registry.category("web_tour.tours").add("dso_contacts_import", {
    url: "/odoo/action-account.res_partner_action_customer",
    steps: () => [
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
                // the file input itself is hidden behind the "Upload your file" button
                const input = document.querySelector(
                    ".modal .o_field_widget[name=import_file] input.o_input_file"
                );
                const file = new File([CONTACTS_CSV], "contacts.csv", { type: "text/csv" });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The file is loaded, its name shown in the upload field only",
            trigger: ".modal .o_field_widget[name=import_file] .o_clear_file_button",
            run() {
                const name = document.querySelector(
                    ".modal .o_field_widget[name=import_file] input.o_input"
                );
                if (!name || name.value !== "contacts.csv") {
                    throw new Error("the upload field does not show the file's name");
                }
                if (document.querySelector(".modal .o_field_widget[name=import_filename]")) {
                    throw new Error("an editable File name box is shown");
                }
            },
        },
        {
            content: "Read the file",
            trigger: ".modal button[name=action_load]",
            run: "click",
        },
        {
            content: "The mapping is proposed from the French headers",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Code client):contains(Customer code)",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Contact recouvrement):contains(Contact for collection)",
        },
        {
            content: "Test the file first",
            trigger: ".modal button[name=action_test]",
            run: "click",
        },
        {
            content: "Test says at once what Import will do",
            trigger: `${SUMMARY}:contains(Test only: nothing was written)`,
        },
        ...resultSteps("to create"),
        {
            content: "Import",
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            content: "Import says at once what it did",
            trigger: ".modal:contains(Import another file) .o_dso_import_summary:not(:contains(Test only))",
        },
        ...resultSteps("created"),
        {
            content: "the report of the rejected rows is still there",
            trigger: ".modal .o_field_widget[name=report_file]:contains(contacts_rejected.csv)",
        },
    ],
});
