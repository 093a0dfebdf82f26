import { registry } from "@web/core/registry";

// a French contacts file, as an accountant exports it from a spreadsheet
const CONTACTS_CSV = [
    "Code client;Nom du contact;Fonction;E-mail;Mobile;Contact recouvrement",
    "TOUR01;Marie Dupont;Comptable;marie.dupont@tour.example.com;06 12 34 56 78;oui",
    "TOUR01;Paul Martin;Acheteur;paul.martin@tour.example.com;06 98 76 54 32;",
].join("\r\n");

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
            content: "The file is loaded",
            trigger: ".modal .o_field_widget[name=import_file] .o_clear_file_button",
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
            content: "The dry run would create two contacts",
            trigger: ".modal .o_field_widget[name=created_count]:contains(2)",
        },
        {
            content: "Import",
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            content: "Two contacts created, none rejected",
            trigger: ".modal:contains(Import another file) .o_field_widget[name=created_count]:contains(2)",
        },
        {
            trigger: ".modal .o_field_widget[name=error_count]:contains(0)",
        },
    ],
});
