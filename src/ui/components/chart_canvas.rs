//! The only place that knows about `<canvas>`: it hands a plotters drawing area to a chart function.

use crate::charts::ChartError;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// A canvas that draws itself with `draw` once mounted.
#[component]
pub fn ChartCanvas<F>(
    draw: F,
    width: u32,
    height: u32,
    label: String,
    testid: &'static str,
) -> impl IntoView
where
    F: Fn(&DrawingArea<CanvasBackend, Shift>) -> Result<(), ChartError> + 'static,
{
    let canvas = NodeRef::<Canvas>::new();
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(element) = canvas.get() else {
            return;
        };
        let Some(backend) = CanvasBackend::with_canvas_object(element) else {
            error.set(Some("canvas unavailable".into()));
            return;
        };
        if let Err(ChartError(why)) = draw(&backend.into_drawing_area()) {
            error.set(Some(why));
        }
    });
    view! {
        <figure class="chart">
            <canvas
                node_ref=canvas
                width=width
                height=height
                role="img"
                aria-label=label
                data-chart=testid
            ></canvas>
            {move || error.get().map(|why| view! { <figcaption class="error">{why}</figcaption> })}
        </figure>
    }
}
