//! Charts rendered to SVG show what a user would see: one bar per tier and value, labels, title.

use keystone::analytics::distribution::aum_histogram;
use keystone::charts::{
    draw_tier_bars, render_svg, AumHistogramSpec, BarsSpec, ContributionsSpec, Hit, Measure,
    RfmGridSpec, ScatterSpec, TierBarsSpec, TrendSpec,
};
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
        links: Vec::new(),
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

fn hits_text(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.text.as_str()).collect()
}

#[test]
fn tier_chart_regions_name_each_bar_and_lead_to_the_tier_list() {
    let mut spec = spec(Lang::En);
    spec.links = ["private", "wealth", "vip", "mass"]
        .iter()
        .map(|key| Some(format!("?page=customers&tier={key}")))
        .collect();
    let (_, hits) = render_svg(&spec, 900, 360).expect("draws");
    assert_eq!(hits.len(), 8, "a region per bar in both panels");
    assert!(hits[0].text.contains("私行") && hits[0].text.contains("49"));
    assert_eq!(hits[1].link.as_deref(), Some("?page=customers&tier=wealth"));
    assert_eq!(hits[5].link, hits[1].link, "the AUM bar of the same tier");
    // Regions are where the bars are: left panel first, left to right, inside the image.
    for pair in hits[..4].windows(2) {
        assert!(pair[0].rect.2 <= pair[1].rect.0, "{:?}", hits_text(&hits));
    }
    assert!(hits
        .iter()
        .all(|h| h.rect.0 >= 0 && h.rect.2 <= 900 && h.rect.3 <= 360));
}

#[test]
fn aum_histogram_draws_a_bar_per_bin_and_marks_the_thresholds() {
    // ¥1,000 to ¥10M (fen), 4 bins a decade.
    let aum: Vec<i64> = (0..2_000)
        .map(|i| 100_000 + i * i * 250)
        .chain([0, -5])
        .collect();
    let histogram = aum_histogram(&aum, 4);
    assert_eq!(histogram.without_aum, 2);
    assert_eq!(histogram.counts.iter().sum::<usize>(), 2_000);
    let spec = AumHistogramSpec {
        title: "AUM distribution · as of 2026-06-30".into(),
        edges_fen: histogram.edges_fen.clone(),
        counts: histogram.counts.clone(),
        thresholds: vec![("Wealth".into(), 100_000_000), ("VIP".into(), 5_000_000)],
        x_caption: "AUM".into(),
        y_caption: "Customers".into(),
        lang: Lang::En,
    };
    let (svg, hits) = render_svg(&spec, 900, 320).expect("draws");
    let bars = svg.matches(r##"fill="#0072B2""##).count();
    assert_eq!(bars, histogram.counts.len(), "one bar per bin");
    assert_eq!(hits.len(), histogram.counts.len());
    for label in [
        "Wealth ≥ ¥1.00M",
        "VIP ≥ ¥50.00K",
        "as of 2026-06-30",
        "Customers",
    ] {
        assert!(svg.contains(label), "missing {label}");
    }
    let (bin, &most) = histogram
        .counts
        .iter()
        .enumerate()
        .max_by_key(|(_, &c)| c)
        .expect("bins");
    assert!(
        hits[bin].text.ends_with(&format!("{} Customers", most)),
        "{}",
        hits[bin].text
    );
}

#[test]
fn trend_chart_shows_history_forecast_band_and_a_region_per_month() {
    let spec = TrendSpec {
        title: "月度 AUM 与交易活跃度 · 截至 2026年6月30日".into(),
        months: (1..=9).map(|m| format!("2026年{m}月")).collect(),
        aum_fen: vec![1e10, 1.1e10, 1.2e10, 1.25e10, 1.3e10, 1.4e10],
        activity: vec![900.0, 950.0, 1_000.0, 980.0, 1_020.0, 1_100.0],
        forecast_fen: vec![1.45e10, 1.5e10, 1.55e10],
        band_fen: vec![(1.4e10, 1.5e10), (1.42e10, 1.58e10), (1.43e10, 1.67e10)],
        aum_caption: "月末 AUM".into(),
        activity_caption: "月交易笔数".into(),
        forecast_caption: "预测".into(),
        lang: Lang::Zh,
    };
    let (svg, hits) = render_svg(&spec, 900, 380).expect("draws");
    assert_eq!(hits.len(), 9, "six months of history and three forecast");
    assert_eq!(
        svg.matches(r##"fill="#009E73""##).count(),
        6,
        "an activity bar per month"
    );
    assert!(
        svg.contains("<polygon") || svg.contains("<path"),
        "the band"
    );
    assert!(
        hits[8].text.contains("预测") && hits[8].text.contains("亿"),
        "{}",
        hits[8].text
    );
    assert!(hits[0].text.contains("900"), "{}", hits[0].text);
    for pair in hits.windows(2) {
        assert!(pair[0].rect.0 < pair[1].rect.0, "months left to right");
    }
}

#[test]
fn contributions_chart_has_a_bar_per_factor_and_the_base() {
    let spec = ContributionsSpec {
        title: "Attrition risk 62 · as of 2026-06-30".into(),
        base_label: "Base points".into(),
        base: 10.0,
        factors: vec![
            ("Inactive for long".into(), 30.0),
            ("Falling activity".into(), 20.0),
            ("Few products".into(), 2.0),
        ],
        decimals: 1,
    };
    let (svg, hits) = render_svg(&spec, 500, 300).expect("draws");
    assert_eq!(hits.len(), 4);
    assert_eq!(hits[1].text, "Inactive for long: +30.0");
    assert!(hits[0].rect.1 < hits[1].rect.1, "the base on top");
    assert!(svg.contains("Falling activity") && svg.contains("+20.0"));

    // A model's log-odds parts are small numbers, positive and negative: shown to two decimals,
    // each bar on its side of zero.
    let spec = ContributionsSpec {
        title: "Fund · 34% · as of 2026-06-30".into(),
        base_label: "Base".into(),
        base: -1.25,
        factors: vec![("Annual income".into(), 0.62), ("Age".into(), -0.08)],
        decimals: 2,
    };
    let (svg, hits) = render_svg(&spec, 500, 240).expect("draws");
    assert_eq!(
        hits.iter().map(|h| h.text.as_str()).collect::<Vec<_>>(),
        ["Base: -1.25", "Annual income: +0.62", "Age: -0.08"]
    );
    let green = svg.matches(r##"fill="#009E73""##).count();
    assert_eq!(green, 1, "one positive factor bar");
}

#[test]
fn bars_chart_names_each_category_with_its_exact_amount() {
    let spec = BarsSpec {
        title: "Holdings by product · as of 2026-06-30".into(),
        categories: vec!["Deposits".into(), "Wealth".into()],
        values: vec![12_345_678, 500_000_000],
        caption: "Balance".into(),
        measure: Measure::Money(Lang::En),
    };
    let (svg, hits) = render_svg(&spec, 600, 300).expect("draws");
    assert_eq!(svg.matches(r##"fill="#009E73""##).count(), 2);
    assert_eq!(
        hits_text(&hits),
        ["Deposits: ¥123,456.78", "Wealth: ¥5,000,000.00"]
    );
}

#[test]
fn rfm_grid_has_25_cells_each_with_its_count_and_link() {
    let mut cells = [[(0usize, 0.0f64); 5]; 5];
    for (r, row) in cells.iter_mut().enumerate() {
        for (f, cell) in row.iter_mut().enumerate() {
            *cell = (r * 10 + f + 1, 1.0 + (r + f) as f64 / 2.0);
        }
    }
    let spec = RfmGridSpec {
        title: "RFM · as of 2026-06-30".into(),
        cells,
        r_caption: "Recency score R".into(),
        f_caption: "Frequency score F".into(),
        customers_word: "customers".into(),
        mean_m_word: "mean M".into(),
        links: (1..=5)
            .map(|r| (1..=5).map(|f| Some(format!("?r={r}&f={f}"))).collect())
            .collect(),
    };
    let (svg, hits) = render_svg(&spec, 600, 420).expect("draws");
    assert_eq!(hits.len(), 25);
    assert_eq!(hits[7].text, "R2 F3: 13 customers · mean M 2.50");
    assert_eq!(hits[7].link.as_deref(), Some("?r=2&f=3"));
    for label in ["R1", "R5", "F1", "F5", "45", "Recency score R"] {
        assert!(svg.contains(label), "missing {label}");
    }
    // R5 is drawn above R1.
    assert!(hits[20].rect.1 < hits[0].rect.1);
}

#[test]
fn scatter_has_a_point_and_a_region_per_customer_and_a_legend_per_cluster() {
    let points: Vec<(f64, f64, usize)> = (0..30)
        .map(|i| (f64::from(i % 10), f64::from(i / 10), (i % 3) as usize))
        .collect();
    let spec = ScatterSpec {
        title: "Clusters · as of 2026-06-30".into(),
        labels: (0..30)
            .map(|i| (format!("C{i}"), Some(format!("?id=C{i}"))))
            .collect(),
        points,
        series: vec!["Cluster 1".into(), "Cluster 2".into(), "Cluster 3".into()],
        x_caption: "Component 1 (60%)".into(),
        y_caption: "Component 2 (20%)".into(),
    };
    let (svg, hits) = render_svg(&spec, 700, 440).expect("draws");
    assert_eq!(hits.len(), 30);
    assert_eq!(
        svg.matches("<circle").count(),
        30 + 3,
        "points and legend marks"
    );
    for label in ["Cluster 1", "Cluster 3", "Component 1 (60%)"] {
        assert!(svg.contains(label), "missing {label}");
    }
    assert!(hits[1].rect.0 > hits[0].rect.0, "x grows to the right");
    assert!(hits[10].rect.1 < hits[0].rect.1, "y grows upwards");
}

#[test]
fn an_nps_bar_below_zero_is_drawn_down_from_zero_with_its_signed_score() {
    let spec = BarsSpec {
        title: "NPS by month · as of 2026-06-30".into(),
        categories: vec!["2026-05 (5)".into(), "2026-06 (4)".into()],
        values: vec![-40, 25],
        caption: "NPS".into(),
        measure: Measure::Nps,
    };
    let (svg, hits) = render_svg(&spec, 600, 300).expect("draws");
    assert_eq!(
        render_svg(&spec, 600, 300).expect("draws again").0,
        svg,
        "the same chart draws the same bytes, bars in category order"
    );
    assert_eq!(hits_text(&hits), ["2026-05 (5): -40", "2026-06 (4): +25"]);
    assert!(
        svg.contains("\n-40\n") && svg.contains("\n+25\n") && svg.contains("\n-100\n"),
        "bar labels and the axis below zero: {svg}"
    );
    // Both bars hang from the same zero line: the negative one's top is the positive one's
    // bottom.
    let bars: Vec<(f64, f64)> = svg
        .split("<rect")
        .filter(|r| r.contains(r##"fill="#E69F00""##))
        .map(|r| {
            let attr = |name: &str| -> f64 {
                let at = r.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
                r[at..]
                    .split('"')
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("a number")
            };
            (attr("y"), attr("y") + attr("height"))
        })
        .collect();
    assert_eq!(bars.len(), 2, "{svg}");
    assert!((bars[0].0 - bars[1].1).abs() <= 1.0, "{bars:?}");
    assert!(bars[0].1 > bars[1].1, "the negative bar reaches lower");
}
