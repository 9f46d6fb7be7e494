//! The browser shell: the app frame, navigation and state; pages live one to a file in `pages/`.
//!
//! Navigation is a `?page=` query on the document's own path, so `dist/` works from any static
//! host under any sub-path and every view survives a reload or a bookmark.

mod background;
mod components;
pub mod download;
mod pages;
mod state;

pub use state::{AppState, DataState, Loaded};

use crate::i18n::{Lang, Msg};
use leptos::prelude::*;
use leptos_router::components::Router;
use leptos_router::hooks::use_query_map;

pub use crate::view::url::Page;
use crate::view::url::{href, CustomersQuery};

/// The document's own path, which every link keeps (any sub-path works).
pub fn current_path() -> String {
    window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".into())
}

/// The browser's `Date.getTimezoneOffset()`: UTC minus local time, in minutes.
/// After a panic, the page cannot be trusted to draw: a plain overlay in the page's language
/// says what happened and offers a reload, or a start that leaves the stored data unloaded
/// (`?safe=1`) should loading it be what fails. Built with the DOM alone, no framework.
pub fn show_crash_screen() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id("keystone-crash").is_some() {
        return;
    }
    let lang = document
        .document_element()
        .and_then(|root| root.get_attribute("lang"))
        .map_or(Lang::Zh, |code| Lang::from_browser(&code));
    let location = web_sys::window().map(|w| w.location());
    let here = location
        .as_ref()
        .and_then(|l| l.href().ok())
        .unwrap_or_default();
    let path = location
        .as_ref()
        .and_then(|l| l.pathname().ok())
        .unwrap_or_default();
    let Ok(overlay) = document.create_element("div") else {
        return;
    };
    overlay.set_id("keystone-crash");
    let _ = overlay.set_attribute("role", "alert");
    let _ = overlay.set_attribute("class", "crash");
    let _ = overlay.set_attribute("data-testid", "crash");
    let paragraph = document.create_element("p");
    let reload = document.create_element("a");
    let safe = document.create_element("a");
    if let (Ok(paragraph), Ok(reload), Ok(safe)) = (paragraph, reload, safe) {
        paragraph.set_text_content(Some(lang.text(Msg::PageCrashed)));
        reload.set_text_content(Some(lang.text(Msg::ReloadPage)));
        let _ = reload.set_attribute("href", &here);
        let _ = reload.set_attribute("class", "button");
        safe.set_text_content(Some(lang.text(Msg::OpenWithoutData)));
        let _ = safe.set_attribute("href", &format!("{path}?safe=1"));
        let _ = safe.set_attribute("class", "button secondary");
        let _ = overlay.append_child(&paragraph);
        let _ = overlay.append_child(&reload);
        let _ = overlay.append_child(&safe);
    }
    if let Some(body) = document.body() {
        let _ = body.append_child(&overlay);
    }
}

/// Whether the page was opened to leave the stored data unloaded (after a crash).
pub fn safe_start() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|search| {
            search
                .trim_start_matches('?')
                .split('&')
                .any(|pair| pair == "safe=1")
        })
}

pub fn timezone_offset() -> i32 {
    js_sys::Date::new_0().get_timezone_offset() as i32
}

/// The link to a page with no parameters.
pub fn page_href(page: Page) -> String {
    href(&current_path(), page, &[])
}

/// The link to the customer list `query` asks for.
pub fn customers_href(query: &CustomersQuery) -> String {
    query.to_href(&current_path())
}

/// The whole app: state, router and frame.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    state.load();
    state.load_journal();
    provide_context(pages::relationship::SharedWorkbench::new());
    // The analysis worker holds a copy of the snapshot shown: once another (or none) is shown,
    // its memory goes at once rather than at the next request.
    Effect::new(move |_| {
        let shown = match state.data.get() {
            DataState::Ready(loaded) => Some(loaded.record.snapshot_id.clone()),
            _ => None,
        };
        background::keep_only(shown.as_deref());
        state.load_applied_model();
    });
    // What is shown is the imported data plus the journal: reassignments move customers'
    // books as soon as either changes.
    Effect::new(move |_| {
        state.journal.track();
        if matches!(state.data.get(), DataState::Ready(_)) {
            state.apply_journal_assignments();
        }
    });
    view! {
        <Router>
            <Frame/>
        </Router>
    }
}

#[component]
fn Frame() -> impl IntoView {
    let state = expect_context::<AppState>();
    let query = use_query_map();
    let page = Memo::new(move |_| Page::from_slug(query.read().get("page").as_deref()));
    let t = move |msg: Msg| state.lang.get().text(msg);
    let toggle_language = move |_| {
        let next = match state.lang.get_untracked() {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        };
        state.set_lang(next);
    };
    // Focus moves to the page's content without the router treating `#content` as a route.
    let skip_to_content = move |event: leptos::ev::MouseEvent| {
        event.prevent_default();
        if let Some(main) = document()
            .get_element_by_id("content")
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = main.focus();
        }
    };
    let bench = expect_context::<pages::relationship::SharedWorkbench>();
    let nav = Page::NAVIGATION
        .into_iter()
        .map(|target| {
            let current = move || (page.get() == target).then_some("page");
            // The open alerts of the signed-in manager's book (of all, without one), counted
            // on the workbench's link.
            let badge = move || {
                let count = (target == Page::Relationship)
                    .then(|| {
                        let DataState::Ready(loaded) = state.data.get() else {
                            return 0;
                        };
                        let own = state.workbench.get().author.and_then(|a| {
                            loaded.dataset.relationship_managers().rm_id.iter().position(|id| id == a.key)
                        });
                        bench.0.get().map_or(0, |b| {
                            b.alerts
                                .iter()
                                .filter(|alert| {
                                    crate::view::relationship::in_book(&loaded, own.map(|m| m as u32), alert.customer)
                                })
                                .count()
                        })
                    })
                    .filter(|&n| n > 0)?;
                Some(view! { <span class="badge" data-testid="alert-badge" aria-label=move || t(Msg::NewAlerts)>{count}</span> })
            };
            view! {
                <a href=page_href(target) aria-current=current data-nav=target.slug()>
                    {move || t(target.title())}
                    {badge}
                </a>
            }
        })
        .collect_view();
    view! {
        <a class="skip-link" href="#content" on:click=skip_to_content data-testid="skip-link">
            {move || t(Msg::SkipToContent)}
        </a>
        <header class="app-header">
            <div class="brand">
                <span class="product-name">{move || t(Msg::ProductName)}</span>
                <span class="tagline">{move || t(Msg::Tagline)}</span>
            </div>
            <nav class="main-nav" aria-label=move || t(Msg::MainNavigation)>{nav}</nav>
            <button
                class="language-switch"
                on:click=toggle_language
                aria-label=move || t(Msg::LanguageSwitchLabel)
                // The switch names the other language in that language: it is not this page's text.
                lang=move || if state.lang.get() == Lang::Zh { "en" } else { "zh-CN" }
                translate="no"
                data-testid="language-switch"
            >
                {move || t(Msg::LanguageSwitch)}
            </button>
        </header>
        <main id="content" tabindex="-1" data-page=move || page.get().slug()>
            <h1>{move || t(page.get().title())}</h1>
            {move || match page.get() {
                Page::Overview => view! { <pages::overview::OverviewPage/> }.into_any(),
                Page::Customers => view! { <pages::customers::CustomersPage/> }.into_any(),
                Page::Customer => view! { <pages::customer::CustomerPage/> }.into_any(),
                Page::Segments => view! { <pages::segments::SegmentsPage/> }.into_any(),
                Page::RelationshipManagers => {
                    view! { <pages::relationship_managers::RelationshipManagersPage/> }.into_any()
                }
                Page::Models => view! { <pages::models::ModelsPage/> }.into_any(),
                Page::Relationship => {
                    view! { <pages::relationship::RelationshipPage/> }.into_any()
                }
                Page::Data => view! { <pages::data::DataPage/> }.into_any(),
                Page::Settings => view! { <pages::settings::SettingsPage/> }.into_any(),
            }}
        </main>
    }
}
