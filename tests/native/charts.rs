//! Charts rendered to SVG show what a user would see: one bar per tier and value, labels, title.

use keystone::charts::{draw_tier_bars, TierBarsSpec};
use keystone::i18n::Lang;
use plotters::prelude::*;

fn render(spec: &TierBarsSpec) -> String {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (900, 360)).into_drawing_area();
        draw_tier_bars(&area, spec).expect("chart draws");
    }
    svg
}

fn spec(lang: Lang) -> TierBarsSpec {
    TierBarsSpec {
        title: "各层级客户数与资产 · 2026年6月30日".into(),
        tiers: vec!["私行".into(), "财富".into(), "贵宾".into(), "大众".into()],
        customers: vec![49, 401, 3_903, 5_647],
        aum_fen: vec![
            70_000_000_000,
            80_000_000_000,
            90_000_000_000,
            5_000_000_000,
        ],
        customers_caption: "客户数".into(),
        aum_caption: "管理资产 (AUM)".into(),
        lang,
    }
}

#[test]
fn tier_chart_has_a_bar_per_tier_in_each_panel() {
    let svg = render(&spec(Lang::Zh));
    let blue_bars = svg.matches(r##"fill="#0072B2""##).count();
    let orange_bars = svg.matches(r##"fill="#E69F00""##).count();
    assert_eq!((blue_bars, orange_bars), (4, 4), "{svg}");
    for label in [
        "私行",
        "财富",
        "贵宾",
        "大众",
        "客户数",
        "管理资产 (AUM)",
        "2026年6月30日",
    ] {
        assert!(svg.contains(label), "missing label {label}");
    }
    assert!(svg.contains("5,647"), "bar value label");
    assert!(svg.contains("¥9.00亿"), "AUM in 亿: {svg}");
}

#[test]
fn tier_chart_uses_western_units_in_english() {
    let svg = render(&spec(Lang::En));
    assert!(svg.contains("¥900.00M"), "AUM in M");
    assert!(!svg.contains('亿'));
}
