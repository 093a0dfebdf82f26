import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("dso_contacts_collection_dashboard", {
    steps: () => [
        {
            content: "The dashboard shows the DSO",
            trigger: ".o_dso_collection_dashboard .o_group:contains(Days Sales Outstanding) .o_field_widget[name=dso]",
        },
        {
            content: "The promise-kept rate: 2 kept, 1 broken",
            trigger: ".o_field_widget[name=kept_rate]:contains(66.7)",
        },
        {
            content: "The DSO trend lists last month's snapshot",
            trigger: ".o_field_widget[name=snapshot_ids] .o_data_row",
        },
        {
            content: "The top overdue customers, largest first",
            trigger: ".o_field_widget[name=customer_ids] tbody tr.o_data_row:first-child:contains(Dash Beta SA)",
        },
        {
            content: "The DSO trend opens from the dashboard",
            trigger: "button[name=action_open_trend]",
            run: "click",
        },
        {
            content: "The trend is a graph of the snapshots",
            trigger: ".o_graph_view",
        },
    ],
});
