//! End-to-end: the built `dist/` served under a sub-path, driven in headless Chromium through
//! chromedriver, the way a relationship manager uses it.
//!
//! Runs when `KEYSTONE_E2E_DIST` names the built `dist/` (the Makefile's `make test` sets it after
//! `trunk build --release`); without it the test says so and does nothing.

#![cfg(not(target_arch = "wasm32"))]

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SUB_PATH: &str = "/keystone/";
const PATIENCE: Duration = Duration::from_secs(60);
const PAGES: [&str; 6] = [
    "overview",
    "customers",
    "segments",
    "managers",
    "data",
    "settings",
];

/// Serves `dist/` under [`SUB_PATH`] on a loopback port, from a background thread.
fn serve_dist(dist: PathBuf) -> u16 {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind loopback");
    let port = server.server_addr().to_ip().expect("ip address").port();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let path = request.url().split('?').next().unwrap_or("").to_owned();
            let file = path
                .strip_prefix(SUB_PATH)
                .map(|rest| if rest.is_empty() { "index.html" } else { rest })
                .filter(|rest| !rest.contains(".."))
                .map(|rest| dist.join(rest));
            let response = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
                Some((file, bytes)) => {
                    let header =
                        tiny_http::Header::from_bytes("Content-Type", mime(&file)).expect("header");
                    tiny_http::Response::from_data(bytes).with_header(header)
                }
                None => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
            };
            let _ = request.respond(response);
        }
    });
    port
}

fn mime(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

struct Chromedriver(Child);

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

async fn start_browser() -> (Chromedriver, Client, tempdir::Dir) {
    let port = free_port();
    let driver =
        Command::new(std::env::var("CHROMEDRIVER").unwrap_or("/usr/bin/chromedriver".into()))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver (make test installs it)");
    let driver = Chromedriver(driver);
    let profile = tempdir::Dir::new();
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1366,768", "--lang=zh-CN",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": { "intl.accept_languages": "zh-CN,zh" }
        }
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!("a JSON object literal")
    };
    let started = Instant::now();
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return (driver, client, profile),
            Err(error) if started.elapsed() > Duration::from_secs(20) => {
                panic!("chromedriver did not start a session: {error}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// A fresh, empty directory removed on drop (the browser profile).
mod tempdir {
    use std::path::{Path, PathBuf};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Dir {
            let path = std::env::temp_dir().join(format!(
                "keystone-e2e-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0)
            ));
            std::fs::create_dir_all(&path).expect("create profile dir");
            Dir(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Waits until the element's text satisfies `check`, returning the text.
async fn wait_text(client: &Client, css: &str, check: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    let mut last = String::new();
    while started.elapsed() < PATIENCE {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            if let Ok(text) = element.text().await {
                if check(&text) {
                    return text;
                }
                last = text;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}: text never became right; last seen {last:?}");
}

async fn count(client: &Client, css: &str) -> usize {
    client
        .find_all(Locator::Css(css))
        .await
        .map(|all| all.len())
        .unwrap_or(0)
}

async fn click(client: &Client, css: &str) {
    // After a reload the app needs a moment to mount: wait for the element, then click it.
    let started = Instant::now();
    loop {
        match client.find(Locator::Css(css)).await {
            Ok(element) => match element.click().await {
                Ok(()) => return,
                Err(error) if started.elapsed() > PATIENCE => panic!("click {css}: {error}"),
                Err(_) => {}
            },
            Err(error) if started.elapsed() > PATIENCE => panic!("{css}: {error}"),
            Err(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn screenshot(client: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

/// Fails when the page has fetched anything from another origin.
async fn assert_no_egress(client: &Client) {
    let foreign = client
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name)
                .filter(n => !n.startsWith(location.origin + '/'));",
            vec![],
        )
        .await
        .expect("read resource timings");
    assert_eq!(foreign, json!([]), "requests left the page's origin");
}

/// Non-white pixels on a chart canvas.
async fn inked_pixels(client: &Client, chart: &str) -> u64 {
    let script = format!(
        "const c = document.querySelector('canvas[data-chart=\"{chart}\"]');
         if (!c) return 0;
         const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
         let n = 0;
         for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i+1] < 240 || d[i+2] < 240) n++;
         return n;"
    );
    let value = client.execute(&script, vec![]).await.expect("read canvas");
    value.as_u64().unwrap_or(0)
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_walks_through_the_app() {
    let Some(dist) = std::env::var_os("KEYSTONE_E2E_DIST").map(PathBuf::from) else {
        eprintln!("KEYSTONE_E2E_DIST is not set: end-to-end test not run (use `make test`)");
        return;
    };
    assert!(
        dist.join("index.html").exists(),
        "{} has no index.html",
        dist.display()
    );
    let port = serve_dist(dist);
    let (_driver, client, _profile) = start_browser().await;
    let home = format!("http://127.0.0.1:{port}{SUB_PATH}");
    client.goto(&home).await.expect("open the app");

    // First visit: the demo is generated, stored, and the dashboard shows it, in Chinese.
    wait_text(&client, "[data-kpi=customers] .kpi-value", |t| t == "5,000").await;
    wait_text(&client, "a[data-nav=overview]", |t| t == "总览").await;
    let (tiers, unassigned) = expected_demo();
    assert_eq!(tiers.len(), 4);
    for (key, customers) in &tiers {
        let css = format!("tr[data-tier={key}] td[data-count=customers]");
        let expected = with_thousands(customers);
        wait_text(&client, &css, |t| t == expected).await;
    }
    assert!(
        inked_pixels(&client, "tier-bars").await > 2_000,
        "the tier chart is blank"
    );
    screenshot(&client, "overview-zh").await;

    // Language switch: English labels, then Chinese again; the choice survives a reload.
    click(&client, "[data-testid=language-switch]").await;
    wait_text(&client, "a[data-nav=overview]", |t| t == "Overview").await;
    wait_text(&client, "[data-kpi=customers] .kpi-label", |t| {
        t == "Customers"
    })
    .await;
    screenshot(&client, "overview-en").await;
    assert_no_egress(&client).await;
    client.refresh().await.expect("reload");
    wait_text(&client, "a[data-nav=customers]", |t| t == "Customers").await;
    click(&client, "[data-testid=language-switch]").await;
    wait_text(&client, "a[data-nav=overview]", |t| t == "总览").await;

    // Every navigation entry opens its page with real data.
    for page in PAGES {
        click(&client, &format!("a[data-nav={page}]")).await;
        wait_text(
            &client,
            &format!("a[data-nav={page}][aria-current=page]"),
            |t| !t.is_empty(),
        )
        .await;
        let url = client.current_url().await.expect("url");
        assert!(url.path().starts_with(SUB_PATH), "left the sub-path: {url}");
        match page {
            "overview" => {
                wait_text(&client, "[data-kpi=customers] .kpi-value", |t| t == "5,000").await;
            }
            "customers" => {
                wait_text(&client, "[data-testid=page-position]", |t| t == "1 / 100").await;
                assert_eq!(
                    count(&client, "[data-testid=customer-table] tbody tr").await,
                    50
                );
                // Sorted by AUM, largest first: the first row is a private-banking client.
                wait_text(
                    &client,
                    "[data-testid=customer-table] tbody tr td:nth-child(4)",
                    |t| t == "私行",
                )
                .await;
                click(&client, "a[data-sort=id]").await;
                wait_text(&client, "[data-testid=customer-table] tbody tr td", |t| {
                    t == "D00005000"
                })
                .await;
                click(&client, "a[data-sort=id]").await;
                wait_text(&client, "[data-testid=customer-table] tbody tr td", |t| {
                    t == "D00000001"
                })
                .await;
                click(&client, "[data-testid=page-next]").await;
                wait_text(&client, "[data-testid=customer-table] tbody tr td", |t| {
                    t == "D00000051"
                })
                .await;
            }
            "segments" => {
                wait_text(&client, "[data-testid=product-mix] tbody tr th", |t| {
                    t == "私行"
                })
                .await;
                assert_eq!(
                    count(&client, "[data-testid=product-mix] tbody tr").await,
                    4
                );
                assert_eq!(
                    count(&client, "[data-testid=product-mix] thead th").await,
                    3 + 7
                );
            }
            "managers" => {
                wait_text(
                    &client,
                    "tr[data-manager=unassigned] td[data-count=clients]",
                    |t| t == unassigned,
                )
                .await;
                assert_eq!(
                    count(&client, "[data-testid=manager-table] tbody tr").await,
                    20
                );
            }
            "data" => {
                wait_text(
                    &client,
                    "[data-testid=snapshot] dd[data-count=customers]",
                    |t| t == "5,000",
                )
                .await;
            }
            "settings" => {
                wait_text(&client, "[data-testid=tier-rules] tbody tr th", |t| {
                    t == "私行"
                })
                .await;
                assert_eq!(count(&client, "[data-testid=tier-rules] tbody tr").await, 4);
            }
            _ => unreachable!("every page is listed"),
        }
        screenshot(&client, page).await;
    }
    assert_no_egress(&client).await;

    // Reload shows the same stored snapshot: nothing is regenerated.
    click(&client, "a[data-nav=data]").await;
    let snapshot = wait_text(&client, "[data-testid=snapshot] dd:nth-of-type(2)", |t| {
        t.starts_with("demo-")
    })
    .await;
    client.refresh().await.expect("reload");
    wait_text(&client, "[data-testid=snapshot] dd:nth-of-type(2)", |t| {
        t == snapshot
    })
    .await;
    // The back button returns to the page before.
    click(&client, "a[data-nav=customers]").await;
    wait_text(&client, "[data-testid=page-position]", |t| t == "1 / 100").await;
    client.back().await.expect("back");
    wait_text(&client, "[data-testid=snapshot] dd:nth-of-type(2)", |t| {
        t == snapshot
    })
    .await;

    // Delete all data, confirming the dialog: the app is empty, and stays empty after a reload.
    click(&client, "[data-testid=delete-all]").await;
    client.accept_alert().await.expect("confirm deletion");
    wait_text(&client, "[data-status=empty]", |t| !t.is_empty()).await;
    screenshot(&client, "data-deleted").await;
    client.refresh().await.expect("reload");
    click(&client, "a[data-nav=overview]").await;
    wait_text(&client, "[data-status=empty]", |t| t.contains("数据")).await;
    assert_eq!(count(&client, "[data-kpi]").await, 0);
    assert_no_egress(&client).await;

    import_workload_s(&client).await;
    client.close().await.expect("close the browser");
}

/// Decompresses the S workload's files for the browser's file input.
fn workload_s_files() -> Vec<PathBuf> {
    use std::io::Read;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/e2e-data");
    std::fs::create_dir_all(&out).expect("e2e data dir");
    ["customers.csv", "holdings.csv", "transactions.csv"]
        .into_iter()
        .map(|name| {
            let gz = std::fs::read(
                root.join("tests/data/workload-s")
                    .join(format!("{name}.gz")),
            )
            .expect("workload file");
            let mut text = Vec::new();
            flate2::read::GzDecoder::new(gz.as_slice())
                .read_to_end(&mut text)
                .expect("gunzip");
            let path = out.join(name);
            std::fs::write(&path, text).expect("write workload file");
            path
        })
        .collect()
}

/// Imports the S workload through the file input, as a manager would, and checks the Overview
/// shows the workload's counts, also after a reload.
async fn import_workload_s(client: &Client) {
    click(client, "a[data-nav=data]").await;
    let paths: Vec<String> = workload_s_files()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    client
        .find(Locator::Css("[data-testid=import-files]"))
        .await
        .expect("file input")
        .send_keys(&paths.join("\n"))
        .await
        .expect("pick files");
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
    client
        .find(Locator::Css("[data-testid=import-name]"))
        .await
        .expect("name input")
        .send_keys("S workload")
        .await
        .expect("type name");
    click(client, "[data-testid=import-commit]").await;
    wait_text(
        client,
        "[data-testid=snapshot] dd[data-count=customers]",
        |t| t == "10,000",
    )
    .await;
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
        // The import is stored: a reload shows it again without importing.
        client.refresh().await.expect("reload");
    }
    assert_no_egress(client).await;
}
