// Steps shared by the addon's tours, as Odoo's own tours share theirs
// (point_of_sale's tests/tours/utils): the customer form's Collection Contacts
// tab, the contacts import and the manual reminder, each checking what the
// screen says. Imported as "@dso_contacts/../tests/tours/utils/dso_tour_steps".

const CONTACT = ".modal .o_field_widget";

/** A field of the contact's dialog given ``value``, as typed. */
export function editContactStep(content, field, value) {
    return { content, trigger: `${CONTACT}[name=${field}] input`, run: `edit ${value}` };
}

/** Leaving the mobile field (for the email's) formats what was typed. */
export function leaveMobileStep() {
    return { content: "Leave the field", trigger: `${CONTACT}[name=email] input`, run: "click" };
}

/** On the customer's form: a new contact, named ``name``, from the
 * Collection Contacts tab. */
export function addContactSteps(name) {
    return [
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
        editContactStep("Name the contact", "name", name),
    ];
}

/** The contact's dialog: made the contact for collection, and saved. */
export function saveCollectionContactSteps() {
    return [
        {
            content: "Make her the contact for collection",
            trigger: `${CONTACT}[name=is_collection_contact] input`,
            run: "click",
        },
        {
            content: "Save the contact",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
    ];
}

/** Back on the customers list: ``name`` added as a contact is no customer of
 * her own (her name may show in her customer's row, as its contact for
 * collection, but never as the name of a row); ``check`` runs after. */
export function noCustomerRowStep(name, trigger, check = () => {}) {
    return {
        content: `The contact added is no customer: no row of ${name} in the customers list`,
        trigger,
        run() {
            const names = [
                ...document.querySelectorAll(".o_list_view .o_data_row td[name=complete_name]"),
            ];
            if (names.some((cell) => cell.textContent.includes(name))) {
                throw new Error(`${name} shows as a customer of her own`);
            }
            check();
        },
    };
}

const IMPORT_FILE = ".modal .o_field_widget[name=import_file]";

/** The contacts import from the Customers menu: ``csv`` uploaded as
 * ``fileName``, read, tested, then imported; ``resultSteps(created)`` check
 * the dialog's result after Test ("to create") and after Import ("created");
 * ``loadedCheck`` runs once the file is loaded, ``mappingSteps`` check the
 * proposed mapping beside the customer code's. */
export function contactImportSteps({
    csv,
    fileName,
    resultSteps,
    loadedCheck = () => {},
    mappingSteps = [],
}) {
    const summary = ".modal .o_dso_import_result .o_dso_import_summary";
    return [
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
            trigger: `${IMPORT_FILE} .o_select_file_button`,
            async run() {
                // the file input itself is hidden behind the "Upload your file" button
                const input = document.querySelector(`${IMPORT_FILE} input.o_input_file`);
                const transfer = new DataTransfer();
                transfer.items.add(new File([csv], fileName, { type: "text/csv" }));
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The file is loaded",
            trigger: `${IMPORT_FILE} .o_clear_file_button`,
            run: loadedCheck,
        },
        {
            content: "Read the file",
            trigger: ".modal button[name=action_load]",
            run: "click",
        },
        {
            content: "The customer code column is recognised from its French header",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Code client):contains(Customer code)",
        },
        ...mappingSteps,
        {
            content: "Test the file first",
            trigger: ".modal button[name=action_test]",
            run: "click",
        },
        {
            content: "Test says at once what Import will do, and that it wrote nothing",
            trigger: `${summary}:contains(Test only: nothing was written)`,
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
    ];
}

/** From the customer's form: the reminder wizard proposes the first
 * reminder, nothing holds it, and ``recipient`` receives it. */
export function openReminderSteps(recipient) {
    return [
        {
            content: "Send a reminder from the customer",
            trigger: ".o_form_view button[name=action_dso_send_reminder]",
            run: "click",
        },
        {
            content: "The level reached by the overdue invoice is proposed",
            trigger: ".modal .o_field_widget[name=level_id] input:value(First reminder)",
        },
        {
            content: "Nothing holds the customer: no reason shown",
            trigger: ".modal:not(:has(div[name=hold_reason]:visible))",
        },
        {
            content: "The contact for collection is proposed as recipient",
            trigger: `.modal .o_field_widget[name=recipient_ids]:contains(${recipient})`,
        },
    ];
}

/** The wizard's preview of the first reminder to ``customer``, then sent:
 * ``previewSteps`` check the preview. */
export function previewAndSendSteps(customer, previewSteps) {
    return [
        {
            content: "Preview the reminder",
            trigger: ".modal button[name=action_preview]",
            run: "click",
        },
        {
            content: "The preview says what it shows",
            trigger: `.modal .modal-title:contains(Preview: First reminder to ${customer})`,
        },
        ...previewSteps,
        {
            content: "Send it",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The user is told it is queued",
            trigger: ".o_notification:contains(1 reminder queued)",
        },
    ];
}

/** The customer's form saved. */
export function saveCustomerStep() {
    return {
        content: "Save the customer",
        trigger: ".o_form_view .o_form_button_save",
        run: "click",
    };
}

/** From the customer's form, back to the customers by the breadcrumb. */
export function backToCustomersStep() {
    return {
        content: "Back to the customers",
        trigger: ".o_breadcrumb .breadcrumb-item a:contains(Customers)",
        run: "click",
    };
}
