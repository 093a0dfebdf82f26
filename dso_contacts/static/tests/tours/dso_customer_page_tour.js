import { registry } from "@web/core/registry";

function inDays(days) {
    const date = new Date(Date.now() + days * 86400000);
    return {
        iso: date.toISOString().slice(0, 10),
        us: `${String(date.getMonth() + 1).padStart(2, "0")}/${String(date.getDate()).padStart(
            2,
            "0"
        )}/${date.getFullYear()}`,
    };
}

// the customer opens the link of a reminder, without a login
registry.category("web_tour.tours").add("dso_contacts_customer_page", {
    steps: () => [
        {
            content: "The page lists the customer's open invoices",
            trigger: ".o_dso_invoices tbody tr:nth-child(1):contains(Overdue)",
        },
        {
            content: "with the total due",
            trigger: ".o_dso_invoices tfoot:contains(Total due)",
        },
        {
            content: "and who to contact",
            trigger: ".o_dso_contact:contains(Tour Collector)",
        },
        {
            content: "Tick the first invoice",
            trigger: ".o_dso_invoices tbody tr:nth-child(1) input[name=move_ids]",
            run: "click",
        },
        {
            content: "Choose a payment date",
            trigger: "#dso_promise_date",
            run() {
                // a date input takes its value in ISO form, not typed keys
                document.querySelector("#dso_promise_date").value = inDays(7).iso;
            },
        },
        {
            content: "Promise to pay",
            trigger: ".o_dso_promise_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The promise is recorded",
            trigger: ".o_dso_message.alert-success",
        },
        {
            content: "and shown on the invoice",
            trigger: ".o_dso_invoices tbody tr:nth-child(1):contains(Promised for)",
        },
        {
            content: "Dispute the second invoice",
            trigger: "#dso_dispute_move",
            run() {
                // the second invoice of the table (options follow its order)
                const select = document.querySelector("#dso_dispute_move");
                select.selectedIndex = 2;
                select.dispatchEvent(new Event("change"));
            },
        },
        {
            content: "Choose a reason",
            trigger: "#dso_dispute_reason",
            run: "selectByLabel Goods or services not received",
        },
        {
            content: "Explain",
            trigger: "#dso_dispute_description",
            run: "edit Three boxes were missing from the delivery.",
        },
        {
            content: "Attach the delivery note",
            trigger: "#dso_dispute_files",
            run() {
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File(["Delivery note: 3 boxes missing"], "delivery_note.txt", {
                        type: "text/plain",
                    })
                );
                document.querySelector("#dso_dispute_files").files = transfer.files;
            },
        },
        {
            content: "Send the dispute",
            trigger: ".o_dso_dispute_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The dispute is recorded",
            trigger: ".o_dso_invoices tbody tr:nth-child(2):contains(Disputed)",
        },
    ],
});

// a collector records a promise made by phone, then finds it in its list
registry.category("web_tour.tours").add("dso_contacts_promise_backoffice", {
    steps: () => [
        {
            content: "Record a promise from the customer",
            trigger: ".o_form_view button[name=action_dso_record_promise]",
            run: "click",
        },
        {
            content: "Add the invoice",
            trigger: ".modal .o_field_widget[name=move_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Pick the overdue invoice",
            trigger: ".modal .o_list_renderer .o_data_row:first .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Select it",
            trigger: ".modal .o_select_button",
            run: "click",
        },
        {
            content: "The invoice is on the promise",
            trigger: ".modal .o_field_widget[name=move_ids] .o_data_row",
        },
        {
            content: "Promised date",
            trigger: ".modal .o_field_widget[name=date] input",
            run: `edit ${inDays(10).us}`,
        },
        {
            content: "Save",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The customer shows its promise",
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_view_dso_promises]:contains(Promises)",
            run: "click",
        },
        {
            content: "The promise is in the list of open promises",
            trigger: ".o_list_view .o_data_row:contains(Phone):contains(Open)",
        },
    ],
});
