//! The only place that knows about `<canvas>`: sizes it for the screen, hands a plotters
//! drawing area to a chart, and turns the chart's hit regions into tooltips and drill-downs.

use crate::charts::{render_svg, ChartError, ChartSpec, Hit};
use crate::i18n::Msg;
use crate::ui::download::download_bytes;
use crate::ui::AppState;
use leptos::ev;
use leptos::html::{Canvas, Div};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// A chart as wide as its container and `height` CSS pixels high, drawn at the screen's
/// device-pixel ratio (crisp on HiDPI screens) and again when the window is resized.
/// Hovering shows the exact values under the pointer; a click follows the region's link; the
/// buttons save it as PNG or SVG, title and as-of date included. From the keyboard, a chart
/// with regions takes the focus: arrow keys step through the regions (the tooltip shows on each
/// and a live region reads it out), Enter follows the region's link, Escape hides the tooltip.
#[component]
pub fn ChartCanvas<S>(spec: S, height: u32, testid: &'static str) -> impl IntoView
where
    S: ChartSpec + Send + Sync + 'static,
{
    let state = expect_context::<AppState>();
    let spec = StoredValue::new(spec);
    let container = NodeRef::<Div>::new();
    let canvas = NodeRef::<Canvas>::new();
    let width = RwSignal::new(0u32);
    let error = RwSignal::new(None::<String>);
    let hits = StoredValue::new(Vec::<Hit>::new());
    // How many regions the last drawing left: also tells tests the chart is drawn.
    let drawn = RwSignal::new(0usize);
    let scale = StoredValue::new(1.0f64);
    // Where the tip shows, what it says, and whether it sits above the point (the keyboard's
    // region: above the plot, so it never hides the bar's own value label).
    let tooltip = RwSignal::new(None::<(i32, i32, String, bool)>);
    let measure = move || {
        if let Some(element) = container.get_untracked() {
            let measured = element.client_width().max(320) as u32;
            if measured != width.get_untracked() {
                width.set(measured);
            }
        }
    };
    let resize = window_event_listener(ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    Effect::new(move |_| {
        if container.get().is_some() {
            measure();
        }
    });
    Effect::new(move |_| {
        let (Some(element), css_width) = (canvas.get(), width.get()) else {
            return;
        };
        if css_width == 0 {
            return;
        }
        let ratio = window().device_pixel_ratio().max(1.0);
        element.set_width((f64::from(css_width) * ratio).round() as u32);
        element.set_height((f64::from(height) * ratio).round() as u32);
        // Through the CSS object model: the page's content security policy refuses inline
        // style attributes.
        let style = web_sys::HtmlElement::style(&element);
        let _ = style.set_property("width", &format!("{css_width}px"));
        let _ = style.set_property("height", &format!("{height}px"));
        let Some(backend) = CanvasBackend::with_canvas_object(element) else {
            error.set(Some("canvas unavailable".into()));
            return;
        };
        let area = backend.into_drawing_area();
        match spec.with_value(|spec| spec.draw(&area, ratio)) {
            Ok(drawn_hits) => {
                let regions = drawn_hits.len();
                hits.set_value(drawn_hits);
                drawn.set(regions);
                // For `make bench`: when each chart was last drawn.
                if let Some(performance) = window().performance() {
                    let _ = performance.mark(&format!("keystone-chart:{testid}"));
                }
                scale.set_value(ratio);
                error.set(None);
            }
            Err(ChartError(why)) => error.set(Some(why)),
        }
    });
    let hit_at = move |event: &ev::MouseEvent| {
        let ratio = scale.get_value();
        let (x, y) = (event.offset_x(), event.offset_y());
        let (px, py) = ((f64::from(x) * ratio) as i32, (f64::from(y) * ratio) as i32);
        hits.with_value(|hits| hits.iter().find(|hit| hit.contains(px, py)).cloned())
            .map(|hit| (x, y, hit))
    };
    let on_move = move |event: ev::MouseEvent| {
        tooltip.set(hit_at(&event).map(|(x, y, hit)| (x, y, hit.text, false)));
    };
    let navigate = use_navigate();
    let click_navigate = navigate.clone();
    let on_click = move |event: ev::MouseEvent| {
        if let Some(link) = hit_at(&event).and_then(|(_, _, hit)| hit.link) {
            click_navigate(&link, Default::default());
        }
    };
    // The region the keyboard is on, if any.
    let focused = RwSignal::new(None::<usize>);
    let show_region = move |index: usize| {
        let ratio = scale.get_value();
        let shown = hits.with_value(|hits| {
            hits.get(index).map(|hit| {
                let (left, top, right, _) = hit.rect;
                let x = (f64::from(left + right) / 2.0 / ratio) as i32;
                let y = (f64::from(top) / ratio) as i32;
                (x, y, hit.text.clone(), true)
            })
        });
        if shown.is_some() {
            focused.set(Some(index));
        }
        tooltip.set(shown);
    };
    let on_key = move |event: ev::KeyboardEvent| {
        let n = hits.with_value(Vec::len);
        if n == 0 {
            return;
        }
        let current = focused.get_untracked();
        let next = match event.key().as_str() {
            "ArrowRight" | "ArrowDown" => Some(current.map_or(0, |i| (i + 1) % n)),
            "ArrowLeft" | "ArrowUp" => Some(current.map_or(n - 1, |i| (i + n - 1) % n)),
            "Home" => Some(0),
            "End" => Some(n - 1),
            "Enter" | " " => {
                let link = current
                    .and_then(|i| hits.with_value(|hits| hits.get(i).and_then(|h| h.link.clone())));
                if let Some(link) = link {
                    event.prevent_default();
                    navigate(&link, Default::default());
                }
                return;
            }
            "Escape" => {
                focused.set(None);
                tooltip.set(None);
                return;
            }
            _ => return,
        };
        event.prevent_default();
        if let Some(index) = next {
            show_region(index);
        }
    };
    let file_name = move |extension: &str| {
        let title = spec.with_value(|spec| spec.title().to_owned());
        let safe: String = title
            .chars()
            .map(|c| if "/\\:*?\"<>|".contains(c) { '-' } else { c })
            .collect();
        format!("{safe}.{extension}")
    };
    let save_png = move |_| {
        let Some(element) = canvas.get_untracked() else {
            return;
        };
        if let Ok(url) = element.to_data_url_with_type("image/png") {
            if let Ok(anchor) = document().create_element("a") {
                let _ = anchor.set_attribute("href", &url);
                let _ = anchor.set_attribute("download", &file_name("png"));
                if let Some(anchor) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&anchor)
                {
                    anchor.click();
                }
            }
        }
    };
    let save_svg = move |_| {
        let css_width = width.get_untracked().max(320);
        let rendered = spec.with_value(|spec| render_svg(spec, css_width, height));
        match rendered {
            Ok((svg, _)) => download_bytes(&file_name("svg"), "image/svg+xml", svg.as_bytes()),
            Err(ChartError(why)) => error.set(Some(why)),
        }
    };
    let title = spec.with_value(|spec| spec.title().to_owned());
    let t = move |msg: Msg| state.lang.get().text(msg);
    // Only a chart with regions is a stop on the keyboard's way; its label says how to use it.
    let interactive = move || drawn.get() > 0;
    let label = move || match interactive() {
        true => format!("{title}. {}", t(Msg::ChartKeyboardHint)),
        false => title.clone(),
    };
    view! {
        <figure class="chart">
            <div class="chart-frame" node_ref=container>
                <canvas
                    node_ref=canvas
                    height=height
                    role=move || if interactive() { "application" } else { "img" }
                    tabindex=move || interactive().then_some("0")
                    aria-label=label
                    data-chart=testid
                    data-hits=move || drawn.get()
                    on:mousemove=on_move
                    on:mouseleave=move |_| tooltip.set(None)
                    on:click=on_click
                    on:keydown=on_key
                    on:blur=move |_| {
                        focused.set(None);
                        tooltip.set(None);
                    }
                ></canvas>
                <p class="sr-only" aria-live="polite">
                    {move || focused.get().and(tooltip.get()).map(|(_, _, text, _)| text)}
                </p>
                // The region the arrow keys are on, outlined: the keyboard's pointer.
                {move || {
                    let ratio = scale.get_value();
                    focused.get().and_then(|i| hits.with_value(|hits| hits.get(i).map(|h| h.rect))).map(
                        |(left, top, right, bottom)| {
                            let css = |v: i32| format!("{}px", (f64::from(v) / ratio).round());
                            view! {
                                <div
                                    class="chart-focus"
                                    data-testid="chart-focus"
                                    style:left=css(left.min(right))
                                    style:top=css(top.min(bottom))
                                    style:width=css((right - left).abs())
                                    style:height=css((bottom - top).abs())
                                ></div>
                            }
                        },
                    )
                }}
                {move || {
                    tooltip
                        .get()
                        .map(|(x, y, text, above)| {
                            view! {
                                <div
                                    class="chart-tooltip"
                                    class:above=above
                                    role="tooltip"
                                    // On the right half the tip opens leftwards, so it stays on the page.
                                    style:left=(x * 2 < width.get_untracked() as i32)
                                        .then(|| format!("{}px", x + 12))
                                    style:right=(x * 2 >= width.get_untracked() as i32)
                                        .then(|| format!("{}px", width.get_untracked() as i32 - x + 12))
                                    style:top=format!("{}px", if above { y - 6 } else { y + 12 })
                                    data-testid="chart-tooltip"
                                >
                                    {text}
                                </div>
                            }
                        })
                }}
            </div>
            <figcaption class="chart-actions">
                <button class="secondary small" on:click=save_png data-save="png">{move || t(Msg::SavePng)}</button>
                <button class="secondary small" on:click=save_svg data-save="svg">{move || t(Msg::SaveSvg)}</button>
                {move || error.get().map(|why| view! { <span class="error">{why}</span> })}
            </figcaption>
        </figure>
    }
}
