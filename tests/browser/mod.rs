//! Shared by the end-to-end tests and the browser benchmarks: serve `dist/` under a sub-path,
//! drive Debian's Chromium through chromedriver, and wait for what a user would see.

#![allow(dead_code)]

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the app is served, as on a static host with several apps.
pub const SUB_PATH: &str = "/keystone/";
/// How long a wait for the page may take before the test fails (slow machines, big imports).
pub const PATIENCE: Duration = Duration::from_secs(120);

/// Serves `dist/` under [`SUB_PATH`] on a loopback port, from a background thread.
pub fn serve_dist(dist: PathBuf) -> u16 {
    serve_dist_changed(dist, Vec::new())
}

/// Serves `dist/` as [`serve_dist`] does, but each file named in `changed` with the bytes
/// given instead of its own (a damaged or sabotaged build, as a user might be served one).
pub fn serve_dist_changed(dist: PathBuf, changed: Vec<(&'static str, Vec<u8>)>) -> u16 {
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
            let read = |file: PathBuf| {
                let name = file.file_name()?.to_str()?;
                let bytes = match changed.iter().find(|(changed, _)| *changed == name) {
                    Some((_, bytes)) => bytes.clone(),
                    None => std::fs::read(&file).ok()?,
                };
                Some((file, bytes))
            };
            let response = match file.and_then(read) {
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

pub fn mime(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// The chromedriver process, killed on drop.
pub struct Chromedriver(Child);

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// Starts chromedriver and a headless Chromium session with a fresh profile.
pub async fn start_browser() -> (Chromedriver, Client, tempdir::Dir) {
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
                "--disable-sync", "--window-size=1366,900", "--lang=zh-CN",
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
pub mod tempdir {
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
pub async fn wait_text(client: &Client, css: &str, check: impl Fn(&str) -> bool) -> String {
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

pub async fn count(client: &Client, css: &str) -> usize {
    client
        .find_all(Locator::Css(css))
        .await
        .map(|all| all.len())
        .unwrap_or(0)
}

pub async fn click(client: &Client, css: &str) {
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

pub async fn screenshot(client: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

/// Fails when the page has fetched anything from another origin.
pub async fn assert_no_egress(client: &Client) {
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
pub async fn inked_pixels(client: &Client, chart: &str) -> u64 {
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

/// Decompresses `tests/data/<dir>/<name>.gz` files (or copies plain ones from `source`) into
/// `target/e2e-data/<dir>/` for the browser's file input.
pub fn upload_files(source: &Path, dir: &str, names: &[&str]) -> Vec<PathBuf> {
    use std::io::Read;
    let out = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/e2e-data")
        .join(dir);
    std::fs::create_dir_all(&out).expect("upload dir");
    names
        .iter()
        .map(|name| {
            let path = out.join(name);
            let gz = source.join(format!("{name}.gz"));
            if gz.exists() {
                let packed = std::fs::read(&gz).expect("read gz");
                let mut text = Vec::new();
                flate2::read::GzDecoder::new(packed.as_slice())
                    .read_to_end(&mut text)
                    .expect("gunzip");
                std::fs::write(&path, text).expect("write upload file");
            } else if !path.exists() {
                std::fs::copy(source.join(name), &path).expect("copy upload file");
            }
            path
        })
        .collect()
}

/// Picks files in the page's file input.
pub async fn pick_files(client: &Client, css: &str, paths: &[PathBuf]) {
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    client
        .find(Locator::Css(css))
        .await
        .expect("file input")
        .send_keys(&paths.join("\n"))
        .await
        .expect("pick files");
}

/// An attribute of the first element matching `css` (empty when it has none).
pub async fn attribute(client: &Client, css: &str, attribute: &str) -> String {
    let element = client.find(Locator::Css(css)).await.expect("element");
    element
        .attr(attribute)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// A numeric attribute of the first element matching `css`.
pub async fn number_attribute(client: &Client, css: &str, name: &str) -> f64 {
    attribute(client, css, name).await.parse().unwrap_or(0.0)
}

/// Types `text` into the element matching `css`.
pub async fn type_text(client: &Client, css: &str, text: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// What a reader sees on the page that the app wrote, not the data: every visible text node
/// and label-like attribute outside elements marked `translate="no"` (names, ids, file names,
/// figures); and every element that sticks out of its card to the right.
pub async fn interface_report(client: &Client) -> InterfaceReport {
    let report = client
        .execute(
            r#"
            const visible = el => {
                for (let e = el; e; e = e.parentElement) {
                    const s = getComputedStyle(e);
                    if (s.display === 'none' || s.visibility === 'hidden') return false;
                    if (e.classList && e.classList.contains('sr-only')) return true;
                }
                return true;
            };
            const isData = el => el.closest('[translate="no"]') !== null;
            const texts = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const text = node.textContent.trim();
                const el = node.parentElement;
                if (!text || !el || el.closest('script,style,noscript') || isData(el) || !visible(el)) continue;
                texts.push(text);
            }
            for (const el of document.querySelectorAll('[placeholder],[aria-label],[title],option,input[type=button],input[type=submit]')) {
                if (isData(el) || !visible(el)) continue;
                for (const a of ['placeholder', 'aria-label', 'title']) {
                    const v = el.getAttribute(a);
                    if (v) texts.push(v.trim());
                }
            }
            const overflowing = [];
            for (const card of document.querySelectorAll('.panel, .kpi, .card, .file-card')) {
                const edge = card.getBoundingClientRect().right + 1;
                for (const el of card.querySelectorAll('*')) {
                    if (!visible(el) || el.closest('.sr-only')) continue;
                    // A part inside a scroller that belongs to the card scrolls, it does not overflow.
                    let clipped = false;
                    for (let p = el.parentElement; p && p !== card; p = p.parentElement) {
                        const o = getComputedStyle(p).overflowX;
                        if (o !== 'visible') { clipped = true; break; }
                    }
                    if (clipped) continue;
                    const r = el.getBoundingClientRect();
                    if (r.width > 0 && r.right > edge) {
                        overflowing.push(`${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || '').trim().slice(0, 40)}" ends at ${Math.round(r.right)} past ${Math.round(edge)}`);
                    }
                }
            }
            // A file input's own button and "no file chosen" speak the browser's language.
            for (const input of document.querySelectorAll('input[type=file]')) {
                if (visible(input) && getComputedStyle(input).opacity !== '0') {
                    texts.push(`[a file input labelled by the browser: ${input.dataset.testid || ''}]`);
                }
            }
            return { texts, overflowing, pageWidth: document.documentElement.scrollWidth };
            "#,
            vec![],
        )
        .await
        .expect("read the interface");
    serde_json::from_value(report).expect("interface report")
}

#[derive(serde::Deserialize, Debug)]
pub struct InterfaceReport {
    pub texts: Vec<String>,
    pub overflowing: Vec<String>,
    #[serde(rename = "pageWidth")]
    pub page_width: u32,
}

/// Words a Chinese interface may keep in Latin letters: abbreviations bankers use as they are,
/// file formats, units and the score letters.
const LATIN_IN_CHINESE: &[&str] = &[
    "AUM",
    "RFM",
    "NPS",
    "CSV",
    "TSV",
    "PNG",
    "SVG",
    "ID",
    "KPI",
    "JSON",
    "NDJSON",
    "XLSX",
    "XLS",
    "Excel",
    "GBK",
    "GB18030",
    "UTF",
    "SHA",
    "Keystone",
    "R",
    "F",
    "M",
    "K",
    "k",
    "AUC",
    "RM",
    "IndexedDB",
    // Encodings and date patterns are written as they are named.
    "LE",
    "BE",
    "DD",
    "MM",
    "YY",
    "YYYY",
    "CRM",
    "Holt",
    "Esc",
    "Enter",
    "ms",
    "s",
    "MB",
    "GB",
    "KB",
    "CRLF",
    "BOM",
    "Tab",
    "VIP",
    // Currencies by ISO code and sign, as Chinese bank screens write them.
    "CNY",
    "USD",
    "EUR",
    "GBP",
    "HKD",
    "TWD",
    "MOP",
    "SGD",
    "JPY",
    "CHF",
    "CZK",
    "AUD",
    "CAD",
];

/// Why the interface text is not in `lang` alone ("en" or "zh"), one line per stray text.
pub fn language_slips(texts: &[String], lang: &str) -> Vec<String> {
    let cjk = |c: char| {
        ('\u{3400}'..='\u{9fff}').contains(&c)
            || ('\u{3000}'..='\u{303f}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c)
    };
    let iso_time = |t: &str| {
        let b = t.as_bytes();
        b.windows(10).any(|w| {
            w[..4].iter().all(u8::is_ascii_digit)
                && w[4] == b'-'
                && w[5..7].iter().all(u8::is_ascii_digit)
                && w[7] == b'-'
                && w[8..10].iter().all(u8::is_ascii_digit)
        })
    };
    let mut slips = Vec::new();
    for text in texts {
        if text.starts_with("[a file input") {
            slips.push(text.clone());
            continue;
        }
        if iso_time(text) {
            slips.push(format!("unlocalised date: {text:?}"));
        }
        match lang {
            "en" => {
                if text.chars().any(cjk) {
                    slips.push(format!("Chinese in English: {text:?}"));
                }
            }
            _ => {
                let words = text
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|w| !w.is_empty());
                for word in words {
                    if !LATIN_IN_CHINESE.contains(&word) {
                        slips.push(format!("English in Chinese: {word:?} in {text:?}"));
                        break;
                    }
                }
            }
        }
    }
    slips
}

/// A screenshot of the whole page, not only the window: the window grows to the document's
/// height for the picture, then returns to 1366 × 900.
pub async fn screenshot_page(client: &Client, name: &str) {
    let height = client
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(900)
        .clamp(900, 8_000) as u32;
    let _ = client.set_window_size(1366, height + 140).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(client, name).await;
    let _ = client.set_window_size(1366, 900).await;
}
