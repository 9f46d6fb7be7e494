//! Every chart the pages draw, from the view models on realistic data — the demo and a sparse
//! book (a few customers, holdings only, no transactions) — in both languages and at the widths
//! a card takes (a phone, half of a 1366 px window, all of it): no two labels overlap, none is
//! cut off by the image's edge, and the ticks along an axis all read differently.
//!
//! Text is measured as the canvas draws it (plotters' SVG writes font sizes divided by 1.24;
//! the canvas uses the size itself) with the charts' own generous width estimate.

use super::support::{loaded, sparse_book};
use keystone::analytics::segments::segment_customers;
use keystone::analytics::TierRules;
use keystone::charts::{render_svg, text_width, ChartSpec};
use keystone::demo::{generate, DemoConfig};
use keystone::i18n::Lang;
use keystone::view::customer::customer_profile;
use keystone::view::managers::managers_page;
use keystone::view::overview::overview;
use keystone::view::segments::{cluster_spec, rfm_spec, what_if_view};
use keystone::view::Loaded;

/// The card widths a chart is drawn at, and its heights on the pages.
const WIDTHS: [u32; 3] = [360, 600, 1200];

#[derive(Debug, Clone)]
struct Label {
    text: String,
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
    /// `end`-anchored, unrotated: a value axis' tick; `middle` and hanging: a category's.
    anchor: String,
    rotated: bool,
    /// Hanging from its point (`dy="0.76em"`): axis ticks under a plot.
    hanging: bool,
    x: f64,
    y: f64,
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The image's size and every text drawn into it, with its box on the canvas.
fn labels(svg: &str) -> ((f64, f64), Vec<Label>) {
    let head = &svg[..svg.find('>').expect("svg tag")];
    let number = |tag: &str, name: &str| -> f64 {
        attribute(tag, name)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} in {tag}"))
    };
    let size = (number(head, "width"), number(head, "height"));
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text ") {
        let tag_end = rest[start..].find('>').expect("text tag") + start;
        let tag = &rest[start..tag_end];
        let close = rest[tag_end..].find("</text>").expect("closed") + tag_end;
        let text = unescape(rest[tag_end + 1..close].trim());
        rest = &rest[close..];
        if text.is_empty() {
            continue;
        }
        let (x, y) = (number(tag, "x"), number(tag, "y"));
        let px = number(tag, "font-size") * 1.24;
        let width = text_width(&text, px);
        let anchor = attribute(tag, "text-anchor").unwrap_or("start").to_owned();
        let (a, b) = match anchor.as_str() {
            "middle" => (-width / 2.0, width / 2.0),
            "end" => (-width, 0.0),
            _ => (0.0, width),
        };
        let hanging = attribute(tag, "dy") == Some("0.76em");
        let (c, d) = match attribute(tag, "dy") {
            Some("0.76em") => (0.0, px),
            Some("0.5ex") => (-px / 2.0, px / 2.0),
            _ => (-px, 0.0),
        };
        let rotated = attribute(tag, "transform").is_some();
        let (left, right, top, bottom) = if rotated {
            // rotate(270) or rotate(90) about (x, y): the run is vertical.
            (x + c, x + d, y - b, y - a)
        } else {
            (x + a, x + b, y + c, y + d)
        };
        out.push(Label {
            text,
            left,
            top,
            right,
            bottom,
            anchor,
            rotated,
            hanging,
            x,
            y,
        });
    }
    (size, out)
}

/// What is wrong with how a chart's text is laid out, one line each.
fn layout_problems(svg: &str) -> Vec<String> {
    let ((width, height), labels) = labels(svg);
    let mut problems = Vec::new();
    const SLACK: f64 = 0.5;
    for l in &labels {
        if l.left < -SLACK || l.top < -SLACK || l.right > width + SLACK || l.bottom > height + SLACK
        {
            problems.push(format!(
                "{:?} is cut off: ({:.0}, {:.0})–({:.0}, {:.0}) in {width}×{height}",
                l.text, l.left, l.top, l.right, l.bottom
            ));
        }
    }
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            let dx = a.right.min(b.right) - a.left.max(b.left);
            let dy = a.bottom.min(b.bottom) - a.top.max(b.top);
            if dx > SLACK && dy > SLACK {
                problems.push(format!("{:?} overlaps {:?}", a.text, b.text));
            }
        }
    }
    // Ticks: a value axis' labels share their x (right-aligned), an x axis' their y (hanging,
    // centred); neighbours along the axis must read differently (two panels may repeat a tier).
    let mut groups: std::collections::BTreeMap<(&str, i64), Vec<(f64, &str)>> = Default::default();
    for l in labels.iter().filter(|l| !l.rotated) {
        match l.anchor.as_str() {
            "end" => groups
                .entry(("x", l.x.round() as i64))
                .or_default()
                .push((l.y, &l.text)),
            "middle" if l.hanging => groups
                .entry(("y", l.y.round() as i64))
                .or_default()
                .push((l.x, &l.text)),
            _ => {}
        }
    }
    for (key, mut ticks) in groups {
        ticks.sort_by(|a, b| a.0.total_cmp(&b.0));
        if ticks.windows(2).any(|pair| pair[0].1 == pair[1].1) {
            let texts: Vec<&str> = ticks.iter().map(|t| t.1).collect();
            problems.push(format!("repeated ticks along {key:?}: {texts:?}"));
        }
    }
    problems
}

fn check<S: ChartSpec>(name: &str, spec: &S, height: u32, problems: &mut Vec<String>) {
    for width in WIDTHS {
        let (svg, _) = render_svg(spec, width, height).expect("draws");
        // In English every word of the demo's charts is English: its names and ids are Latin,
        // and product, channel and category words are translated.
        if name.contains(" En ") {
            for label in labels(&svg).1 {
                if label.text.chars().any(keystone::charts::is_wide) {
                    problems.push(format!("{name}: Chinese in English: {:?}", label.text));
                }
            }
        }
        if std::env::var("DUMP_CHART").is_ok_and(|d| name.contains(&d)) {
            let _ = std::fs::write(format!("/tmp/chart-{width}.svg"), &svg);
        }
        for problem in layout_problems(&svg) {
            problems.push(format!("{name} at {width}×{height}: {problem}"));
        }
    }
}

/// Every chart of every page for `loaded`, in `lang`.
fn page_charts(name: &str, loaded: &Loaded, lang: Lang, problems: &mut Vec<String>) {
    let tag = |chart: &str| format!("{name} {lang:?} {chart}");
    let page = overview(loaded, lang, "/");
    check(&tag("tier bars"), &page.tier_bars, 360, problems);
    check(&tag("AUM histogram"), &page.histogram, 340, problems);
    if let Some((trend, _)) = &page.trend {
        check(&tag("AUM trend"), trend, 340, problems);
    }
    let managers = managers_page(loaded, lang, "/");
    check(&tag("workload"), &managers.workload, 360, problems);
    let today = keystone::model::Day::parse_iso("2026-10-15").expect("a date");
    let settings = keystone::storage::journal::StoredWorkbench::default();
    let journal = keystone::journal::Journal::default();
    let bench =
        keystone::view::relationship::workbench(loaded, &journal, &settings, None, today, "");
    let (_, coverage) = keystone::view::relationship::coverage(loaded, &bench, lang);
    check(&tag("coverage"), &coverage, 300, problems);
    let proposed = TierRules::workload_defaults();
    if let Some((_, spec)) = what_if_view(loaded, &proposed, lang) {
        check(&tag("what-if"), &spec, 300, problems);
    }
    let segments = segment_customers(&loaded.dataset, &loaded.analysis.features, &mut |_, _| {});
    check(
        &tag("RFM grid"),
        &rfm_spec(&segments, lang, "as of", "/"),
        420,
        problems,
    );
    check(
        &tag("clusters"),
        &cluster_spec(loaded, &segments, lang, "as of", "/"),
        440,
        problems,
    );
    // The richest customer, one in the middle and the last: full, ordinary and empty profiles.
    let n = loaded.dataset.customers().len();
    for row in [0, n / 2, n - 1] {
        let profile = customer_profile(loaded, row, lang);
        let who = |chart: &str| tag(&format!("customer {row} {chart}"));
        if let Some(spec) = &profile.holdings {
            check(&who("holdings"), spec, 300, problems);
        }
        if let Some(spec) = &profile.trend {
            check(&who("trend"), spec, 320, problems);
        }
        if let Some((categories, channels)) = &profile.mix {
            check(&who("categories"), categories, 280, problems);
            check(&who("channels"), channels, 280, problems);
        }
        for (spec, testid) in &profile.scores {
            check(&who(testid), spec, 300, problems);
        }
    }
}

#[test]
fn every_chart_keeps_its_labels_apart_inside_the_image_with_distinct_ticks() {
    let demo = loaded(generate(&DemoConfig {
        n_customers: 2_000,
        ..DemoConfig::default()
    }));
    let sparse = loaded(sparse_book());
    let mut problems = Vec::new();
    for lang in [Lang::Zh, Lang::En] {
        page_charts("demo", &demo, lang, &mut problems);
        page_charts("sparse", &sparse, lang, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_layout_check_sees_overlaps_cut_labels_and_repeated_ticks() {
    let svg = r##"<svg width="200" height="100" viewBox="0 0 200 100" xmlns="http://www.w3.org/2000/svg">
<text x="10" y="10" dy="0.76em" text-anchor="start" font-family="sans-serif" font-size="9.68" opacity="1" fill="#000000">Oct 2025</text>
<text x="30" y="10" dy="0.76em" text-anchor="start" font-family="sans-serif" font-size="9.68" opacity="1" fill="#000000">Nov 2025</text>
<text x="195" y="50" dy="0.5ex" text-anchor="start" font-family="sans-serif" font-size="9.68" opacity="1" fill="#000000">¥1.34B</text>
<text x="60" y="70" dy="0.5ex" text-anchor="end" font-family="sans-serif" font-size="9.68" opacity="1" fill="#000000">¥1.34B</text>
<text x="60" y="90" dy="0.5ex" text-anchor="end" font-family="sans-serif" font-size="9.68" opacity="1" fill="#000000">¥1.34B</text>
</svg>"##;
    let problems = layout_problems(svg);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].contains("cut off"));
    assert!(problems[1].contains("overlaps"));
    assert!(problems[2].contains("repeated ticks"));
}

/// The model studio's charts (ROC, gains, calibration, importance) and a profile's model
/// verdict, for models trained on the churn fixture, in both languages.
#[test]
fn the_model_studio_charts_keep_their_labels_apart_too() {
    use keystone::view::customer::model_verdict;
    use keystone::view::models::report_view;
    let (book, report, _) = super::support::churn_with_model("流失标志", "流失", 5);
    let probabilities = book
        .applied
        .as_ref()
        .expect("applied")
        .probabilities
        .clone();
    let mut problems = Vec::new();
    for lang in [Lang::Zh, Lang::En] {
        // Not "… En …": the bank's own Chinese headers name features in either language.
        let tag = |chart: &str| format!("models/{lang:?} {chart}");
        let view = report_view(&report, lang, "流失标志 · as of");
        check(&tag("ROC"), &view.roc, 340, &mut problems);
        check(&tag("gains"), &view.gains, 340, &mut problems);
        check(&tag("calibration"), &view.calibration, 340, &mut problems);
        check(&tag("importance"), &view.importance, 380, &mut problems);
        for row in [0, 400, 799] {
            let verdict = model_verdict(&book, row, lang, "as of").expect("a model is applied");
            check(
                &tag(&format!("verdict {row}")),
                &verdict.spec,
                300,
                &mut problems,
            );
            // The profile's parts add up to the probability the list shows.
            let spec = &verdict.spec;
            let logit = spec.base + spec.factors.iter().map(|f| f.1).sum::<f64>();
            let p = 1.0 / (1.0 + (-logit).exp());
            assert!(
                (p - f64::from(probabilities[row])).abs() < 1e-5,
                "row {row}"
            );
            assert_eq!(
                book.scored().model.score(row),
                f64::from(probabilities[row]) * 100.0
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
