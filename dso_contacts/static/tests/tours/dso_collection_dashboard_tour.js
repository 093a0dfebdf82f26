import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("dso_contacts_collection_dashboard", {
    steps: () => [
        {
            content: "The dashboard shows the DSO",
            trigger: ".o_dso_collection_dashboard .o_group:contains(Days Sales Outstanding) .o_field_widget[name=dso]",
        },
        {
            content: "The receivables of the company",
            trigger: ".o_field_widget[name=receivables]:contains(7,100.00)",
        },
        {
            content: "The promise-kept rate: 2 kept, 1 broken",
            trigger: ".o_field_widget[name=kept_rate]:contains(66.7)",
        },
        {
            content: "The DSO trend is drawn on the dashboard",
            trigger: ".o_field_widget[name=dso_trend] .o_dashboard_graph canvas",
        },
        {
            content: "The top overdue customers, largest first",
            trigger: ".o_field_widget[name=top_customer_ids] tbody tr.o_data_row:first-child:contains(Dash Beta SA):contains(800.00)",
        },
        {
            content: "Refresh reads the figures again",
            trigger: "button[name=action_refresh]",
            run: "click",
        },
        {
            content: "The figures and the graph are still there",
            trigger: ".o_field_widget[name=receivables]:contains(7,100.00)",
        },
        {
            content: "The graph after the refresh",
            trigger: ".o_field_widget[name=dso_trend] canvas",
        },
        {
            content: "The monthly snapshots open from the dashboard",
            trigger: "button[name=action_open_trend]",
            run: "click",
        },
        {
            content: "The snapshots' graph",
            trigger: ".o_graph_view",
        },
    ],
});
