//! The gate every data page goes through: loading, empty and failed states say what to do.

use crate::i18n::{Lang, Msg};
use crate::ui::state::{AppState, DataState, Loaded};
use leptos::prelude::*;
use std::sync::Arc;

/// Renders `render` with the loaded data and language, or the right status message.
#[component]
pub fn WithData<F, V>(render: F) -> impl IntoView
where
    F: Fn(Arc<Loaded>, Lang) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let state = expect_context::<AppState>();
    move || {
        let lang = state.lang.get();
        let status = |msg: Msg, class: &'static str| {
            view! { <p class=class data-status=class>{lang.text(msg)}</p> }.into_any()
        };
        match state.data.get() {
            DataState::Ready(loaded) => render(loaded, lang).into_any(),
            DataState::Loading => status(Msg::Loading, "loading"),
            DataState::GeneratingDemo => status(Msg::GeneratingDemo, "loading"),
            DataState::Empty => status(Msg::NoData, "empty"),
            DataState::Failed(error) => view! {
                <p class="error" role="alert" data-status="error">
                    {lang.text(Msg::StorageError)} ": " {error}
                </p>
            }
            .into_any(),
        }
    }
}
