import { onWillUpdateProps } from "@odoo/owl";
import { registry } from "@web/core/registry";
import {
    JournalDashboardGraphField,
    journalDashboardGraphField,
} from "@web/views/fields/journal_dashboard_graph/journal_dashboard_graph_field";

/**
 * Odoo's dashboard graph (the journal dashboard's line), in a form: the
 * values are read again when the record is (Refresh), and the axes show the
 * months and the days, a month without a figure is a gap.
 */
export class DsoTrendGraphField extends JournalDashboardGraphField {
    setup() {
        super.setup();
        onWillUpdateProps((nextProps) => {
            this.data = JSON.parse(nextProps.record.data[nextProps.name] || "[]");
        });
    }

    getLineChartConfig() {
        const config = super.getLineChartConfig();
        config.data.datasets[0].spanGaps = false;
        config.data.datasets[0].pointRadius = 3;
        config.options.scales = {
            x: { display: true, grid: { display: false } },
            y: {
                display: true,
                beginAtZero: true,
                title: { display: true, text: this.data[0].key },
            },
        };
        return config;
    }
}

registry.category("fields").add("dso_trend_graph", {
    ...journalDashboardGraphField,
    component: DsoTrendGraphField,
});
