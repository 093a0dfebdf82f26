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
            content: "The promise's date limit is said in words, not only in a tooltip",
            trigger: `.o_dso_date_limit:contains(At the latest ${inDays(30).us})`,
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
        {
            content: "and listed with its state",
            trigger: ".o_dso_disputes tbody tr:contains(Goods or services not received):contains(Under review)",
        },
        {
            content: "The disputed invoice can no longer be ticked",
            trigger: ".o_dso_invoices tbody tr:nth-child(2) input[name=move_ids]:disabled",
        },
        {
            content: "and the promise block says why",
            trigger: ".o_dso_promise_holds:contains(is disputed)",
        },
        {
            content: "Dispute the first invoice too: the only one left",
            trigger: "#dso_dispute_move",
            run() {
                const select = document.querySelector("#dso_dispute_move");
                if (select.options.length !== 2) {
                    throw new Error("the disputed invoice is still offered");
                }
                select.selectedIndex = 1;
                select.dispatchEvent(new Event("change"));
            },
        },
        {
            content: "Choose a reason",
            trigger: "#dso_dispute_reason",
            run: "selectByLabel Goods or services not received",
        },
        {
            content: "Send the second dispute",
            trigger: ".o_dso_dispute_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Every invoice disputed: the promise block says why",
            trigger: ".o_dso_promise_none:contains(is disputed)",
        },
        {
            content: "with nothing to tick",
            trigger: ".o_dso_invoices:not(:has(input[name=move_ids]:enabled))",
        },
        {
            content: "and no active button",
            trigger: ".o_dso_promise_submit:disabled",
        },
        {
            content: "The dispute block says there is nothing left to dispute",
            trigger: ".o_dso_dispute_none:contains(is already disputed)",
        },
        {
            content: "without an empty list of invoices",
            trigger: ".o_dso_dispute_form:not(:has(#dso_dispute_move))",
        },
        {
            content: "and no active button",
            trigger: ".o_dso_dispute_submit:disabled",
        },
        {
            content: "Both disputes are shown with their state",
            trigger: ".o_dso_disputes tbody:has(tr:nth-child(2):contains(Under review))",
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
            content: "The dialog says what it does",
            trigger: ".modal .modal-title:contains(Record a promise)",
        },
        {
            content: "It comes with the overdue invoices and what each still owes",
            trigger: ".modal .o_field_widget[name=move_ids] .o_data_row:contains(200.00)",
        },
        {
            content: "and the second one",
            trigger: ".modal .o_field_widget[name=move_ids] .o_data_row:contains(120.00)",
        },
        {
            content: "The amount promised is what they owe",
            trigger: ".modal .o_field_widget[name=amount]:contains(320.00)",
        },
        {
            content: "The customer pays the first one only: remove the second",
            trigger:
                ".modal .o_field_widget[name=move_ids] .o_data_row:contains(120.00) .o_list_record_remove",
            run: "click",
        },
        {
            content: "The amount follows",
            trigger: ".modal .o_field_widget[name=amount]:contains(200.00)",
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
            trigger: ".o_list_view .o_data_row:contains(Phone):contains(Open):contains(200.00)",
        },
    ],
});
