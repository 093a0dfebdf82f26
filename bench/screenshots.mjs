// The README's screenshots, taken on a running demo server by bench/screenshots.py
// usage: node bench/screenshots.mjs <base url> <out dir> <ids json>
// (playwright-core from NODE_PATH, driving Debian's Chromium: no browser download)
import fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(`${process.env.NODE_PATH}/`);
const { chromium } = require("playwright-core");

const [base, out, idsFile] = process.argv.slice(2);
const ids = JSON.parse(fs.readFileSync(idsFile, "utf8"));
const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
const idle = () => page.waitForLoadState("networkidle").catch(() => {});
// SHOTS=name1,name2 takes only those
const only = process.env.SHOTS ? process.env.SHOTS.split(",") : null;
async function shot(name, fn) {
    if (only && !only.includes(name)) return;
    try {
        await fn();
        await page.waitForTimeout(800);
        await page.screenshot({ path: `${out}/screenshot_${name}.png` });
        console.log("ok", name);
    } catch (e) {
        console.log("FAILED", name, e.message.split("\n")[0]);
        process.exitCode = 1;
    }
}
await page.goto(`${base}/web/login`);
await page.fill("input[name=login]", "admin");
await page.fill("input[name=password]", "admin");
await page.click("button[type=submit]");
await idle();

const partner = (id) => `${base}/odoo/action-account.res_partner_action_customer/${id}`;

await shot("quick_search", async () => {
    await page.goto(`${base}/odoo/action-account.res_partner_action_customer`);
    await idle();
    await page.click(".o_dso_quick_search_toggle");
    await page.fill(".o_dso_quick_search_input", "claire");
    await page.waitForSelector(".o_dso_quick_search_result, .o_dso_quick_search .dropdown-item");
});
await shot("customer", async () => {
    await page.goto(partner(ids.lumiere)); await idle();
    await page.click("a.nav-link:has-text('Contacts')").catch(() => {});
});
await shot("customer_collection", async () => {
    await page.goto(partner(ids.lumiere)); await idle();
});
await shot("reminder_preview", async () => {
    await page.goto(partner(ids.brightwater)); await idle();
    await page.click("button[name=action_dso_send_reminder]");
    await page.waitForSelector(".modal button[name=action_preview]");
    await page.click(".modal button[name=action_preview]");
    await page.waitForSelector(".modal button[name=action_send]");
});
await shot("promises", async () => {
    await page.goto(`${base}/odoo/action-dso_contacts.dso_payment_promise_action`); await idle();
});
await shot("dispute", async () => {
    await page.goto(`${base}/odoo/action-dso_contacts.dso_invoice_dispute_action/${ids.dispute}`); await idle();
});
await shot("import_mapping", async () => {
    await page.goto(`${base}/odoo/action-dso_contacts.dso_contact_import_action`); await idle();
    await page.setInputFiles(".modal .o_field_widget[name=import_file] input.o_input_file", ids.import_file);
    await page.waitForSelector(".modal .o_field_widget[name=import_file] .o_clear_file_button");
    await page.click(".modal button[name=action_load]");
    await page.waitForSelector(".modal .o_field_widget[name=line_ids] .o_data_row");
});
await shot("import_result", async () => {
    await page.click(".modal button[name=action_test]");
    await page.waitForTimeout(3000);
    await idle();
});
await shot("reminder_bounced", async () => {
    await page.goto(`${base}/odoo/action-dso_contacts.dso_reminder_action/${ids.bounced_reminder}`);
    await idle();
    await page.waitForSelector(".o_form_view .alert-danger");
});
const action = (name, id) => `${base}/odoo/action-dso_contacts.${name}${id ? `/${id}` : ""}`;
await shot("customer_plan", async () => {
    await page.goto(partner(ids.lumiere)); await idle();
    await page.click("a.nav-link:has-text('Invoicing')");
    const reason = page.locator(".o_field_widget[name=dso_reminder_plan_reason]");
    await reason.waitFor();
    await reason.scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, 120);
});
await shot("reminder_plan", async () => {
    await page.goto(action("dso_reminder_plan_action", ids.key_plan)); await idle();
    await page.waitForSelector(".o_form_view .o_data_row");
});
await shot("reminder_recipients", async () => {
    await page.goto(action("dso_reminder_action", ids.escalated_reminder)); await idle();
    const lines = page.locator(".o_field_widget[name=recipient_line_ids] .o_data_row").last();
    await lines.waitFor();
    await lines.scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, -150);
});
await shot("ageing", async () => {
    await page.goto(action("dso_ageing_report_action")); await idle();
    await page.click(".o_switch_view.o_pivot");
    await page.waitForSelector(".o_pivot table");
    await page.mouse.move(700, 800);
});
await shot("my_work", async () => {
    await page.goto(action("dso_work_item_action")); await idle();
    await page.waitForSelector(".o_list_view .o_group_header");
    for (const header of await page.locator(".o_list_view .o_group_header").all()) {
        await header.click(); await idle();
    }
});
await shot("dashboard", async () => {
    // the demo's snapshots of the last five months: the trend's line
    await page.goto(action("dso_collection_dashboard_action")); await idle();
    await page.waitForSelector(".o_field_widget[name=dso_trend] canvas");
    await page.waitForSelector(".o_field_widget[name=top_customer_ids] .o_data_row");
});
await shot("dso_trend", async () => {
    // per customer (the company's figures include Odoo's own demo payments)
    await page.goto(action("dso_dso_snapshot_action")); await idle();
    await page.click(".o_searchview_dropdown_toggler");
    await page.click(".o_filter_menu .o_menu_item:has-text('Company figures')", { timeout: 8000 });
    await page.click(".o_filter_menu .o_menu_item:has-text('Per customer')", { timeout: 8000 });
    await page.selectOption(".o_add_custom_group_menu", "month", { timeout: 8000 });
    await idle();
    await page.selectOption(".o_add_custom_group_menu", "partner_id", { timeout: 8000 });
    await idle();
    await page.keyboard.press("Escape");
    await page.click(".o_graph_renderer button[data-tooltip='Stacked']"); // one line each
    await page.mouse.move(700, 850);
    await page.waitForSelector(".o_graph_renderer canvas");
});
// the customer's page last: it logs out of the back office in this browser
await shot("customer_page", async () => {
    const p2 = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await p2.goto(`${base}${ids.page_url}`); await p2.waitForLoadState("networkidle");
    await p2.screenshot({ path: `${out}/screenshot_customer_page.png`, fullPage: true });
});
await browser.close();
