import { Component, useRef, useState } from "@odoo/owl";

import { Dropdown } from "@web/core/dropdown/dropdown";
import { useDropdownState } from "@web/core/dropdown/dropdown_hooks";
import { registry } from "@web/core/registry";
import { useDebounced } from "@web/core/utils/timing";
import { useService } from "@web/core/utils/hooks";

/**
 * Systray quick search: type a person's name, an email or a phone number in
 * any format, see the matching customers with the contact that matched, and
 * open one in a click. Same matching rules as the customer list's search
 * (res.partner.dso_quick_search on the server).
 */
export class DsoQuickSearch extends Component {
    static components = { Dropdown };
    static props = [];
    static template = "dso_contacts.QuickSearch";

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.dropdown = useDropdownState();
        this.inputRef = useRef("input");
        this.state = useState({ term: "", results: [], searching: false, searched: false });
        this.debouncedSearch = useDebounced(() => this.search(), 250);
    }

    onOpened() {
        this.inputRef.el?.focus();
    }

    onInput(ev) {
        this.state.term = ev.target.value;
        this.debouncedSearch();
    }

    async search() {
        const term = this.state.term.trim();
        if (term.length < 2) {
            Object.assign(this.state, { results: [], searched: false });
            return;
        }
        this.state.searching = true;
        const results = await this.orm.call("res.partner", "dso_quick_search", [term]);
        if (term === this.state.term.trim()) {
            Object.assign(this.state, { results, searching: false, searched: true });
        }
    }

    async openCustomer(result) {
        this.dropdown.close();
        await this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: result.id,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

registry
    .category("systray")
    .add("dso_contacts.QuickSearch", { Component: DsoQuickSearch }, { sequence: 90 });
