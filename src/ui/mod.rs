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

/// The pages of the navigation bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// KPIs, tiers and the tier chart.
    Overview,
    /// The customer table.
    Customers,
    /// One customer's profile (not in the navigation: reached from lists, by its URL).
    Customer,
    /// Tiers and the products each tier holds.
    Segments,
    /// Relationship managers and their books.
    RelationshipManagers,
    /// Stored data: demo, deletion.
    Data,
    /// Language, tier rules, storage.
    Settings,
}

impl Page {
    const ALL: [Page; 6] = [
        Page::Overview,
        Page::Customers,
        Page::Segments,
        Page::RelationshipManagers,
        Page::Data,
        Page::Settings,
    ];

    /// The `?page=` value.
    pub fn slug(self) -> &'static str {
        match self {
            Page::Overview => "overview",
            Page::Customers => "customers",
            Page::Customer => "customer",
            Page::Segments => "segments",
            Page::RelationshipManagers => "managers",
            Page::Data => "data",
            Page::Settings => "settings",
        }
    }

    fn from_slug(slug: Option<&str>) -> Page {
        Page::ALL
            .into_iter()
            .chain([Page::Customer])
            .find(|page| Some(page.slug()) == slug)
            .unwrap_or(Page::Overview)
    }

    fn title(self) -> Msg {
        match self {
            Page::Overview => Msg::NavOverview,
            Page::Customers => Msg::NavCustomers,
            Page::Customer => Msg::NavCustomer,
            Page::Segments => Msg::NavSegments,
            Page::RelationshipManagers => Msg::NavRelationshipManagers,
            Page::Data => Msg::NavData,
            Page::Settings => Msg::NavSettings,
        }
    }
}

/// The link to a page, with extra query parameters, on the document's own path.
pub fn page_href(page: Page, extra: &str) -> String {
    let path = window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".into());
    format!("{path}?page={}{extra}", page.slug())
}

/// The whole app: state, router and frame.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    state.load();
    // The analysis worker holds a copy of the snapshot shown: once another (or none) is shown,
    // its memory goes at once rather than at the next request.
    Effect::new(move |_| {
        let shown = match state.data.get() {
            DataState::Ready(loaded) => Some(loaded.record.snapshot_id.clone()),
            _ => None,
        };
        background::keep_only(shown.as_deref());
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
    let nav = Page::ALL
        .into_iter()
        .map(|target| {
            let current = move || (page.get() == target).then_some("page");
            view! {
                <a href=page_href(target, "") aria-current=current data-nav=target.slug()>
                    {move || t(target.title())}
                </a>
            }
        })
        .collect_view();
    view! {
        <header class="app-header">
            <div class="brand">
                <span class="product-name">{move || t(Msg::ProductName)}</span>
                <span class="tagline">{move || t(Msg::Tagline)}</span>
            </div>
            <nav aria-label="main">{nav}</nav>
            <button
                class="language-switch"
                on:click=toggle_language
                aria-label=move || t(Msg::LanguageSwitchLabel)
                data-testid="language-switch"
            >
                {move || t(Msg::LanguageSwitch)}
            </button>
        </header>
        <main data-page=move || page.get().slug()>
            <h1>{move || t(page.get().title())}</h1>
            {move || match page.get() {
                Page::Overview => view! { <pages::overview::OverviewPage/> }.into_any(),
                Page::Customers => view! { <pages::customers::CustomersPage/> }.into_any(),
                Page::Customer => view! { <pages::customer::CustomerPage/> }.into_any(),
                Page::Segments => view! { <pages::segments::SegmentsPage/> }.into_any(),
                Page::RelationshipManagers => {
                    view! { <pages::relationship_managers::RelationshipManagersPage/> }.into_any()
                }
                Page::Data => view! { <pages::data::DataPage/> }.into_any(),
                Page::Settings => view! { <pages::settings::SettingsPage/> }.into_any(),
            }}
        </main>
    }
}
