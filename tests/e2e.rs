//! End-to-end: the built `dist/` served under a sub-path, driven in headless Chromium through
//! chromedriver, the way a relationship manager uses it.
//!
//! Runs when `KEYSTONE_E2E_DIST` names the built `dist/` (the Makefile's `make test` sets it after
//! `trunk build --release`); without it the test says so and does nothing.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use browser::{
    assert_no_egress, attribute, click, count, inked_pixels, number_attribute, pick_files,
    screenshot, serve_dist, serve_dist_changed, start_browser, type_text, upload_files, wait_text,
    SUB_PATH,
};
use fantoccini::{Client, Locator};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
const PAGES: [&str; 7] = [
    "overview",
    "customers",
    "segments",
    "relationship",
    "managers",
    "data",
    "settings",
];

/// The demo's expected tier counts and unassigned clients, from the native test's checked-in output.
fn expected_demo() -> (Vec<(String, String)>, String) {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/expected/demo_summary.txt"),
    )
    .expect("demo summary");
    let mut tiers = Vec::new();
    let mut unassigned = String::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["tier", key, customers, ..] => tiers.push((
                key.to_string(),
                customers.trim_start_matches("customers=").to_string(),
            )),
            ["unassigned_customers", n] => unassigned = n.to_string(),
            _ => {}
        }
    }
    (tiers, unassigned)
}

fn with_thousands(digits: &str) -> String {
    keystone::format::count(digits.parse().expect("a count"))
}

/// The built `dist/`, served once for every journey; `None` (each test then says so and does
/// nothing) when `KEYSTONE_E2E_DIST` is not set.
fn served_home() -> Option<String> {
    static HOME: OnceLock<Option<String>> = OnceLock::new();
    HOME.get_or_init(|| {
        let Some(dist) = std::env::var_os("KEYSTONE_E2E_DIST").map(PathBuf::from) else {
            eprintln!("KEYSTONE_E2E_DIST is not set: end-to-end tests not run (use `make test`)");
            return None;
        };
        assert!(
            dist.join("index.html").exists(),
            "{} has no index.html",
            dist.display()
        );
        let port = serve_dist(dist);
        Some(format!("http://127.0.0.1:{port}{SUB_PATH}"))
    })
    .clone()
}

/// A manager's first visit in a fresh browser: the demo generated, stored and shown.
struct Visit {
    client: Client,
    home: String,
    _driver: browser::Chromedriver,
    _profile: browser::tempdir::Dir,
}

impl Visit {
    async fn start() -> Option<Visit> {
        let home = served_home()?;
        let (driver, client, profile) = start_browser().await;
        client.goto(&home).await.expect("open the app");
        wait_text(&client, "[data-kpi=customers] .kpi-value", |t| t == "5,000").await;
        Some(Visit {
            client,
            home,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Checks nothing left the page's origin, and closes the browser.
    async fn end(self) {
        assert_no_egress(&self.client).await;
        self.client.close().await.expect("close the browser");
    }
}

/// Walks one journey in a new browser from the first visit, then checks that nothing left
/// the page's origin; does nothing when no `dist/` is served.
async fn journey(walk: impl AsyncFnOnce(&Client, &str)) {
    let Some(visit) = Visit::start().await else {
        return;
    };
    walk(&visit.client, &visit.home).await;
    visit.end().await;
}

/// First visit: the demo is generated, stored and shown, in Chinese; the language switch
/// shows English, and the choice survives a reload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_visit_shows_the_demo_in_either_language() {
    journey(async |client, _| {
        wait_text(client, "a[data-nav=overview]", |t| t == "总览").await;
        let (tiers, _) = expected_demo();
        assert_eq!(tiers.len(), 4);
        for (key, customers) in &tiers {
            let css = format!("tr[data-tier={key}] td[data-count=customers]");
            let expected = with_thousands(customers);
            wait_text(client, &css, |t| t == expected).await;
        }
        assert!(
            inked_pixels(client, "tier-bars").await > 2_000,
            "the tier chart is blank"
        );
        screenshot(client, "overview-zh").await;

        click(client, "[data-testid=language-switch]").await;
        wait_text(client, "a[data-nav=overview]", |t| t == "Overview").await;
        wait_text(client, "[data-kpi=customers] .kpi-label", |t| {
            t == "Customers"
        })
        .await;
        screenshot(client, "overview-en").await;
        client.refresh().await.expect("reload");
        wait_text(client, "a[data-nav=customers]", |t| t == "Customers").await;
        click(client, "[data-testid=language-switch]").await;
        wait_text(client, "a[data-nav=overview]", |t| t == "总览").await;
    })
    .await;
}

/// Every navigation entry opens its page with real data; a reload shows the same stored
/// snapshot, and the back button returns to the page before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_opens_with_real_data_and_survives_a_reload() {
    journey(async |client, _| {
        let (_, unassigned) = expected_demo();
        for page in PAGES {
            click(client, &format!("a[data-nav={page}]")).await;
            wait_text(
                client,
                &format!("a[data-nav={page}][aria-current=page]"),
                |t| !t.is_empty(),
            )
            .await;
            let url = client.current_url().await.expect("url");
            assert!(url.path().starts_with(SUB_PATH), "left the sub-path: {url}");
            match page {
                "overview" => {
                    wait_text(client, "[data-kpi=customers] .kpi-value", |t| t == "5,000").await;
                }
                "customers" => {
                    wait_text(client, "[data-testid=page-position]", |t| t == "1 / 100").await;
                    assert_eq!(
                        count(client, "[data-testid=customer-table] tbody tr").await,
                        50
                    );
                    // Sorted by AUM, largest first: the first row is a private-banking client.
                    wait_text(
                        client,
                        "[data-testid=customer-table] tbody tr td:nth-child(4)",
                        |t| t == "私行",
                    )
                    .await;
                    click(client, "a[data-sort=id]").await;
                    wait_text(client, "[data-testid=customer-table] tbody tr td", |t| {
                        t == "D00005000"
                    })
                    .await;
                    click(client, "a[data-sort=id]").await;
                    wait_text(client, "[data-testid=customer-table] tbody tr td", |t| {
                        t == "D00000001"
                    })
                    .await;
                    click(client, "[data-testid=page-next]").await;
                    wait_text(client, "[data-testid=customer-table] tbody tr td", |t| {
                        t == "D00000051"
                    })
                    .await;
                }
                "segments" => {
                    wait_text(client, "[data-testid=product-mix] tbody tr th", |t| {
                        t == "私行"
                    })
                    .await;
                    assert_eq!(count(client, "[data-testid=product-mix] tbody tr").await, 4);
                    assert_eq!(
                        count(client, "[data-testid=product-mix] thead th").await,
                        3 + 7
                    );
                }
                "managers" => {
                    wait_text(
                        client,
                        "tr[data-manager=unassigned] td[data-count=clients]",
                        |t| t == unassigned,
                    )
                    .await;
                    assert_eq!(
                        count(client, "[data-testid=manager-table] tbody tr").await,
                        20
                    );
                }
                "relationship" => {
                    // The demo's contacts end at its data date: its key accounts are overdue.
                    wait_text(client, "[data-testid=my-overdue-count]", |t| {
                        t.parse::<usize>().is_ok_and(|n| n > 0)
                    })
                    .await;
                    assert!(count(client, "[data-testid=overdue-table] tbody tr").await > 0);
                }
                "data" => {
                    wait_text(
                        client,
                        "[data-testid=snapshot] dd[data-count=customers]",
                        |t| t == "5,000",
                    )
                    .await;
                }
                "settings" => {
                    wait_text(client, "[data-testid=tier-rules] tbody tr th", |t| {
                        t == "私行"
                    })
                    .await;
                    assert_eq!(count(client, "[data-testid=tier-rules] tbody tr").await, 4);
                    // The performance check times the analysis stages on the data shown.
                    click(client, "[data-testid=performance-run]").await;
                    wait_text(client, "[data-testid=performance]", |t| t.contains("ms")).await;
                    let pipeline =
                        number_attribute(client, "[data-testid=performance]", "data-pipeline-s")
                            .await;
                    assert!(pipeline > 0.0 && pipeline < 10.0, "pipeline {pipeline} s");
                }
                _ => unreachable!("every page is listed"),
            }
            screenshot(client, page).await;
        }

        // Reload shows the same stored snapshot: nothing is regenerated.
        click(client, "a[data-nav=data]").await;
        let snapshot = wait_text(client, "[data-testid=snapshot] dd:nth-of-type(2)", |t| {
            t.starts_with("demo-")
        })
        .await;
        client.refresh().await.expect("reload");
        wait_text(client, "[data-testid=snapshot] dd:nth-of-type(2)", |t| {
            t == snapshot
        })
        .await;
        // The back button returns to the page before.
        click(client, "a[data-nav=customers]").await;
        wait_text(client, "[data-testid=page-position]", |t| t == "1 / 100").await;
        client.back().await.expect("back");
        wait_text(client, "[data-testid=snapshot] dd:nth-of-type(2)", |t| {
            t == snapshot
        })
        .await;
    })
    .await;
}

/// The Overview's charts, their tooltips and drill-downs by pointer and keyboard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_charts_explain_themselves_and_open_their_customers() {
    journey(async |client, _| {
        let (tiers, _) = expected_demo();
        explore_the_insights(client, &tiers).await;
    })
    .await;
}

/// Search, the CSV and Excel exports of a list, and a score-range list's export.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filtered_list_exports_exactly_its_rows() {
    journey(async |client, home| {
        export_lists(client, home).await;
    })
    .await;
}

/// A customer's 360 page from a list and by its URL, with offers, suitability and activity.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_profile_opens_from_a_list_and_by_url() {
    journey(async |client, home| {
        open_a_customer_profile(client, home).await;
    })
    .await;
}

/// The Segments page's what-if, RFM cells and clusters, and a manager's book.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segments_and_books_open_as_lists() {
    journey(async |client, _| {
        explore_the_segments(client).await;
        open_a_managers_book(client).await;
    })
    .await;
}

/// The Overview printed to one A4 page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_prints_on_one_page() {
    journey(async |client, _| {
        print_the_report(client).await;
    })
    .await;
}

/// Every page in English, every chart drawn: and nothing the page loaded came from elsewhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_reaches_outside_its_origin() {
    journey(async |client, _| {
        click(client, "[data-testid=language-switch]").await;
        wait_text(client, "a[data-nav=overview]", |t| t == "Overview").await;
        visit_every_page(client, "demo-en").await;
        click(client, "a[data-nav=overview]").await;
    })
    .await;
}

/// Delete all, then import the S workload, append a period, cancel an import with problems,
/// import a file read by two workers and delete a dataset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_imports_exports_and_deletes_them() {
    journey(async |client, _| {
        // Delete all data, confirming the dialog: the app is empty, and stays empty after a reload.
        click(client, "a[data-nav=data]").await;
        click(client, "[data-testid=delete-all]").await;
        client.accept_alert().await.expect("confirm deletion");
        wait_text(client, "[data-status=empty]", |t| !t.is_empty()).await;
        screenshot(client, "data-deleted").await;
        client.refresh().await.expect("reload");
        click(client, "a[data-nav=overview]").await;
        wait_text(client, "[data-status=empty]", |t| t.contains("数据")).await;
        assert_eq!(count(client, "[data-kpi]").await, 0);

        import_workload_s(client).await;
        append_the_same_period_again(client).await;
        cancel_an_import_with_problems(client).await;
        import_a_file_read_by_two_workers(client).await;
        delete_the_shown_dataset(client).await;
    })
    .await;
}

/// A core-banking extract keyed by account (#19): a file that shows no kind holds the import
/// until it is removed; the manager declares the centuries of two-digit years, maps one
/// direction code by hand in the value map, and sees the flows on the Overview and a client's
/// own accounts — not those they are only an authorised user of — on the 360.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_keyed_extract_imports_with_a_direction_code_mapped_by_hand() {
    journey(async |client, home| {
        use keystone::format::money_compact;
        use keystone::i18n::Lang;
        click(client, "a[data-nav=data]").await;
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/exports/accounts");
        let mut paths = upload_files(
            &source,
            "accounts",
            &["clients.csv", "disp.csv", "accounts.csv", "trans.csv"],
        );
        let nokind = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/exports/nokind");
        paths.extend(upload_files(&nokind, "nokind", &["survey_scores.csv"]));
        pick_files(client, "[data-testid=import-files]", &paths).await;
        wait_text(client, "[data-testid=import-needs-mapping]", |t| {
            t.contains("survey_scores.csv")
        })
        .await;
        let disabled =
            browser::attribute(client, "[data-testid=import-validate]", "disabled").await;
        assert!(
            !disabled.is_empty(),
            "Import waits for the file with no kind"
        );
        click(
            client,
            ".file-card[data-file='survey_scores.csv'] [data-testid=import-remove-file]",
        )
        .await;
        wait_count(client, "[data-testid=import-needs-mapping]", 0).await;
        // The links file is recognised as such, with its roles.
        wait_text(
            client,
            ".file-card[data-file='disp.csv'] [data-testid=import-entity] option:checked",
            |t| t == "账户持有关系",
        )
        .await;
        select(
            client,
            ".file-card[data-file='clients.csv'] [data-testid=import-century]",
            "1900",
        )
        .await;
        select(
            client,
            ".file-card[data-file='trans.csv'] [data-testid=import-century]",
            "2000",
        )
        .await;
        // The direction column's values, counted over the whole file: VYDAJ is not understood.
        click(
            client,
            ".file-card[data-file='trans.csv'] [data-testid=value-map-load]",
        )
        .await;
        let vydaj = ".file-card[data-file='trans.csv'] tr[data-value=VYDAJ]";
        wait_text(client, &format!("{vydaj} td:nth-child(2)"), |t| t == "2").await;
        assert_eq!(
            browser::attribute(client, vydaj, "data-understood").await,
            "false"
        );
        screenshot(client, "import-value-map").await;
        select(client, &format!("{vydaj} select"), "out").await;
        wait_text(client, &format!("{vydaj} td:nth-child(3)"), |t| {
            t == "已指定"
        })
        .await;
        // No cell names a currency: CNY until the manager says the extract is in koruna.
        wait_text(
            client,
            "[data-testid=import-currency] option:checked",
            |t| t.starts_with("CNY"),
        )
        .await;
        select(client, "[data-testid=import-currency]", "CZK").await;
        wait_text(client, "[data-testid=import-currency-note]", |t| {
            t == "文件中没有币种符号"
        })
        .await;
        click(client, "[data-testid=import-validate]").await;
        // Two transactions name an account nobody owns; nothing is left not understood.
        let rejected =
            "[data-testid=import-summary] tr[data-file='trans.csv'] td[data-count=rejected]";
        wait_text(client, rejected, |t| t == "2").await;
        wait_text(
            client,
            "[data-testid=import-summary] tr[data-file='trans.csv'] td[data-count=accepted]",
            |t| t == "6",
        )
        .await;
        assert_eq!(
            count(
                client,
                "[data-testid=import-unknown-codes] tr[data-value=VYDAJ]"
            )
            .await,
            0
        );
        screenshot(client, "import-accounts-report").await;
        type_text(client, "[data-testid=import-name]", "账户口径导出").await;
        commit_import(client, "4").await;

        click(client, "a[data-nav=overview]").await;
        wait_text(client, "[data-kpi=customers] .kpi-value", |t| t == "4").await;
        // Every amount is in the dataset's currency, converted from nothing.
        keystone::format::show_amounts_in(keystone::model::Currency::Czk);
        let inflow = money_compact((5_000 + 100_000) * 100, Lang::Zh);
        assert!(inflow.starts_with("Kč "), "{inflow}");
        let outflow = money_compact((1_200 + 300 + 500 + 250) * 100, Lang::Zh);
        wait_text(client, "[data-kpi=inflow-12m] .kpi-value", |t| t == inflow).await;
        wait_text(client, "[data-kpi=outflow-12m] .kpi-value", |t| {
            t == outflow
        })
        .await;

        client
            .goto(&format!("{home}?page=customer&id=C101"))
            .await
            .expect("the 360 of C101");
        wait_text(client, "[data-testid=customer-facts] dd", |t| t == "C101").await;
        for account in ["A9001", "A9002"] {
            let css = format!("[data-testid=customer-accounts] tr[data-code={account}]");
            assert_eq!(count(client, &css).await, 1, "{account} is C101's");
        }
        // C102 is only an authorised user of A9002: it is not theirs.
        client
            .goto(&format!("{home}?page=customer&id=C102"))
            .await
            .expect("the 360 of C102");
        wait_text(client, "[data-testid=customer-facts] dd", |t| t == "C102").await;
        wait_text(
            client,
            "[data-testid=customer-accounts] tr[data-code=A9003]",
            |_| true,
        )
        .await;
        assert_eq!(
            count(
                client,
                "[data-testid=customer-accounts] tr[data-code=A9002]"
            )
            .await,
            0
        );
        screenshot(client, "customer-accounts").await;
    })
    .await;
}

/// Moves the pointer over a chart, left to right across its middle, until a tooltip shows;
/// returns the tooltip's text and where the pointer was (client pixels).
async fn hover_until_tooltip(
    client: &Client,
    chart: &str,
    from: f64,
    to: f64,
) -> (String, f64, f64) {
    let steps = 60;
    for step in 0..=steps {
        let fraction = from + (to - from) * f64::from(step) / f64::from(steps);
        let script = format!(
            "const c = document.querySelector('canvas[data-chart=\"{chart}\"]');
             c.scrollIntoView({{block: 'center'}});
             const r = c.getBoundingClientRect();
             const x = r.left + r.width * {fraction}, y = r.top + r.height * 0.6;
             c.dispatchEvent(new MouseEvent('mousemove', {{clientX: x, clientY: y, bubbles: true}}));
             return [x, y];"
        );
        let at = client
            .execute(&script, vec![])
            .await
            .expect("move the pointer");
        let (x, y) = (at[0].as_f64().unwrap_or(0.0), at[1].as_f64().unwrap_or(0.0));
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        if let Ok(tooltip) = client
            .find(Locator::Css("[data-testid=chart-tooltip]"))
            .await
        {
            if let Ok(text) = tooltip.text().await {
                if !text.is_empty() {
                    return (text, x, y);
                }
            }
        }
    }
    panic!("no tooltip over {chart}");
}

/// Clicks a chart at a point (client pixels), as a pointer would.
async fn click_chart_at(client: &Client, chart: &str, x: f64, y: f64) {
    let script = format!(
        "document.querySelector('canvas[data-chart=\"{chart}\"]').dispatchEvent(
           new MouseEvent('click', {{clientX: {x}, clientY: {y}, bubbles: true}}));"
    );
    client
        .execute(&script, vec![])
        .await
        .expect("click the chart");
}

/// The insight pages on the demo: every overview chart drawn, a tooltip over a bar, a tier's
/// bar opens its customers, search and the CSV export of a list, a customer's 360 page by URL.
async fn explore_the_insights(client: &Client, tiers: &[(String, String)]) {
    for chart in ["tier-bars", "aum-histogram", "aum-trend"] {
        assert!(
            inked_pixels(client, chart).await > 2_000,
            "{chart} is blank"
        );
    }
    wait_text(client, "[data-kpi=potential] .kpi-value", |t| !t.is_empty()).await;
    wait_text(client, "[data-testid=forecast-note]", |t| t.contains('%')).await;
    let (private, private_count) = &tiers[0];
    let private_count = with_thousands(private_count);

    // From the keyboard: the chart takes the focus, an arrow key shows the first bar's
    // figures (read out by a live region), Enter opens its list, and back returns.
    client
        .execute(
            "document.querySelector('canvas[data-chart=tier-bars]').focus();",
            vec![],
        )
        .await
        .expect("focus the chart");
    let chart = client
        .find(Locator::Css("canvas[data-chart=tier-bars]"))
        .await
        .expect("tier chart");
    assert_eq!(
        chart.attr("tabindex").await.expect("attr").as_deref(),
        Some("0")
    );
    chart
        .send_keys(&fantoccini::key::Key::Right.to_string())
        .await
        .expect("arrow key");
    wait_text(client, "[data-testid=chart-tooltip]", |t| {
        t.contains("私行") && t.contains(&private_count)
    })
    .await;
    wait_text(client, "figure .sr-only", |t| t.contains("私行")).await;
    // The region is outlined over the first bar's column, and its tip sits above the plot,
    // not over the bar's value label.
    let geometry = client
        .execute(
            "const c = document.querySelector('canvas[data-chart=tier-bars]').getBoundingClientRect();
             const f = document.querySelector('[data-testid=chart-focus]').getBoundingClientRect();
             const t = document.querySelector('[data-testid=chart-tooltip]').getBoundingClientRect();
             return [f.left - c.left, f.width, f.top - c.top, f.height, t.bottom - f.top, c.width];",
            vec![],
        )
        .await
        .expect("read the outline");
    let g: Vec<f64> = serde_json::from_value(geometry).expect("numbers");
    let (left, width, top, height, tip_over, canvas_width) = (g[0], g[1], g[2], g[3], g[4], g[5]);
    assert!(
        left > 0.0
            && left + width < canvas_width / 4.0
            && width > 10.0
            && height > 100.0
            && top > 0.0,
        "outline at {g:?}"
    );
    assert!(tip_over <= 0.0, "the tip ends above the column: {g:?}");
    chart
        .send_keys(&fantoccini::key::Key::Enter.to_string())
        .await
        .expect("enter");
    wait_text(client, "[data-testid=list-count]", |t| {
        t.contains(&private_count)
    })
    .await;
    client.back().await.expect("back");
    wait_text(client, "[data-kpi=customers] .kpi-value", |t| t == "5,000").await;

    // The pointer over the first bar shows its exact figures; a click opens that tier's list.
    let (text, x, y) = hover_until_tooltip(client, "tier-bars", 0.05, 0.5).await;
    assert!(
        text.contains("私行") && text.contains(&private_count),
        "tooltip {text:?}"
    );
    screenshot(client, "overview-tooltip").await;
    click_chart_at(client, "tier-bars", x, y).await;
    wait_text(client, "[data-testid=list-count]", |t| {
        t.contains(&private_count)
    })
    .await;
    let url = client.current_url().await.expect("url");
    assert!(
        url.query()
            .unwrap_or("")
            .contains(&format!("tier={private}")),
        "{url}"
    );
    let rows = count(client, "[data-testid=customer-table] tbody tr").await;
    assert_eq!(
        rows,
        private_count
            .replace(',', "")
            .parse::<usize>()
            .expect("n")
            .min(50)
    );
    wait_text(
        client,
        "[data-testid=customer-table] tbody tr:last-child td:nth-child(4)",
        |t| t == "私行",
    )
    .await;
}

/// Search (any case) narrows the whole list; the CSV and the workbook hold exactly the listed
/// rows; a score-range list from the URL is the core's, and so is its export.
async fn export_lists(client: &Client, home: &str) {
    click(client, "a[data-nav=customers]").await;
    wait_text(client, "[data-testid=page-position]", |t| t == "1 / 100").await;
    type_text(client, "[data-testid=customer-search]", "d0000004").await;
    wait_text(client, "[data-testid=page-position]", |t| t == "1 / 1").await;
    let listed = number_attribute(client, "[data-testid=list-count]", "data-count").await as usize;
    let csv = export_csv(client).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(listed, 10, "D00000040 to D00000049");
    assert_eq!(lines.len(), listed + 1, "header and the listed rows: {csv}");
    assert!(lines[0].starts_with("客户号,姓名"));
    assert!(
        lines[1..].iter().all(|l| l.starts_with("D0000004")),
        "{csv}"
    );
    screenshot(client, "customers-filtered").await;

    // The same list as an Excel workbook, written by the worker: the same rows, no formula.
    client
        .execute("window.__exported = null;", vec![])
        .await
        .expect("reset");
    click(client, "[data-testid=export-xlsx]").await;
    let bytes = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const wait = () => window.__exported
                 ? window.__exported.arrayBuffer().then(b => done({
                       type: window.__exported.type,
                       bytes: Array.from(new Uint8Array(b)),
                   }))
                 : setTimeout(wait, 50);
             wait();",
            vec![],
        )
        .await
        .expect("read the workbook");
    assert_eq!(
        bytes["type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes: Vec<u8> = bytes["bytes"]
        .as_array()
        .expect("bytes")
        .iter()
        .map(|b| b.as_u64().expect("a byte") as u8)
        .collect();
    {
        use calamine::Reader;
        let mut workbook =
            calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook Excel opens");
        let range = workbook
            .worksheet_range("客户")
            .expect("the customers sheet");
        assert_eq!(range.height(), listed + 1);
        let ids: Vec<String> = range.rows().map(|r| r[0].to_string()).collect();
        assert_eq!(ids[0], "客户号");
        let csv_ids: Vec<&str> = lines[1..]
            .iter()
            .map(|l| l.split(',').next().unwrap_or_default())
            .collect();
        assert_eq!(ids[1..], csv_ids, "the rows of the CSV, in its order");
        let formulas = workbook.worksheet_formula("客户").expect("formulas");
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    }

    // A score range from the URL: the list is the core's count, the score column within it.
    {
        use keystone::analytics::profile::customer_profile;
        use keystone::analytics::scores::attrition_risk;
        use keystone::analytics::{analyse, AnalysisConfig};
        let demo = keystone::demo::generate(&keystone::demo::DemoConfig::default());
        let analysis = analyse(&demo, &AnalysisConfig::default());
        let attrition =
            attrition_risk(&analysis.features, &customer_profile(&demo, analysis.as_of));
        let expected = (0..demo.n_customers())
            .filter(|&r| attrition.score(r).round() >= 60.0)
            .count();
        client
            .goto(&format!("{home}?page=customers&score=attrition&smin=60"))
            .await
            .expect("a score-range list");
        wait_text(client, "[data-testid=list-count]", |t| {
            t.contains(&count_text(expected))
        })
        .await;
        let scores = client
            .find_all(Locator::Css("td[data-score]"))
            .await
            .expect("score cells");
        assert!(!scores.is_empty());
        for cell in scores {
            let points: f64 = cell.text().await.expect("text").parse().expect("points");
            assert!(points >= 60.0, "{points}");
        }
        // The exported list carries the score it was narrowed by, as its last column.
        let csv = export_csv(client).await;
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let last = reader.headers().expect("header").len() - 1;
        assert_eq!(&reader.headers().expect("header")[last], "流失风险");
        let mut exported = 0;
        for record in reader.records() {
            let points: f64 = record.expect("row")[last].parse().expect("points");
            assert!(points >= 60.0, "{points}");
            exported += 1;
        }
        assert_eq!(
            exported, expected,
            "the whole list, not only the page shown"
        );
        client.back().await.expect("back");
    }
}

/// A customer's profile from a list, its offers, suitability and activity; by its URL; the
/// back button returns to the list.
async fn open_a_customer_profile(client: &Client, home: &str) {
    client
        .goto(&format!("{home}?page=customers&q=d0000004"))
        .await
        .expect("a searched list");
    wait_text(client, "[data-testid=page-position]", |t| t == "1 / 1").await;
    let id = browser::attribute(
        client,
        "[data-testid=customer-table] tbody tr:first-child",
        "data-customer",
    )
    .await;
    click(client, &format!("a[data-customer-link={id}]")).await;
    wait_text(client, "[data-testid=customer-facts] dd", |t| t == id).await;
    check_offers_and_suitability(client, &id).await;
    check_transaction_mix(client, home).await;
    client
        .goto(&format!("{home}?page=customers&q=d0000004"))
        .await
        .expect("back to the list");
    wait_text(client, "[data-testid=page-position]", |t| t == "1 / 1").await;
    click(client, &format!("a[data-customer-link={id}]")).await;
    wait_text(client, "[data-testid=customer-facts] dd", |t| t == id).await;
    for chart in ["customer-trend", "capacity", "attrition", "potential"] {
        let started = std::time::Instant::now();
        while inked_pixels(client, chart).await < 2_000 {
            assert!(started.elapsed().as_secs() < 10, "{chart} is blank");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    screenshot(client, "customer-zh").await;
    client.back().await.expect("back");
    wait_text(client, "[data-testid=page-position]", |t| t == "1 / 1").await;
    client
        .goto(&format!("{home}?page=customer&id={id}"))
        .await
        .expect("open a profile by URL");
    wait_text(client, "[data-testid=customer-facts] dd", |t| t == id).await;
    click(client, "[data-testid=language-switch]").await;
    wait_text(client, "[data-testid=customer-facts] dt", |t| {
        t == "Customer ID"
    })
    .await;
    screenshot(client, "customer-en").await;
    click(client, "[data-testid=language-switch]").await;
    click(client, "a[data-nav=overview]").await;
    wait_text(client, "[data-kpi=customers] .kpi-value", |t| t == "5,000").await;
}

/// Clicks the list's CSV export and returns the file's text, without its byte-order mark.
/// The page's `blob:` URLs are watched, so the file offered stays in `window.__exported`.
async fn export_csv(client: &Client) -> String {
    download_text(client, "[data-testid=export-csv]").await
}

/// The profile's next-best products are the analytics core's, in its order, with the reasons
/// drawn; the suitability section lists the core's flags for the customer.
async fn check_offers_and_suitability(client: &Client, id: &str) {
    use keystone::analytics::models::ModelKind;
    use keystone::analytics::profile::customer_profile;
    use keystone::analytics::propensity::{customer_offers, next_best_products};
    use keystone::analytics::suitability::suitability_flags;
    use keystone::analytics::{analyse, AnalysisConfig};
    let demo = keystone::demo::generate(&keystone::demo::DemoConfig::default());
    let analysis = analyse(&demo, &AnalysisConfig::default());
    let row = (0..demo.n_customers())
        .find(|&r| demo.customers().customer_id.get(r) == id)
        .expect("the customer");
    let products = next_best_products(
        &demo,
        &analysis.features,
        &customer_profile(&demo, analysis.as_of),
        ModelKind::Gbdt,
        &mut |_, _| {},
    );
    let expected = customer_offers(&products, row);
    assert!(
        !expected.is_empty(),
        "the demo customer has something to offer"
    );
    // The models train in the worker: the table comes when they are done.
    let first = "[data-testid=offers] tbody tr:first-child td:nth-child(2)";
    let started = std::time::Instant::now();
    while count(client, "[data-testid=offers] tbody tr").await == 0 {
        assert!(started.elapsed().as_secs() < 60, "no offers after a minute");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let rows = client
        .find_all(Locator::Css("[data-testid=offers] tbody tr"))
        .await
        .expect("offer rows");
    let mut shown = Vec::new();
    for tr in rows {
        shown.push(
            tr.attr("data-product")
                .await
                .expect("attr")
                .unwrap_or_default(),
        );
    }
    let keys: Vec<&str> = expected.iter().map(|o| o.product.key()).collect();
    assert_eq!(shown, keys, "the core's offers, most probable first");
    let probability = format!("{:.0}%", expected[0].probability * 100.0);
    wait_text(client, first, |t| t == probability).await;
    assert!(inked_pixels(client, "offer-contributions").await > 2_000);
    client
        .execute(
            "document.querySelector('[data-testid=next-best]').scrollIntoView();",
            vec![],
        )
        .await
        .expect("scroll");
    screenshot(client, "customer-next-best").await;

    let flags = suitability_flags(&demo)
        .into_iter()
        .filter(|f| f.customer as usize == row)
        .count();
    match flags {
        0 => assert_eq!(count(client, "[data-testid=suitability-clear]").await, 1),
        n => assert_eq!(
            count(client, "[data-testid=suitability-flags] tbody tr").await,
            n
        ),
    }
    assert_eq!(
        count(client, "[data-tag=suitability]").await,
        usize::from(flags > 0),
        "the suitability tag goes with the flags"
    );
    let key_account = (analysis.tier_of_customer[row] as usize)
        < AnalysisConfig::default().tier_rules.key_account_tiers();
    assert_eq!(
        count(client, "[data-tag=key-account]").await,
        usize::from(key_account)
    );
}

/// The most active demo customer's profile: twelve months of transactions by category and by
/// channel, a bar for each of the core's lines.
async fn check_transaction_mix(client: &Client, home: &str) {
    use keystone::analytics::profile::transaction_mix;
    use keystone::analytics::{analyse, AnalysisConfig};
    let demo = keystone::demo::generate(&keystone::demo::DemoConfig::default());
    let analysis = analyse(&demo, &AnalysisConfig::default());
    let f12 = &analysis.features.f12;
    let row = (0..demo.n_customers())
        .max_by_key(|&r| (f12[r], std::cmp::Reverse(r)))
        .expect("customers");
    let as_of = analysis.as_of.expect("an as-of date");
    let mix = transaction_mix(&demo, row, keystone::model::Day(as_of.0 - 365), as_of);
    assert!(mix.by_category.len() > 1 && mix.by_channel.len() > 1);
    let id = demo.customers().customer_id.get(row);
    client
        .goto(&format!("{home}?page=customer&id={id}"))
        .await
        .expect("open the profile");
    for (chart, lines) in [
        ("customer-categories", mix.by_category.len()),
        ("customer-channels", mix.by_channel.len()),
    ] {
        let selector = format!("canvas[data-chart={chart}]");
        let started = std::time::Instant::now();
        while count(client, &selector).await == 0
            || number_attribute(client, &selector, "data-hits").await as usize != lines
        {
            assert!(
                started.elapsed().as_secs() < 10,
                "{chart}: not {lines} bars"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            inked_pixels(client, chart).await > 2_000,
            "{chart} is blank"
        );
    }
    screenshot(client, "customer-active").await;
    client
        .execute(
            "document.querySelector('canvas[data-chart=customer-categories]').scrollIntoView();",
            vec![],
        )
        .await
        .expect("scroll");
    screenshot(client, "customer-transactions").await;
}

/// The segments page on the demo: the what-if shows what the analytics core computes for a
/// moved threshold, applying it re-tiers the overview, an RFM cell and a cluster open as lists.
async fn explore_the_segments(client: &Client) {
    use keystone::analytics::whatif::{what_if, AumIndex};
    use keystone::analytics::{analyse, AnalysisConfig, TierRules};
    let demo = keystone::demo::generate(&keystone::demo::DemoConfig::default());
    let analysis = analyse(&demo, &AnalysisConfig::default());
    let current = TierRules::workload_defaults();
    let mut proposed = current.clone();
    // 财富 from ¥1M (100 万) to ¥2M (200 万).
    proposed.tiers[1].min_aum_fen = 200 * 10_000 * 100;
    let expected = what_if(
        &AumIndex::new(&analysis.features.aum_fen),
        &current,
        &proposed,
    )
    .expect("an AUM-only ladder");

    click(client, "a[data-nav=segments]").await;
    let input = "input[data-whatif-input=wealth]";
    client
        .find(Locator::Css(input))
        .await
        .expect("threshold input")
        .clear()
        .await
        .expect("clear");
    type_text(client, input, "200").await;
    for (tier, shift) in current.tiers.iter().zip(&expected) {
        for (column, value) in [
            ("proposed", count_text(shift.customers_proposed)),
            ("in", format!("+{}", count_text(shift.customers_in))),
            ("out", format!("−{}", count_text(shift.customers_out))),
        ] {
            let css = format!(
                "[data-testid=whatif] tr[data-tier={}] td[data-whatif={column}]",
                tier.key
            );
            wait_text(client, &css, |t| t == value).await;
        }
    }
    assert!(expected[1].customers_out > 0, "the move changes something");
    assert!(inked_pixels(client, "whatif-bars").await > 2_000);
    screenshot(client, "segments-whatif").await;
    click(client, "[data-testid=whatif-apply]").await;
    click(client, "a[data-nav=overview]").await;
    wait_tier_customers(client, "wealth", expected[1].customers_proposed).await;
    click(client, "a[data-nav=segments]").await;
    click(client, "[data-testid=whatif-reset]").await;
    click(client, "a[data-nav=overview]").await;
    wait_tier_customers(client, "wealth", expected[1].customers_now).await;

    // An RFM cell: its tooltip's count is the length of the list it opens.
    click(client, "a[data-nav=segments]").await;
    wait_text(client, "[data-testid=cluster-cards]", |t| !t.is_empty()).await;
    for chart in ["rfm-grid", "cluster-scatter"] {
        assert!(
            inked_pixels(client, chart).await > 2_000,
            "{chart} is blank"
        );
    }
    let (text, x, y) = hover_until_tooltip(client, "rfm-grid", 0.2, 0.9).await;
    let cell_count: String = text
        .split(": ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .expect("a count")
        .to_owned();
    screenshot(client, "segments-rfm").await;
    click_chart_at(client, "rfm-grid", x, y).await;
    let listed = wait_text(client, "[data-testid=list-count]", |t| {
        t.contains(&cell_count)
    })
    .await;
    assert!(listed.contains(&cell_count), "{text} vs {listed}");

    // A cluster card opens its customers.
    click(client, "a[data-nav=segments]").await;
    let card = client
        .find(Locator::Css("[data-cluster='0'] p:last-child"))
        .await
        .expect("first cluster card")
        .text()
        .await
        .expect("card text");
    let size = card.split(' ').next().expect("size").to_owned();
    click(client, "[data-cluster='0']").await;
    wait_text(client, "[data-testid=list-count]", |t| {
        t.contains(&format!(" {size} "))
    })
    .await;
    click(client, "a[data-nav=overview]").await;
}

/// The managers page: the workload chart is drawn and a manager's book opens as a list of
/// exactly their clients.
async fn open_a_managers_book(client: &Client) {
    click(client, "a[data-nav=managers]").await;
    wait_text(
        client,
        "[data-testid=manager-table] tbody tr td[data-count=clients]",
        |t| !t.is_empty(),
    )
    .await;
    assert!(
        inked_pixels(client, "manager-workload").await > 2_000,
        "workload chart blank"
    );
    let first = "[data-testid=manager-table] tbody tr:first-child";
    let clients = client
        .find(Locator::Css(&format!("{first} td[data-count=clients]")))
        .await
        .expect("clients cell")
        .text()
        .await
        .expect("text");
    let attrition = client
        .find(Locator::Css(&format!("{first} td[data-score=attrition]")))
        .await
        .expect("score cell")
        .text()
        .await
        .expect("text");
    let attrition: f64 = attrition.parse().expect("a mean score");
    assert!((0.0..=100.0).contains(&attrition), "{attrition}");
    click(client, &format!("{first} a[data-book]")).await;
    wait_text(client, "[data-testid=list-count]", |t| {
        t.contains(&format!(" {clients} "))
    })
    .await;
    click(client, "a[data-nav=overview]").await;
}

/// Opens every page, checks each chart on it is drawn and not blank, and saves a screenshot
/// named `<page>-<label>`.
async fn visit_every_page(client: &Client, label: &str) {
    for page in PAGES {
        click(client, &format!("a[data-nav={page}]")).await;
        wait_text(
            client,
            &format!("a[data-nav={page}][aria-current=page]"),
            |t| !t.is_empty(),
        )
        .await;
        let started = std::time::Instant::now();
        loop {
            let charts: Vec<String> = client
                .execute(
                    "return [...document.querySelectorAll('canvas[data-chart]')]
                       .filter(c => !(Number(c.dataset.hits) > 0))
                       .map(c => c.dataset.chart);",
                    vec![],
                )
                .await
                .ok()
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default();
            if charts.is_empty() {
                break;
            }
            assert!(
                started.elapsed().as_secs() < 20,
                "{page}: not drawn: {charts:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let charts: Vec<String> = client
            .execute(
                "return [...document.querySelectorAll('canvas[data-chart]')].map(c => c.dataset.chart);",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        for chart in charts {
            assert!(
                inked_pixels(client, &chart).await > 2_000,
                "{page}: {chart} is blank"
            );
        }
        screenshot(client, &format!("{page}-{label}")).await;
    }
}

/// The Overview printed (the browser's print, as `window.print()` uses) fits one A4 page, and
/// keeps its figures and charts.
async fn print_the_report(client: &Client) {
    use fantoccini::wd::{PrintConfiguration, PrintSize};
    wait_text(client, "[data-testid=print-report]", |t| !t.is_empty()).await;
    let config = PrintConfiguration::builder()
        .size(PrintSize::A4)
        .background(true)
        .shrink_to_fit(false)
        .build()
        .expect("print settings");
    let pdf = client.print(config).await.expect("print the overview");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::write(dir.join("overview-report.pdf"), &pdf).expect("save the report");
    assert!(pdf.starts_with(b"%PDF"));
    let text = String::from_utf8_lossy(&pdf);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    assert_eq!(pages, 1, "the report is one page");
    assert!(
        text.matches("/Subtype /Image").count() >= 3,
        "the charts are in it"
    );
}

/// Waits for the Overview's tier table to show `customers` in tier `key`.
async fn wait_tier_customers(client: &Client, key: &str, customers: usize) {
    let expected = count_text(customers);
    let css = format!("tr[data-tier={key}] td[data-count=customers]");
    wait_text(client, &css, |t| t == expected).await;
}

fn count_text(n: usize) -> String {
    keystone::format::count(n)
}

/// Deletes the dataset shown (all its snapshots) from the snapshot list: its group disappears,
/// and another dataset (or nothing) is shown.
async fn delete_the_shown_dataset(client: &Client) {
    click(client, "a[data-nav=data]").await;
    wait_text(client, "tr.dataset-row th", |t| !t.is_empty()).await;
    let datasets = count(client, "tr.dataset-row").await;
    let name = client
        .find(Locator::Css("tr.dataset-row"))
        .await
        .expect("a dataset group")
        .attr("data-dataset")
        .await
        .expect("attribute")
        .expect("dataset name");
    screenshot(client, "datasets").await;
    click(client, "[data-testid=delete-dataset]").await;
    client.accept_alert().await.expect("confirm deletion");
    for _ in 0..100 {
        if count(client, "tr.dataset-row").await == datasets - 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(count(client, "tr.dataset-row").await, datasets - 1);
    let css = format!("tr.dataset-row[data-dataset='{name}']");
    assert_eq!(count(client, &css).await, 0, "{name} is gone");
}

async fn select(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
}

/// Waits (up to 20 s) until `css` matches `n` elements.
async fn wait_count(client: &Client, css: &str, n: usize) {
    let started = std::time::Instant::now();
    loop {
        let found = count(client, css).await;
        if found == n {
            return;
        }
        assert!(
            started.elapsed().as_secs() < 20,
            "{css}: {found} elements, not {n}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Commits the validated import and waits for the Data page to show the new snapshot.
async fn commit_import(client: &Client, customers: &str) {
    click(client, "[data-testid=import-commit]").await;
    let css = "[data-testid=snapshot] dd[data-count=customers]";
    wait_text(client, css, |t| t == customers).await;
}

/// Appending a transactions file already held adds nothing: every row is a duplicate.
async fn append_the_same_period_again(client: &Client) {
    click(client, "a[data-nav=data]").await;
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/workload-s");
    let paths = upload_files(&source, "S", &["transactions.csv"]);
    pick_files(client, "[data-testid=import-files]", &paths).await;
    // Transactions alone are attached to the dataset shown: "Append" is ticked for them.
    wait_text(client, "[data-testid=import-attach]", |t| !t.is_empty()).await;
    click(client, "[data-testid=import-validate]").await;
    let row = "[data-testid=import-summary] tr[data-file='transactions.csv']";
    wait_text(client, &format!("{row} td:nth-child(6)"), |t| {
        t == "199,757"
    })
    .await;
    wait_text(client, &format!("{row} td[data-count=accepted]"), |t| {
        t == "0"
    })
    .await;
    wait_text(client, "[data-testid=import-caveat]", |t| !t.is_empty()).await;
    commit_import(client, "10,000").await;
    // The customer count read 10,000 before the commit too: wait for the second snapshot.
    wait_count(client, "[data-testid=snapshots] tr[data-snapshot]", 2).await;
    // Nothing new in the period: every customer stays in their tier, and AUM is unchanged.
    click(client, "a[data-nav=overview]").await;
    for (tier, customers) in ["49", "401", "3,903", "5,647"].iter().enumerate() {
        let css = format!("[data-testid=migration] td[data-from='{tier}'][data-to='{tier}']");
        wait_text(client, &css, |t| t.starts_with(customers)).await;
    }
    let moved = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=migration] td')]
               .filter(td => td.dataset.from !== td.dataset.to)
               .map(td => parseInt(td.firstChild.textContent.replace(/,/g, ''), 10))
               .reduce((a, b) => a + b, 0);",
            vec![],
        )
        .await
        .expect("read the matrix");
    assert_eq!(moved.as_u64(), Some(0), "nobody moved");
    wait_text(client, "[data-kpi=aum-change] .kpi-value", |t| t == "¥0.00").await;
    screenshot(client, "overview-migration").await;
}

/// A GBK export with bad rows: the report names each one; cancelling stores nothing.
async fn cancel_an_import_with_problems(client: &Client) {
    click(client, "a[data-nav=data]").await;
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import");
    let paths = upload_files(&source, "fixtures", &["customers_zh_gbk.csv"]);
    pick_files(client, "[data-testid=import-files]", &paths).await;
    wait_text(client, ".file-card .hint", |t| t.contains("GBK")).await;
    // Overriding the encoding reads the file again: as UTF-8 the Chinese headers are lost,
    // and with them any sign of what the file holds: it needs mapping, and Import waits …
    select(client, "[data-testid=import-encoding]", "UTF-8").await;
    wait_text(client, ".file-card .hint", |t| t.contains("UTF-8")).await;
    wait_text(client, "[data-testid=import-file-problem]", |t| {
        t.starts_with("需要映射")
    })
    .await;
    assert!(
        !browser::attribute(client, "[data-testid=import-validate]", "disabled")
            .await
            .is_empty()
    );
    // … and as GBK they come back, mapped again.
    select(client, "[data-testid=import-encoding]", "GBK/GB18030").await;
    wait_text(
        client,
        ".file-card [data-field=CustomerId] option:checked",
        |t| t == "客户号",
    )
    .await;
    // Save the mapping as a preset; the same headers later get it applied.
    type_text(client, "[data-testid=preset-name]", "GBK客户").await;
    click(client, "[data-testid=preset-save]").await;
    click(client, "[data-testid=import-validate]").await;
    // One row refused (a duplicate id); three optional cells left out of rows that were kept.
    let css = "[data-testid=import-summary] td[data-count=rejected]";
    wait_text(client, css, |t| t == "1").await;
    wait_text(
        client,
        "[data-testid=import-summary] td[data-count=warnings]",
        |t| t == "3",
    )
    .await;
    assert_eq!(
        count(client, "[data-testid=import-issues] td[data-kind=warning]").await,
        3
    );
    assert_eq!(
        count(client, "[data-testid=import-issues] tbody tr").await,
        4
    );
    wait_text(
        client,
        "[data-testid=import-issues] tbody tr td:nth-child(4)",
        |t| t == "1990-02-30",
    )
    .await;
    wait_text(
        client,
        "[data-testid=import-issues] tbody tr td:nth-child(5)",
        |t| t == "日历上没有这一天",
    )
    .await;
    screenshot(client, "import-issues").await;
    // Back from the report to the mapping: the file and its choices are still there, and it
    // validates again to the same report.
    click(client, "[data-testid=import-back]").await;
    wait_text(
        client,
        ".file-card [data-field=CustomerId] option:checked",
        |t| t == "客户号",
    )
    .await;
    click(client, "[data-testid=import-validate]").await;
    wait_text(client, css, |t| t == "1").await;
    click(client, "[data-testid=import-cancel]").await;
    assert_eq!(count(client, "[data-testid=import-summary]").await, 0);
    assert_eq!(
        count(client, "[data-testid=snapshots] tr[data-snapshot]").await,
        2
    );
    pick_files(client, "[data-testid=import-files]", &paths).await;
    wait_text(client, "[data-testid=preset-applied]", |t| {
        t.contains("GBK客户")
    })
    .await;
    click(client, ".actions button.secondary:last-child").await;

    // Holdings alone, picked while a dataset is shown: they are to be attached to its
    // customers, and the panel says so with "Append" ticked. A file dropped from the pick
    // leaves nothing to import.
    let holdings = upload_files(&source, "fixtures", &["holdings_wan.csv"]);
    pick_files(client, "[data-testid=import-files]", &holdings).await;
    wait_text(client, "[data-testid=import-attach]", |t| !t.is_empty()).await;
    let ticked = client
        .execute(
            "return document.querySelector('[data-testid=import-append]').checked;",
            vec![],
        )
        .await
        .expect("read the box");
    assert_eq!(
        ticked,
        serde_json::json!(true),
        "Append is ticked for holdings alone"
    );
    click(client, "[data-testid=import-remove-file]").await;
    let started = std::time::Instant::now();
    while count(client, ".file-card").await > 0 {
        assert!(started.elapsed().as_secs() < 10, "the dropped file stays");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    click(client, "a[data-nav=overview]").await;
    wait_text(client, "[data-kpi=customers] .kpi-value", |t| t == "10,000").await;
}

/// Imports the S workload through the file input, as a manager would, and checks the Overview
/// shows the workload's counts, also after a reload.
async fn import_workload_s(client: &Client) {
    click(client, "a[data-nav=data]").await;
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/workload-s");
    let paths = upload_files(
        &source,
        "S",
        &["customers.csv", "holdings.csv", "transactions.csv"],
    );
    pick_files(client, "[data-testid=import-files]", &paths).await;
    wait_text(client, "[data-testid=import-validate]", |t| !t.is_empty()).await;
    assert_eq!(count(client, ".file-card").await, 3);
    screenshot(client, "import-mapping").await;
    click(client, "[data-testid=import-validate]").await;
    for (file, accepted) in [
        ("customers.csv", "10,000"),
        ("holdings.csv", "35,070"),
        ("transactions.csv", "199,757"),
    ] {
        let css =
            format!("[data-testid=import-summary] tr[data-file='{file}'] td[data-count=accepted]");
        wait_text(client, &css, |t| t == accepted).await;
        let css =
            format!("[data-testid=import-summary] tr[data-file='{file}'] td[data-count=rejected]");
        wait_text(client, &css, |t| t == "0").await;
    }
    screenshot(client, "import-report").await;
    type_text(client, "[data-testid=import-name]", "S workload").await;
    commit_import(client, "10,000").await;
    // The catalogue records each source file's SHA-256, computed in the browser.
    let expected = {
        use sha2::{Digest, Sha256};
        let bytes = std::fs::read(&paths[2]).expect("transactions file");
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let hash_cell = "[data-testid=sources] tr[data-source='transactions.csv'] td.hash";
    wait_text(client, hash_cell, |t| t == expected).await;
    for _ in 0..2 {
        click(client, "a[data-nav=overview]").await;
        wait_text(client, "[data-kpi=customers] .kpi-value", |t| t == "10,000").await;
        for (tier, customers) in [
            ("private", "49"),
            ("wealth", "401"),
            ("affluent", "3,903"),
            ("mass", "5,647"),
        ] {
            let css = format!("tr[data-tier={tier}] td[data-count=customers]");
            wait_text(client, &css, |t| t == customers).await;
        }
        wait_text(client, "[data-testid=as-of]", |t| {
            t.contains("2026年6月30日")
        })
        .await;
        screenshot(client, "overview-workload-s").await;
        visit_every_page(client, "workload-s").await;
        click(client, "a[data-nav=overview]").await;
        // The import is stored: a reload shows it again without importing.
        client.refresh().await.expect("reload");
    }
    assert_no_egress(client).await;
}

/// A transactions file past the size worth a second worker is cut in two and read by two
/// workers: the report (counts and the lines of the refused rows) and the stored counts are
/// those of the native import of the same files.
async fn import_a_file_read_by_two_workers(client: &Client) {
    use keystone::import::{guessed_inputs, import, read_sheet, ImportRequest, MIN_CUT_BYTES};
    click(client, "a[data-nav=data]").await;
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/workload-s");
    let s = upload_files(&source, "S", &["customers.csv", "transactions.csv"]);
    // S's transactions twice, the second time under later ids (still ascending), with bad
    // amounts and unknown customers on both sides of any cut.
    let text = std::fs::read_to_string(&s[1]).expect("S transactions");
    let mut lines = text.lines();
    let mut doubled = vec![lines.next().expect("header").to_owned()];
    let rows: Vec<&str> = lines.collect();
    for round in 0..2 {
        for (i, line) in rows.iter().enumerate() {
            let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
            cells[0] = format!("T{round}{i:09}");
            if i % 20_000 == 7 {
                cells[3] = "12.3.4".into();
            }
            if i % 30_011 == 5 {
                cells[1] = "C99999999".into();
            }
            doubled.push(cells.join(","));
        }
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-data/two-workers");
    std::fs::create_dir_all(&out).expect("dir");
    let (customers, transactions) = (out.join("customers.csv"), out.join("transactions.csv"));
    std::fs::copy(&s[0], &customers).expect("copy customers");
    std::fs::write(&transactions, doubled.join("\n") + "\n").expect("write transactions");
    let size = std::fs::metadata(&transactions).expect("size").len();
    assert!(size > MIN_CUT_BYTES, "{size} bytes is too small to be cut");

    let named: Vec<(String, keystone::import::Sheet)> = [&customers, &transactions]
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(path).expect("read");
            (
                name.clone(),
                read_sheet(&name, &bytes, None).expect("sheet"),
            )
        })
        .collect();
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        / 86_400;
    let expected = import(&ImportRequest {
        files: guessed_inputs(&named),
        today: keystone::model::Day(days as i32),
        currency: Default::default(),
        base: None,
    });
    assert!(expected.report.rejected() > 10, "broken rows on both sides");

    pick_files(
        client,
        "[data-testid=import-files]",
        &[customers, transactions],
    )
    .await;
    wait_text(client, "[data-testid=import-validate]", |t| !t.is_empty()).await;
    click(client, "[data-testid=import-validate]").await;
    for file in &expected.report.files {
        let row = format!("[data-testid=import-summary] tr[data-file='{}']", file.file);
        for (cell, value) in [
            ("td:nth-child(3)", file.rows_read),
            ("td[data-count=accepted]", file.accepted),
            ("td[data-count=rejected]", file.rejected),
            ("td:nth-child(6)", file.deduplicated),
        ] {
            let expected = count_text(value);
            wait_text(client, &format!("{row} {cell}"), |t| t == expected).await;
        }
    }
    let workers = number_attribute(client, "[data-testid=import]", "data-workers").await;
    assert_eq!(
        workers, 2.0,
        "the transactions file was read by two workers"
    );
    let lines = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=import-issues] tbody tr')]
               .map(tr => tr.children[1].textContent);",
            vec![],
        )
        .await
        .expect("read the issues");
    let shown: Vec<&str> = lines
        .as_array()
        .expect("a list")
        .iter()
        .map(|line| line.as_str().unwrap_or_default())
        .collect();
    let native: Vec<String> = expected
        .report
        .issues
        .iter()
        .map(|issue| issue.line.to_string())
        .collect();
    assert_eq!(shown, native, "the refused rows' lines");
    commit_import(client, "10,000").await;
    let stored = count_text(expected.dataset.transactions().len());
    wait_text(
        client,
        "[data-testid=snapshot] dd[data-count=transactions]",
        |t| t == stored,
    )
    .await;
}

/// Every page in each language: the interface speaks that language alone (data such as names
/// and ids aside), every date is written the reader's way, nothing sticks out of its card at
/// 1366 px, and a full-page screenshot of each is kept for a person to look at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_speaks_one_language_and_fits_its_cards() {
    journey(async |client, home| {
        let customer = {
            client
                .goto(&format!("{home}?page=customers"))
                .await
                .expect("the list");
            wait_text(client, "[data-testid=page-position]", |t| t == "1 / 100").await;
            browser::attribute(
                client,
                "[data-testid=customer-table] tbody tr:first-child",
                "data-customer",
            )
            .await
        };
        let mut problems = Vec::new();
        for lang in ["zh", "en"] {
            if lang == "en" {
                click(client, "[data-testid=language-switch]").await;
                wait_text(client, "a[data-nav=overview]", |t| t == "Overview").await;
            }
            for page in [
                "overview",
                "customers",
                "customer",
                "segments",
                "relationship",
                "managers",
                "data",
                "settings",
            ] {
                let url = match page {
                    "customer" => format!("{home}?page=customer&id={customer}"),
                    _ => format!("{home}?page={page}"),
                };
                client.goto(&url).await.expect("open the page");
                let ready = match page {
                    "overview" => "canvas[data-chart=aum-trend][data-hits]",
                    "customers" => "[data-testid=customer-table] tbody tr",
                    "customer" => "canvas[data-chart=customer-trend][data-hits]",
                    "segments" => "canvas[data-chart=cluster-scatter][data-hits]",
                    "managers" => "canvas[data-chart=manager-workload][data-hits]",
                    "relationship" => "[data-testid=overdue-table] tbody tr",
                    "data" => "[data-testid=snapshot] dd",
                    _ => "[data-testid=tier-rules] tbody tr",
                };
                wait_text(client, ready, |_| true).await;
                if page == "settings" {
                    click(client, "[data-testid=performance-run]").await;
                    wait_text(client, "[data-testid=performance]", |t| t.contains("ms")).await;
                }
                if page == "data" {
                    // The import panel with a file read: its card, mapping and preview.
                    let source =
                        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import");
                    let paths = upload_files(&source, "fixtures", &["customers_zh_gbk.csv"]);
                    pick_files(client, "[data-testid=import-files]", &paths).await;
                    wait_text(client, ".file-card .hint", |t| t.contains("GBK")).await;
                    let _ = client
                        .execute(
                            "document.querySelectorAll('.file-card details').forEach(d => d.open = true);",
                            vec![],
                        )
                        .await;
                }
                tokio::time::sleep(std::time::Duration::from_millis(800)).await;
                let report = browser::interface_report(client).await;
                for slip in browser::language_slips(&report.texts, lang) {
                    problems.push(format!("{page} ({lang}): {slip}"));
                }
                for part in &report.overflowing {
                    problems.push(format!("{page} ({lang}): overflows its card: {part}"));
                }
                if report.page_width > 1366 {
                    problems.push(format!(
                        "{page} ({lang}): the page is {} px wide",
                        report.page_width
                    ));
                }
                browser::screenshot_page(client, &format!("page-{page}-{lang}")).await;
            }
        }
        problems.dedup();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        // The first stop of the keyboard skips the navigation to the page's content.
        let first_stop = client
            .execute(
                "document.activeElement.blur(); window.scrollTo(0, 0);
                 const links = [...document.querySelectorAll('a[href], button, input, select, [tabindex]')]
                     .filter(e => e.tabIndex >= 0);
                 return links[0].dataset.testid;",
                vec![],
            )
            .await
            .expect("the first stop");
        assert_eq!(first_stop, serde_json::json!("skip-link"));
        let focused = client
            .execute(
                "const skip = document.querySelector('[data-testid=skip-link]');
                 skip.focus(); skip.click(); return document.activeElement.id;",
                vec![],
            )
            .await
            .expect("focus");
        assert_eq!(focused, serde_json::json!("content"), "the skip link focuses the page");
    })
    .await;
}

/// A worker that dies at its first import message (as a panic or running out of memory kills
/// it mid-job), or whose wasm is damaged so it cannot start at all, ends the import with a
/// translated message and no progress bar left running, and the data shown stays as it was.
/// Opening with `?safe=1` (the page crash screen's second button) starts without the stored
/// data and says so; the next normal start shows it again. An analysis worker that dies
/// fails its page's job with a message, each time it is asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_dies_costs_the_import_not_the_data() {
    let Some(dist) = std::env::var_os("KEYSTONE_E2E_DIST").map(PathBuf::from) else {
        eprintln!("KEYSTONE_E2E_DIST is not set: end-to-end tests not run (use `make test`)");
        return;
    };
    let loader = std::fs::read_to_string(dist.join("keystone-worker-start.js")).expect("loader");
    // A worker that throws at the first message of one kind (`Import` or `Analysis`),
    // registered before the worker's own handler so that never sees it.
    let crashing = |kind: &str| {
        format!(
            "self.addEventListener('message', (event) => {{\n\
               if (typeof event.data?.json === 'string' && event.data.json.startsWith('{{\"{kind}\"')) {{\n\
                 event.stopImmediatePropagation();\n\
                 throw new Error('simulated crash');\n\
               }}\n\
             }});\n{loader}"
        )
        .into_bytes()
    };
    let wasm = std::fs::read(dist.join("keystone-worker_bg.wasm")).expect("worker wasm");
    let damaged = wasm[..wasm.len() / 2].to_vec();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import");
    let paths = upload_files(&source, "fixtures", &["customers_zh_gbk.csv"]);
    for (label, changed) in [
        ("crash", ("keystone-worker-start.js", crashing("Import"))),
        ("no start", ("keystone-worker_bg.wasm", damaged)),
    ] {
        let port = serve_dist_changed(dist.clone(), vec![changed]);
        let home = format!("http://127.0.0.1:{port}{SUB_PATH}");
        let (_driver, client, _profile) = start_browser().await;
        client.goto(&home).await.expect("open the app");
        wait_text(&client, "[data-kpi=customers] .kpi-value", |t| t == "5,000").await;
        click(&client, "a[data-nav=data]").await;
        // The Data page starts a spare worker as it opens; the manager picks a few seconds
        // later, by which time the spare has died (it takes a warm-up job, or cannot start).
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        pick_files(&client, "[data-testid=import-files]", &paths).await;
        let why = wait_text(&client, "[data-testid=import-error]", |t| !t.is_empty()).await;
        assert!(why.starts_with("导入进程意外停止"), "{label}: {why}");
        assert_eq!(
            count(&client, "[data-testid=import-progress]").await,
            0,
            "{label}"
        );
        screenshot(
            &client,
            &format!("worker-stopped-{}", label.replace(' ', "-")),
        )
        .await;
        click(&client, "a[data-nav=overview]").await;
        wait_text(&client, "[data-kpi=customers] .kpi-value", |t| t == "5,000").await;
        if label == "crash" {
            client
                .goto(&format!("{home}?safe=1"))
                .await
                .expect("open without data");
            click(&client, "a[data-nav=data]").await;
            wait_text(&client, "p.notice[role=status]", |t| {
                t.starts_with("本次未加载已保存的数据")
            })
            .await;
            click(&client, "a[data-nav=overview]").await;
            wait_text(&client, "[data-status=empty]", |t| !t.is_empty()).await;
            client.goto(&home).await.expect("open again");
            wait_text(&client, "[data-kpi=customers] .kpi-value", |t| t == "5,000").await;
        }
        assert_no_egress(&client).await;
        client.close().await.expect("close the browser");
    }
    // The analysis worker dies as it opens the snapshot: the Segments page says so, in the
    // page's language, and says so again on the next visit (a fresh worker, not a wait on
    // the dead one).
    let port = serve_dist_changed(
        dist.clone(),
        vec![("keystone-worker-start.js", crashing("Analysis"))],
    );
    let home = format!("http://127.0.0.1:{port}{SUB_PATH}");
    let (_driver, client, _profile) = start_browser().await;
    client.goto(&home).await.expect("open the app");
    wait_text(&client, "[data-kpi=customers] .kpi-value", |t| t == "5,000").await;
    for _visit in 0..2 {
        click(&client, "a[data-nav=segments]").await;
        let why = wait_text(
            &client,
            "[data-testid=segments-job][data-job=failed]",
            |t| !t.is_empty(),
        )
        .await;
        assert!(why.starts_with("后台计算失败"), "{why}");
        click(&client, "a[data-nav=overview]").await;
        wait_text(&client, "[data-kpi=customers] .kpi-value", |t| t == "5,000").await;
    }
    assert_no_egress(&client).await;
    client.close().await.expect("close the browser");
}

/// The model studio (#21): the UCI bank-marketing file imported through the page (declared a
/// customers file), its `y` chosen as the outcome with `yes` as the positive class, both models
/// trained in the worker: the AUCs match the command line's on the same file within 0.01, every
/// chart is drawn, the confusion matrix follows the threshold, and a feature left out and
/// trained again is reported as not ticked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_trains_and_validates_a_model_on_the_banks_own_outcome() {
    // The command line's report on the same file, read the way the page reads it.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-data/uci-cli");
    let uci = upload_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"),
        "uci-cli",
        &["uci-bank-full.csv"],
    );
    std::fs::write(
        dir.join("plan.json"),
        r#"{"keystone_plan": 1, "files": [{"file": "uci-bank-full.csv", "kind": "customers",
            "columns": {"age": "age", "job": "occupation", "balance": "deposit_balance"}},
            {"file": "plan.json", "skip": true}]}"#,
    )
    .expect("plan");
    let plan = dir.join("plan.json");
    let cli_auc = cli_train_aucs(&[
        dir.as_os_str(),
        "--plan".as_ref(),
        plan.as_os_str(),
        "--label".as_ref(),
        "y".as_ref(),
        "--positive".as_ref(),
        "yes".as_ref(),
    ]);
    journey(async |client, _| {
        click(client, "a[data-nav=data]").await;
        pick_files(client, "[data-testid=import-files]", &uci).await;
        let card = ".file-card[data-file='uci-bank-full.csv']";
        wait_text(client, "[data-testid=import-needs-mapping]", |t| {
            !t.is_empty()
        })
        .await;
        select(
            client,
            &format!("{card} [data-testid=import-entity]"),
            "customers",
        )
        .await;
        wait_count(client, "[data-testid=import-needs-mapping]", 0).await;
        // A pick without a recognised customers file starts with "Append" ticked (to attach it
        // to the shown customers); this one is a dataset of its own.
        validate_as_new_dataset(client, "uci-bank-full.csv", "45,211").await;
        type_text(client, "[data-testid=import-name]", "UCI").await;
        commit_import(client, "45,211").await;

        click(client, "a[data-nav=models]").await;
        select(client, "[data-testid=outcome-column]", "y").await;
        wait_text(
            client,
            "[data-testid=outcome-positive] option[value=yes]",
            |t| t.contains("5,289"),
        )
        .await;
        select(client, "[data-testid=outcome-positive]", "yes").await;
        // Cancel ends the training: no report, and Train works again.
        click(client, "[data-testid=train]").await;
        wait_text(client, "[data-testid=training-job]", |t| !t.is_empty()).await;
        click(client, "[data-testid=cancel-training]").await;
        wait_text(
            client,
            "[data-testid=training-job][data-job=cancelled]",
            |t| t.contains("已取消"),
        )
        .await;
        assert_eq!(count(client, "[data-testid=model-report]").await, 0);
        click(client, "[data-testid=train]").await;
        // Training shows its progress, then the report.
        wait_text(
            client,
            "[data-testid=training-job][data-job=running]",
            |t| !t.is_empty(),
        )
        .await;
        let started = std::time::Instant::now();
        while count(client, "[data-testid=model-report]").await == 0 {
            assert!(
                started.elapsed().as_secs() < 120,
                "no report after two minutes"
            );
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        report_matches_the_command_line(client, &cli_auc).await;
        // The outcome itself is left out, and says why.
        wait_text(
            client,
            "tr[data-feature=y] [data-testid=left-out-reason]",
            |t| t.contains("预测结果"),
        )
        .await;
        // A higher threshold calls fewer customers positive.
        let called = async |client: &Client| {
            let tp: u64 = number_in(client, "[data-testid=confusion] [data-cell=tp]").await;
            let fp: u64 = number_in(client, "[data-testid=confusion] [data-cell=fp]").await;
            tp + fp
        };
        let before = called(client).await;
        client
            .execute(
                "const r = document.querySelector('[data-testid=confusion-threshold]');
                 r.value = '80'; r.dispatchEvent(new Event('input', {bubbles: true}));",
                vec![],
            )
            .await
            .expect("move the threshold");
        let started = std::time::Instant::now();
        while called(client).await >= before {
            assert!(
                started.elapsed().as_secs() < 10,
                "the matrix did not follow the threshold"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        screenshot(client, "model-report").await;
        // Untick `duration` (known only after the call) and train again: it is not used.
        click(client, "tr[data-feature=duration] input[type=checkbox]").await;
        click(client, "[data-testid=train-again]").await;
        wait_text(
            client,
            "tr[data-feature=duration] [data-testid=left-out-reason]",
            |t| t.contains("未勾选"),
        )
        .await;
        let shown = wait_text(
            client,
            "tr[data-model=logistic] [data-testid=model-auc]",
            |t| !t.is_empty(),
        )
        .await;
        let auc: f64 = shown
            .split(' ')
            .next()
            .and_then(|a| a.parse().ok())
            .expect("an AUC");
        assert!((0.74..0.80).contains(&auc), "without duration: {auc}");

        // Apply the trees: every customer scored, the model stored with the snapshot.
        click(client, "tr[data-model=trees] [data-testid=apply-model]").await;
        wait_text(client, "[data-testid=model-applied]", |t| {
            t.contains("y = yes")
        })
        .await;
        // The list by model score, highest first; then narrowed to 50 and more.
        click(client, "[data-testid=model-list]").await;
        let top: f64 = number_in(client, "tbody tr:first-child td[data-score]").await;
        let second: f64 = number_in(client, "tbody tr:nth-child(2) td[data-score]").await;
        assert!(top >= second && top > 50.0, "{top} then {second}");
        let everyone: usize = browser::attribute(client, "[data-testid=list-count]", "data-count")
            .await
            .parse()
            .expect("count");
        assert_eq!(everyone, 45_211);
        let href = client.current_url().await.expect("url");
        client
            .goto(&format!("{href}&smin=50"))
            .await
            .expect("narrow the list");
        // A new page load: the data and the stored model are read again first.
        let started = std::time::Instant::now();
        loop {
            let n = client
                .execute(
                    "const e = document.querySelector('[data-testid=list-count]');
                     return e ? Number(e.dataset.count) : -1;",
                    vec![],
                )
                .await
                .expect("count")
                .as_i64()
                .unwrap_or(-1);
            if n > 0 && (n as usize) < everyone {
                break;
            }
            if started.elapsed().as_secs() >= 30 {
                screenshot(client, "model-list-filter").await;
                panic!("the filter did not narrow the list: {n}");
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        screenshot(client, "model-list").await;
        // The first one's profile explains the score; credit risk stays rule-based (y is a
        // campaign response, not a default).
        click(client, "tbody tr:first-child a[data-customer-link]").await;
        wait_text(client, "[data-testid=model-probability]", |t| {
            t.contains("y = yes")
        })
        .await;
        assert!(inked_pixels(client, "customer-model-contributions").await > 2_000);
        wait_text(client, "[data-testid=credit-risk-source]", |t| {
            t.contains("基于规则")
        })
        .await;
        screenshot(client, "model-on-360").await;
        // Stored with the snapshot: a reload shows it again.
        client.refresh().await.expect("reload");
        wait_text(client, "[data-testid=model-probability]", |t| {
            t.contains("y = yes")
        })
        .await;
        assert_no_egress(client).await;
    })
    .await;
}

/// Validates the picked files as a dataset of their own ("Append" unticked) and waits until
/// `file` shows `accepted` rows.
async fn validate_as_new_dataset(client: &Client, file: &str, accepted: &str) {
    client
        .execute(
            "const box = document.querySelector('[data-testid=import-append]');
             if (box && box.checked) box.click();",
            vec![],
        )
        .await
        .expect("untick Append");
    click(client, "[data-testid=import-validate]").await;
    let css =
        format!("[data-testid=import-summary] tr[data-file='{file}'] td[data-count=accepted]");
    wait_text(client, &css, |t| t == accepted).await;
}

/// The number shown at `css`, once something is.
async fn number_in<T: std::str::FromStr>(client: &Client, css: &str) -> T {
    let shown = wait_text(client, css, |t| !t.is_empty()).await;
    shown
        .parse()
        .unwrap_or_else(|_| panic!("{css}: {shown:?} is not a number"))
}

/// `keystone-cli train` with `args`: the logistic and trees AUCs it prints.
fn cli_train_aucs(args: &[&std::ffi::OsStr]) -> Vec<f64> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_keystone-cli"))
        .arg("train")
        .args(args)
        .output()
        .expect("run keystone-cli");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cli: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    (0..2)
        .map(|m| cli["models"][m]["auc"].as_f64().expect("auc"))
        .collect()
}

/// The Models page's report: both AUCs within 0.01 of the command line's, every chart drawn.
async fn report_matches_the_command_line(client: &Client, cli_auc: &[f64]) {
    for (m, key) in ["logistic", "trees"].into_iter().enumerate() {
        let shown = wait_text(
            client,
            &format!("tr[data-model={key}] [data-testid=model-auc]"),
            |t| !t.is_empty(),
        )
        .await;
        let auc: f64 = shown
            .split(' ')
            .next()
            .and_then(|a| a.parse().ok())
            .expect("an AUC");
        assert!(
            (auc - cli_auc[m]).abs() <= 0.01,
            "{key}: page {auc}, command line {}",
            cli_auc[m]
        );
    }
    for chart in [
        "model-roc",
        "model-gains",
        "model-calibration",
        "model-importance",
    ] {
        assert!(
            inked_pixels(client, chart).await > 2_000,
            "{chart} is drawn"
        );
    }
}

/// Two quarterly exports of one branch imported as snapshots of the same book; on the Models
/// page, "who left" since the earlier quarter is learned from the earlier quarter's customers
/// (AUCs as the command line's on the same folders), applied to the later quarter's, listed by
/// score and explained on a profile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_learns_who_left_between_two_quarters_and_scores_the_latest() {
    let quarters = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/models/quarters");
    let (q2, q3) = (quarters.join("2026Q2"), quarters.join("2026Q3"));
    let cli_auc = cli_train_aucs(&[
        q3.as_os_str(),
        "--earlier".as_ref(),
        q2.as_os_str(),
        "--outcome".as_ref(),
        "left:50".as_ref(),
    ]);
    journey(async |client, _| {
        for (quarter, customers) in [("2026Q2", "1,200"), ("2026Q3", "1,161")] {
            click(client, "a[data-nav=data]").await;
            let files = upload_files(
                &quarters.join(quarter),
                quarter,
                &["customers.csv", "holdings.csv"],
            );
            pick_files(client, "[data-testid=import-files]", &files).await;
            validate_as_new_dataset(client, "customers.csv", customers).await;
            // The name field keeps the last name typed: both quarters are one book, "分行".
            client
                .execute(
                    "const name = document.querySelector('[data-testid=import-name]');
                     name.value = ''; name.dispatchEvent(new Event('input', {bubbles: true}));",
                    vec![],
                )
                .await
                .expect("clear the name");
            type_text(client, "[data-testid=import-name]", "分行").await;
            commit_import(client, customers).await;
        }
        click(client, "a[data-nav=models]").await;
        // The book's earlier snapshots are read from storage: the choice comes when they are.
        wait_count(
            client,
            "[data-testid=outcome-source] option[value=derived]",
            1,
        )
        .await;
        select(client, "[data-testid=outcome-source]", "derived").await;
        wait_text(client, "[data-testid=outcome-earlier] option", |t| {
            t.contains("2026-06-30")
        })
        .await;
        select(client, "[data-testid=outcome-derived]", "left").await;
        click(client, "[data-testid=train]").await;
        let started = std::time::Instant::now();
        while count(client, "[data-testid=model-report]").await == 0 {
            if let Ok(failed) = client.find(Locator::Css("[data-job=failed]")).await {
                panic!(
                    "training failed: {}",
                    failed.text().await.unwrap_or_default()
                );
            }
            assert!(started.elapsed().as_secs() < 60, "no report after a minute");
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        // Learned on the earlier quarter's 1,200 customers.
        wait_text(client, "[data-testid=model-summary]", |t| {
            t.contains("1,200")
        })
        .await;
        report_matches_the_command_line(client, &cli_auc).await;
        screenshot(client, "model-derived").await;
        click(client, "tr[data-model=logistic] [data-testid=apply-model]").await;
        wait_text(client, "[data-testid=model-applied]", |t| {
            t.contains("流失") && t.contains("2026-06-30")
        })
        .await;
        // Every customer of the later quarter is scored.
        click(client, "[data-testid=model-list]").await;
        let started = std::time::Instant::now();
        loop {
            let shown = attribute(client, "[data-testid=list-count]", "data-count").await;
            if shown == "1161" {
                break;
            }
            assert!(started.elapsed().as_secs() < 20, "list count {shown}");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let top: f64 = number_in(client, "tbody tr:first-child td[data-score]").await;
        assert!(top > 50.0, "the likeliest to leave: {top}");
        click(client, "tbody tr:first-child a[data-customer-link]").await;
        wait_text(client, "[data-testid=model-probability]", |t| {
            t.contains("流失")
        })
        .await;
        assert!(inked_pixels(client, "customer-model-contributions").await > 2_000);
        assert_no_egress(client).await;
    })
    .await;
}

/// The day `days` from the machine's today, as `YYYY-MM-DD` (the app works on the same clock).
fn day_from_today(days: i32) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs() as i64;
    // The browser's local day; these machines run on UTC.
    let day = keystone::model::Day((now / 86_400) as i32).plus_days(days);
    let (y, m, d) = day.ymd().expect("a date");
    format!("{y:04}-{m:02}-{d:02}")
}

/// Sets an input's value as a user's typing would, for inputs (dates) whose keyboard format
/// depends on the browser's locale.
async fn set_value(client: &Client, css: &str, value: &str) {
    client
        .execute(
            "const input = document.querySelector(arguments[0]);
             input.value = arguments[1];
             input.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![css.into(), value.into()],
        )
        .await
        .unwrap_or_else(|e| panic!("set {css}: {e}"));
}

/// Clicks `css` and returns the text of the file it offers for download.
async fn download_text(client: &Client, css: &str) -> String {
    client
        .execute(
            "window.__exported = null;
             const create = URL.createObjectURL;
             URL.createObjectURL = (blob) => { window.__exported = blob; return create.call(URL, blob); };",
            vec![],
        )
        .await
        .expect("watch downloads");
    click(client, css).await;
    let text = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const wait = () => window.__exported ? window.__exported.text().then(done) : setTimeout(wait, 50);
             wait();",
            vec![],
        )
        .await
        .expect("read the download");
    text.as_str()
        .unwrap_or_default()
        .trim_start_matches('\u{feff}')
        .to_owned()
}

/// Waits (up to 20 s) until the text of `css` reads as a number satisfying `check`.
async fn wait_number(client: &Client, css: &str, check: impl Fn(f64) -> bool) -> f64 {
    let text = wait_text(client, css, |t| {
        t.replace(',', "").trim().parse::<f64>().is_ok_and(&check)
    })
    .await;
    text.replace(',', "").trim().parse().expect("a number")
}

/// Deletes all data, loads the demo again and opens the Relationship page on an empty journal.
async fn start_again_with_the_demo(client: &Client) {
    click(client, "a[data-nav=data]").await;
    click(client, "[data-testid=delete-all]").await;
    client.accept_alert().await.expect("confirm deletion");
    wait_text(client, "[data-status=empty]", |t| !t.is_empty()).await;
    click(client, "[data-testid=load-demo]").await;
    click(client, "a[data-nav=overview]").await;
    wait_text(client, "[data-kpi=customers] .kpi-value", |t| t == "5,000").await;
    click(client, "a[data-nav=relationship]").await;
    wait_text(client, "[data-testid=journal-count]", |t| t == "0").await;
}

/// The relationship page's state a hand-over must keep: the journal's size, who is overdue,
/// the overall NPS and every manager's book.
async fn workbench_state(client: &Client) -> (String, String, String, Vec<String>) {
    click(client, "a[data-nav=relationship]").await;
    let journal = wait_text(client, "[data-testid=journal-count]", |t| !t.is_empty()).await;
    let overdue = wait_text(client, "[data-testid=my-overdue-count]", |t| !t.is_empty()).await;
    let nps = wait_text(client, "tr[data-nps=all] [data-nps-score]", |t| {
        !t.is_empty()
    })
    .await;
    click(client, "a[data-nav=managers]").await;
    wait_text(client, "[data-testid=manager-table] tbody tr", |t| {
        !t.is_empty()
    })
    .await;
    let books = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=manager-table] tbody tr')]
                 .map(r => r.dataset.manager + ':' + r.querySelector('[data-count=clients]').textContent);",
            vec![],
        )
        .await
        .expect("books");
    let mut books: Vec<String> = books
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    books.sort();
    (journal, overdue, nps, books)
}

/// A manager's week in the workbench: sign in Settings, visit the most valuable overdue key
/// account (it leaves the overdue list, coverage rises, the next step becomes a follow-up),
/// reload, record a detractor's score (NPS moves, a follow-up appears), hold an event for a
/// tier and take its calendar file, accept the balancing proposal (the books move), then hand
/// the journal over: export it, delete everything, load the data again, import the journal,
/// and find the same state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_runs_a_week_of_client_work_and_hands_it_over_as_a_journal() {
    journey(async |client, home| {
        // Signed in as RM0001.
        click(client, "a[data-nav=settings]").await;
        type_text(client, "[data-testid=author-name]", "王经理").await;
        type_text(client, "[data-testid=author-key]", "RM0001").await;
        click(client, "[data-testid=save-author]").await;

        click(client, "a[data-nav=managers]").await;
        let covered_css = "tr[data-coverage=RM0001] td:nth-child(4)";
        let covered_before = wait_number(client, covered_css, |_| true).await;
        assert!(inked_pixels(client, "coverage-chart").await > 500);

        click(client, "a[data-nav=relationship]").await;
        wait_text(client, "[data-testid=author]", |t| t.contains("RM0001")).await;
        let overdue_before =
            wait_number(client, "[data-testid=my-overdue-count]", |n| n > 0.0).await;
        screenshot(client, "relationship-zh").await;
        click(client, "[data-testid=sort-aum]").await;
        let first = "[data-testid=overdue-table] tbody tr:first-child";
        let tier = wait_text(client, &format!("{first} td:nth-child(3)"), |t| {
            !t.is_empty()
        })
        .await;
        assert!(
            tier == "私行" || tier == "财富",
            "the largest overdue is a key account: {tier}"
        );
        let visited = attribute(client, first, "data-customer-row").await;
        click(client, &format!("{first} a[data-customer]")).await;

        // The visit, with a next step due in three days.
        wait_count(client, "[data-testid=contact-form]", 1).await;
        type_text(client, "[data-testid=contact-note]", "到府拜访，谈资产配置").await;
        type_text(client, "[data-testid=next-step]", "送资产配置方案").await;
        set_value(client, "[data-testid=next-step-due]", &day_from_today(3)).await;
        click(client, "[data-testid=log-contact]").await;
        wait_text(
            client,
            "[data-testid=customer-interactions] tbody tr:first-child",
            |t| t.contains("到府拜访") && t.contains("送资产配置方案"),
        )
        .await;
        screenshot(client, "customer-contacts").await;

        click(client, "a[data-nav=relationship]").await;
        wait_number(client, "[data-testid=my-overdue-count]", |n| {
            n == overdue_before - 1.0
        })
        .await;
        let row = format!("[data-testid=overdue-table] tr[data-customer-row='{visited}']");
        assert_eq!(
            count(client, &row).await,
            0,
            "{visited} left the overdue list"
        );
        wait_text(client, "[data-testid=my-tasks]", |t| {
            t.contains("送资产配置方案")
        })
        .await;
        click(client, "a[data-nav=managers]").await;
        wait_number(client, covered_css, |n| n == covered_before + 1.0).await;

        // A reload keeps it.
        client.refresh().await.expect("reload");
        click(client, "a[data-nav=relationship]").await;
        wait_text(client, "[data-testid=journal-count]", |t| t == "1").await;
        wait_number(client, "[data-testid=my-overdue-count]", |n| {
            n == overdue_before - 1.0
        })
        .await;

        // Two records before the first is stored (two alerts acknowledged in one go): each
        // gets its own sequence number, and both read back after a reload.
        let acks = "[data-testid=alert-table] [data-testid=alert-ack]";
        assert!(count(client, acks).await >= 2, "two alerts to acknowledge");
        client
            .execute(
                &format!(
                    "const b = document.querySelectorAll('{acks}'); b[0].click(); b[1].click();"
                ),
                vec![],
            )
            .await
            .expect("two clicks");
        wait_text(client, "[data-testid=journal-count]", |t| t == "3").await;
        client.refresh().await.expect("reload");
        click(client, "a[data-nav=relationship]").await;
        wait_text(client, "[data-testid=journal-count]", |t| t == "3").await;

        // A detractor: NPS moves and a follow-up appears in my day.
        let nps_css = "tr[data-nps=all] [data-nps-score]";
        let nps_before = wait_number(client, nps_css, |_| true).await;
        let second = attribute(
            client,
            "[data-testid=overdue-table] tbody tr:first-child",
            "data-customer-row",
        )
        .await;
        click(
            client,
            "[data-testid=overdue-table] tbody tr:first-child a[data-customer]",
        )
        .await;
        type_text(client, "[data-testid=survey-score]", "3").await;
        type_text(client, "[data-testid=survey-comment]", "理财收益不及预期").await;
        click(client, "[data-testid=record-survey]").await;
        wait_text(client, "[data-testid=customer-feedback]", |t| {
            t.contains("理财收益不及预期")
        })
        .await;
        click(client, "a[data-nav=relationship]").await;
        wait_number(client, nps_css, |n| n < nps_before).await;
        wait_count(
            client,
            &format!("[data-testid=my-tasks] li[data-task^='detractor:{second}:']"),
            1,
        )
        .await;

        // An event for the private-banking tier, and its calendar file.
        let event_day = day_from_today(10);
        type_text(client, "[data-testid=event-name]", "财富沙龙：资产配置").await;
        set_value(
            client,
            "[data-testid=event-starts]",
            &format!("{event_day}T14:30"),
        )
        .await;
        type_text(client, "[data-testid=event-place]", "城东支行, 贵宾室").await;
        click(client, "[data-testid=create-event]").await;
        wait_count(client, "[data-event-card]", 1).await;
        select(client, "[data-testid=invite-tier]", "0").await;
        click(client, "[data-testid=invite]").await;
        let private = expected_demo().0[0].1.replace(',', "");
        wait_text(client, "[data-testid=invited-count]", |t| t == private).await;
        wait_count(client, "[data-testid=my-events] li", 1).await;
        let ics = download_text(client, "[data-testid=download-ics]").await;
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
        assert!(
            ics.contains(&format!(
                "DTSTART:{}T143000\r\n",
                event_day.replace('-', "")
            )),
            "{ics}"
        );
        assert!(ics.contains("SUMMARY:财富沙龙：资产配置\r\n"), "{ics}");
        assert!(ics.contains("LOCATION:城东支行\\, 贵宾室\r\n"), "{ics}");
        let invitations = download_text(client, "[data-testid=download-invitations]").await;
        assert_eq!(
            invitations.lines().count(),
            1 + private.parse::<usize>().expect("count")
        );

        // The invitations as a workbook too (a zip: Excel's container).
        let workbook = download_text(client, "[data-testid=download-invitations-xlsx]").await;
        assert!(workbook.starts_with("PK"), "an xlsx file");

        // The balancing proposal, accepted: the books move, and nothing is left to balance.
        let (_, _, _, books_before) = workbench_state(client).await;
        click(client, "a[data-nav=relationship]").await;
        let moves = wait_number(client, "[data-testid=balance-moves]", |n| n > 0.0).await;
        click(client, "[data-testid=accept-balance]").await;
        wait_count(client, "[data-testid=balance-none]", 1).await;
        let after = workbench_state(client).await;
        assert_ne!(after.3, books_before, "the books moved");
        assert_eq!(
            after.0,
            // The visit, two acknowledgements, the answer and the event, the invitations, the
            // moves.
            (5 + private.parse::<usize>().expect("n") + moves as usize).to_string()
        );
        screenshot(client, "managers-after-balance").await;

        // Hand-over: export, delete all, load the data again, import the journal.
        click(client, "a[data-nav=relationship]").await;
        let journal = download_text(client, "[data-testid=export-journal]").await;
        assert!(journal.starts_with("KEYSTONE-JOURNAL 1\n"));
        start_again_with_the_demo(client).await;
        let file =
            std::env::temp_dir().join(format!("keystone-e2e-{}.journal", std::process::id()));
        std::fs::write(&file, &journal).expect("write the journal");
        pick_files(client, "[data-testid=import-journal]", &[file]).await;
        wait_text(client, "[data-testid=journal-count]", |t| t == after.0).await;
        assert_eq!(workbench_state(client).await, after);

        // The hand-over carried the event.
        click(client, "a[data-nav=relationship]").await;
        wait_count(client, "[data-event-card]", 1).await;

        // Any customer list: the wealth tier from the Customers page invited to the event…
        let event_id = attribute(client, "[data-event-card]", "data-event-card").await;
        let wealth = expected_demo().0[1].1.replace(',', "");
        client
            .goto(&format!("{home}?page=customers&tier=wealth"))
            .await
            .expect("the wealth list");
        wait_text(client, "[data-testid=list-count]", |_| true).await;
        assert_eq!(
            attribute(client, "[data-testid=list-count]", "data-count").await,
            wealth
        );
        wait_count(
            client,
            &format!("[data-testid=list-event] option[value='{event_id}']"),
            1,
        )
        .await;
        select(client, "[data-testid=list-event]", &event_id).await;
        screenshot(client, "customers-list-actions-zh").await;
        click(client, "[data-testid=invite-list]").await;
        click(client, "a[data-nav=relationship]").await;
        let invited = private.parse::<usize>().expect("n") + wealth.parse::<usize>().expect("n");
        wait_text(client, "[data-testid=invited-count]", |t| {
            t == invited.to_string()
        })
        .await;
        // …and RM0002's wealth clients handed to RM0001 in one go.
        let (journal_before, _, _, books_before) = workbench_state(client).await;
        let book = |books: &[String], rm: &str| -> usize {
            books
                .iter()
                .find_map(|b| b.strip_prefix(&format!("{rm}:")))
                .and_then(|n| n.replace(',', "").parse().ok())
                .unwrap_or_else(|| panic!("{rm} in {books:?}"))
        };
        client
            .goto(&format!("{home}?page=customers&tier=wealth&rm=RM0002"))
            .await
            .expect("RM0002's wealth clients");
        wait_text(client, "[data-testid=list-count]", |_| true).await;
        let handed: usize = attribute(client, "[data-testid=list-count]", "data-count")
            .await
            .parse()
            .expect("a count");
        assert!(handed > 0);
        select(client, "[data-testid=list-manager]", "0").await;
        click(client, "[data-testid=assign-list]").await;
        wait_count(client, "[data-testid=list-count][data-count='0']", 1).await;
        let (journal_after, _, _, books_after) = workbench_state(client).await;
        assert_eq!(
            journal_after.parse::<usize>().expect("n"),
            journal_before.parse::<usize>().expect("n") + handed
        );
        assert_eq!(
            book(&books_after, "RM0001"),
            book(&books_before, "RM0001") + handed
        );
        assert_eq!(
            book(&books_after, "RM0002"),
            book(&books_before, "RM0002") - handed
        );

        // Balance weights: no points for private banking changes the proposal.
        click(client, "a[data-nav=relationship]").await;
        let weights_before =
            wait_text(client, "[data-testid=balance-table]", |t| !t.is_empty()).await;
        set_value(client, "[data-testid=tier-points]", "0").await;
        click(client, "[data-testid=save-weights]").await;
        wait_text(client, "[data-testid=balance-table]", |t| {
            t != weights_before
        })
        .await;
        assert!(inked_pixels(client, "nps-chart").await > 500);

        // Started again after deleting everything: a record made then takes sequence numbers
        // the old file does not hold, so the old file still merges (the same id with other
        // contents would refuse it).
        let journal = download_text(client, "[data-testid=export-journal]").await;
        let exported = wait_text(client, "[data-testid=journal-count]", |t| !t.is_empty())
            .await
            .parse::<usize>()
            .expect("a count");
        start_again_with_the_demo(client).await;
        // A new visit: nothing of the page before the deletion is remembered in memory.
        client.refresh().await.expect("reload");
        wait_text(client, "[data-testid=journal-count]", |t| t == "0").await;
        wait_text(client, "[data-testid=alert-table] tbody tr", |_| true).await;
        click(
            client,
            "[data-testid=alert-table] tbody tr:first-child [data-testid=alert-ack]",
        )
        .await;
        wait_text(client, "[data-testid=journal-count]", |t| t == "1").await;
        let file =
            std::env::temp_dir().join(format!("keystone-e2e-{}-again.journal", std::process::id()));
        std::fs::write(&file, &journal).expect("write the journal");
        pick_files(
            client,
            "[data-testid=import-journal]",
            std::slice::from_ref(&file),
        )
        .await;
        let _ = std::fs::remove_file(&file);
        let merged = (exported + 1).to_string();
        wait_text(client, "[data-testid=journal-count]", |t| t == merged).await;

        // Every new view in English too.
        click(client, "[data-testid=language-switch]").await;
        click(client, "a[data-nav=relationship]").await;
        wait_text(client, "main h1", |t| t == "Relationship").await;
        assert_eq!(
            count(client, "[data-testid=notice]").await,
            0,
            "a notice raised in Chinese goes with it"
        );
        screenshot(client, "relationship-en").await;
        let _ = home;
    })
    .await;
}
