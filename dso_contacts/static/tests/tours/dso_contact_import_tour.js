import { registry } from "@web/core/registry";
import { contactImportSteps } from "@dso_contacts/../tests/tours/utils/dso_tour_steps";

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
        ...contactImportSteps({
            csv: CONTACTS_CSV,
            fileName: "contacts.csv",
            resultSteps,
            loadedCheck() {
                // its name shown in the upload field only
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
            mappingSteps: [
                {
                    content: "The mapping is proposed from the French headers",
                    trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Contact recouvrement):contains(Contact for collection)",
                },
            ],
        }),
        {
            content: "the report of the rejected rows is still there",
            trigger: ".modal .o_field_widget[name=report_file]:contains(contacts_rejected.csv)",
        },
    ],
});
