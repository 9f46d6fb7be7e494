//! 关系维护 Relationship: a manager's day over the imported data plus the journal — overdue
//! contacts, follow-ups, alerts, client events, satisfaction, the contact log, unassigned key
//! accounts and the workload balance. Everything recorded here is a journal event.

use crate::format::date;
use crate::i18n::{Lang, Msg};
use crate::journal::{EventKind, Rsvp};
use crate::model::{Day, NO_RELATIONSHIP_MANAGER};
use crate::storage::Store;
use crate::ui::components::{whole_number, ChartCanvas, DataTable, WithData};
use crate::ui::state::{AppState, Loaded};
use crate::ui::{current_path, page_href};
use crate::view::relationship::{
    alert_rows, balance_proposal, contact_rows, event_ics, invitations_csv, invitations_xlsx,
    list_invitations, nps_text, nps_trend, overdue_rows, points, previous_tiers, task_rows,
    tier_invitees, workbench, workbench_after, CustomerCell, OverdueOrder, Workbench,
};
use crate::view::url::Page;
use leptos::prelude::*;
use std::sync::Arc;

/// The working day: the browser's local calendar date.
pub fn today() -> Day {
    let now = js_sys::Date::new_0();
    Day::from_ymd(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or(Day((js_sys::Date::now() / 86_400_000.0) as i32))
}

/// Rows of each list "my day" shows.
const MY_DAY_ROWS: usize = 10;
/// Follow-ups "my day" lists, the earliest due first: each has its own button.
const MY_DAY_TASKS: usize = 50;
/// Rows of the overdue and alert tables.
const TABLE_ROWS: usize = 200;

/// The page.
#[component]
pub fn RelationshipPage() -> impl IntoView {
    view! { <WithData render=relationship/> }
}

/// The workbench of the data shown, app-wide (the navigation's badge counts its alerts), with
/// the previous snapshot's tiers once read.
#[derive(Clone, Copy)]
pub struct SharedWorkbench(pub Memo<Option<Arc<Workbench>>>);

impl SharedWorkbench {
    /// Built once, in the app's frame.
    pub fn new() -> SharedWorkbench {
        let state = expect_context::<AppState>();
        let previous = LocalResource::new(move || {
            let data = state.data.get();
            async move {
                let crate::ui::DataState::Ready(loaded) = data else {
                    return None;
                };
                match Store::browser().previous(&loaded.record).await {
                    Ok(Some((_, earlier))) => Some((
                        loaded.record.snapshot_id.clone(),
                        Arc::new(previous_tiers(&loaded, &earlier)),
                    )),
                    _ => None,
                }
            }
        });
        SharedWorkbench(Memo::new_with_compare(
            move |shown: Option<&Option<Arc<Workbench>>>| {
                let crate::ui::DataState::Ready(loaded) = state.data.get() else {
                    return None;
                };
                let journal = state.journal.get();
                let settings = state.workbench.get();
                let reader = settings
                    .author
                    .as_ref()
                    .map(|a| a.key.clone())
                    .unwrap_or_default();
                // The previous tiers of this snapshot, once read (not a stale one's).
                let earlier = previous
                    .get()
                    .flatten()
                    .filter(|(id, _)| *id == loaded.record.snapshot_id)
                    .map(|(_, tiers)| tiers);
                let started = window().performance().map(|p| p.now());
                let bench = workbench_after(
                    shown.and_then(|shown| shown.as_deref()),
                    &loaded,
                    &journal,
                    &settings,
                    earlier.as_deref().map(|v| v.as_slice()),
                    today(),
                    &reader,
                );
                // How long alerts, cadence and follow-ups took to recompute, for `make bench`.
                if let (Some(performance), Some(started)) = (window().performance(), started) {
                    let _ = js_sys::Reflect::set(
                        &window(),
                        &"keystoneWorkbenchMs".into(),
                        &(performance.now() - started).into(),
                    );
                }
                Some(Arc::new(bench))
            },
            |before, after| match (before, after) {
                (Some(Some(before)), Some(Some(after))) => !Arc::ptr_eq(before, after),
                (Some(None), Some(None)) => false,
                _ => true,
            },
        ))
    }
}

/// The workbench of `loaded`, as the app computed it.
pub fn bench_memo(loaded: Arc<Loaded>) -> Memo<Arc<Workbench>> {
    let state = expect_context::<AppState>();
    let shared = expect_context::<SharedWorkbench>();
    Memo::new_with_compare(
        move |_| {
            shared.0.get().unwrap_or_else(|| {
                let settings = state.workbench.get();
                Arc::new(workbench(
                    &loaded,
                    &state.journal.get(),
                    &settings,
                    None,
                    today(),
                    "",
                ))
            })
        },
        |before, after| match (before, after) {
            // A new workbench is a new computation: comparing two whole ones cost more than
            // redrawing, and each section compares its own rows.
            (Some(before), Some(after)) => !Arc::ptr_eq(before, after),
            _ => true,
        },
    )
}

fn customer_link(cell: &CustomerCell) -> impl IntoView {
    view! {
        <td><a href=cell.href.clone() data-customer=cell.id.clone() translate="no">{cell.id.clone()}</a></td>
        <td translate="no">{cell.name.clone()}</td>
    }
}

fn relationship(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let state = expect_context::<AppState>();
    let bench = bench_memo(loaded.clone());
    let managers = loaded.dataset.relationship_managers().clone();
    let n_managers = managers.len();
    // The author's own book unless another is chosen.
    let own = state.workbench.get_untracked().author.and_then(|a| {
        (0..n_managers)
            .find(|&m| managers.rm_id.get(m) == a.key)
            .map(|m| m as u32)
    });
    let book = RwSignal::new(own);
    let order = RwSignal::new(OverdueOrder::Overdue);
    let search = RwSignal::new(String::new());
    let path = current_path();
    let t = move |msg: Msg| lang.text(msg);

    let author_line = move || {
        match state.workbench.get().author {
        Some(author) => view! {
            <p data-testid="author">{t(Msg::WorkingAs)} ": " <span translate="no">{author.name} " (" {author.key} ")"</span></p>
        }
        .into_any(),
        None => view! {
            <p class="notice" role="status" data-testid="no-author">
                {t(Msg::NoAuthor)} " " <a href=page_href(Page::Settings)>{t(Msg::NavSettings)}</a>
            </p>
        }
        .into_any(),
    }
    };
    let book_options = (0..n_managers)
        .map(|m| {
            let id = managers.rm_id.get(m).to_owned();
            let name = managers.name.get(m).to_owned();
            view! { <option value=m.to_string() translate="no" selected=move || book.get() == Some(m as u32)>{format!("{id} {name}")}</option> }
        })
        .collect_view();
    let on_book = move |ev| {
        book.set(event_target_value(&ev).parse::<u32>().ok());
    };

    let journal_input = NodeRef::<leptos::html::Input>::new();
    let on_journal_file = move |_| {
        let Some(input) = journal_input.get() else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                state.import_journal(js_sys::Uint8Array::new(&buffer).to_vec());
            }
        });
    };

    // Each section reads a memo of just the rows it shows: a record redraws the sections whose
    // rows changed, not every table (and chart) of the page.
    let my_day_rows = {
        let loaded = loaded.clone();
        let path = path.clone();
        Memo::new(move |_| {
            let bench = bench.get();
            let manager = book.get();
            let overdue = overdue_rows(
                &loaded,
                &bench,
                manager,
                OverdueOrder::Overdue,
                lang,
                &path,
                MY_DAY_ROWS,
            );
            let tasks = task_rows(&loaded, &bench, manager, 7, lang, &path, MY_DAY_TASKS);
            let alerts = alert_rows(&loaded, &bench, manager, lang, &path, MY_DAY_ROWS);
            let horizon = bench.today.plus_days(30);
            let events: Vec<_> = bench
                .events
                .iter()
                .filter(|e| e.day() >= bench.today && e.day() <= horizon)
                .cloned()
                .collect();
            (overdue, tasks, alerts, events)
        })
    };
    let my_day = move || {
        let (overdue, tasks, alerts, events) = my_day_rows.get();
        let overdue_count = overdue.total;
        let overdue_list = overdue
            .rows
            .into_iter()
            .map(|row| view! { <li data-overdue=row.customer.id.clone()><a href=row.customer.href.clone() translate="no">{row.customer.id.clone()}</a> " " <span translate="no">{row.customer.name.clone()}</span> " · " {row.overdue_days} " " {t(Msg::Days)}</li> })
            .collect_view();
        let task_count = tasks.total;
        let task_list = tasks
            .rows
            .into_iter()
            .map(|task| {
                let id = task.task_id.clone();
                let class = if task.late { "late" } else { "" };
                view! {
                    <li class=class data-task=task.task_id.clone()>
                         <a href=task.customer.href.clone() translate="no">{task.customer.id.clone()}</a> " " {task.label.clone()} " " <span translate="no">{task.text.clone()}</span> " · " {task.due.clone()} " "
                        <button class="secondary small" data-testid="task-done" on:click=move |_| state.record(vec![EventKind::TaskDone { task_id: id.clone() }])>{t(Msg::Done)}</button>
                    </li>
                }
            })
            .collect_view();
        let alert_count = alerts.total;
        let alert_list = alerts
            .rows
            .into_iter()
            .map(|a| view! { <li data-alert=a.rule.key()><a href=a.customer.href.clone() translate="no">{a.customer.id.clone()}</a> " " {a.rule_name} " · " {a.value}</li> })
            .collect_view();
        let event_list = events
            .into_iter()
            .map(|e| view! { <li data-event=e.event_id.clone()>{e.starts.replace('T', " ")} " " <span translate="no">{e.name.clone()}</span> " · " {e.invited.len()}</li> })
            .collect_view();
        view! {
            <div class="my-day" data-testid="my-day">
                <section><h3>{t(Msg::OverdueContacts)} " (" <span data-testid="my-overdue-count">{overdue_count}</span> ")"</h3><ul>{overdue_list}</ul></section>
                <section><h3>{t(Msg::TasksDue)} " (" <span data-testid="my-task-count">{task_count}</span> ")"</h3><ul data-testid="my-tasks">{task_list}</ul></section>
                <section><h3>{t(Msg::NewAlerts)} " (" <span data-testid="my-alert-count">{alert_count}</span> ")"</h3><ul>{alert_list}</ul></section>
                <section><h3>{t(Msg::UpcomingEvents)}</h3><ul data-testid="my-events">{event_list}</ul></section>
            </div>
        }
    };

    let overdue = {
        let loaded = loaded.clone();
        let path = path.clone();
        Memo::new(move |_| {
            overdue_rows(
                &loaded,
                &bench.get(),
                book.get(),
                order.get(),
                lang,
                &path,
                TABLE_ROWS,
            )
            .rows
        })
    };
    let overdue_table = {
        move || {
            let rows = overdue
                .get()
            .into_iter()
            .map(|row| {
                view! {
                    <tr data-customer-row=row.customer.id.clone()>
                        {customer_link(&row.customer)}
                        <td>{row.customer.tier.clone()}</td>
                        <td class="num">{row.customer.aum.clone()}</td>
                        <td translate="no">{row.customer.manager.clone()}</td>
                        <td>{row.last_contact.clone()}</td>
                        <td>{row.due.clone()}</td>
                        <td class="num" data-overdue-days=row.overdue_days>{row.overdue_days}</td>
                    </tr>
                }
            })
            .collect_view();
            view! {
                <DataTable testid="overdue-table" scroll=true headers=vec![t(Msg::CustomerId), t(Msg::Name), t(Msg::Tier), t(Msg::Aum), t(Msg::RmId), t(Msg::LastContact), t(Msg::DueOn), t(Msg::OverdueBy)]>{rows}</DataTable>
            }
        }
    };

    let alerts = {
        let loaded = loaded.clone();
        let path = path.clone();
        Memo::new(move |_| {
            alert_rows(&loaded, &bench.get(), book.get(), lang, &path, TABLE_ROWS).rows
        })
    };
    let alerts_table = {
        move || {
            // Keyed by alert and value: acknowledging an alert takes its row out, the others
            // stay as drawn, and a value that moved (a day later, more overdue) is drawn anew.
            let rows = view! {
                <For each=move || alerts.get() key=|a| (a.key.clone(), a.value.clone()) let:a>
                {
                    let today = bench.with_untracked(|b| b.today);
                    let (ack, snooze, task) = (a.key.clone(), a.key.clone(), a.key.clone());
                    let customer_id = a.customer.id.clone();
                    let title = format!("{} · {}", a.rule_name, a.value);
                    view! {
                        <tr data-alert-row=a.rule.key()>
                            {customer_link(&a.customer)}
                            <td>{a.rule_name}</td>
                            <td class="num">{a.value.clone()}</td>
                            <td>
                                <button class="secondary small" data-testid="alert-ack" on:click=move |_| state.record(vec![EventKind::AlertAcknowledged { alert_key: ack.clone() }])>{t(Msg::Acknowledge)}</button>
                                <button class="secondary small" data-testid="alert-snooze" on:click=move |_| state.record(vec![EventKind::AlertSnoozed { alert_key: snooze.clone(), until: today.plus_days(7) }])>{t(Msg::Snooze)}</button>
                                <button class="secondary small" data-testid="alert-task" on:click=move |_| state.record(vec![
                                    EventKind::TaskCreated { task_id: format!("alert:{task}"), customer_id: customer_id.clone(), title: title.clone(), due: today.plus_days(3) },
                                    EventKind::AlertAcknowledged { alert_key: task.clone() },
                                ])>{t(Msg::MakeTask)}</button>
                            </td>
                        </tr>
                    }
                }
                </For>
            };
            view! { <DataTable testid="alert-table" scroll=true headers=vec![t(Msg::CustomerId), t(Msg::Name), t(Msg::Rule), t(Msg::Value), ""]>{rows}</DataTable> }
        }
    };

    let contacts = {
        let loaded = loaded.clone();
        let path = path.clone();
        Memo::new(move |_| {
            contact_rows(
                &loaded,
                &bench.get(),
                &state.journal.get(),
                book.get(),
                &search.get(),
                lang,
                &path,
            )
        })
    };
    let contact_log = {
        move || {
            let rows = contacts
                .get()
                .into_iter()
                .map(|c| {
                    view! {
                        <tr>
                            <td>{c.date.clone()}</td>
                            {customer_link(&c.customer)}
                            <td translate=c.how_is_data.then_some("no")>{c.how.clone()}</td>
                            <td translate="no">{c.note.clone()}</td>
                            <td translate="no">{c.by.clone()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! { <DataTable testid="contact-log" scroll=true headers=vec![t(Msg::ContactDate), t(Msg::CustomerId), t(Msg::Name), t(Msg::ContactHowLabel), t(Msg::ContactNote), t(Msg::By)]>{rows}</DataTable> }
        }
    };

    // The scores, the latest comments and the trend chart: unchanged by most records.
    let satisfaction = Memo::new(move |_| {
        let bench = bench.get();
        let comments: Vec<_> = bench
            .answers
            .iter()
            .filter(|a| !a.comment.is_empty())
            .take(20)
            .cloned()
            .collect();
        (bench.nps.clone(), comments, nps_trend(&bench, 12, lang))
    });
    let nps_view = {
        let loaded = loaded.clone();
        move || {
            let (nps, comments, trend) = satisfaction.get();
            let nps = &nps;
            let row = |label: String, n: &crate::analytics::nps::Nps, key: String| {
                let (score, responses) = nps_text(n);
                view! { <tr data-nps=key><th scope="row" translate="no">{label}</th><td class="num" data-nps-score="">{score}</td><td class="num">{responses}</td></tr> }
            };
            let mut rows = vec![row(t(Msg::NpsOverall).into(), &nps.overall, "all".into())];
            for m in 0..n_managers {
                let id = loaded
                    .dataset
                    .relationship_managers()
                    .rm_id
                    .get(m)
                    .to_owned();
                rows.push(row(id.clone(), &nps.by_manager[m], format!("rm:{id}")));
            }
            for (tier, n) in nps.by_tier.iter().enumerate() {
                rows.push(row(
                    loaded.tier_name(tier, lang).to_owned(),
                    n,
                    format!("tier:{tier}"),
                ));
            }
            let months = nps
                .by_month
                .iter()
                .rev()
                .take(12)
                .map(|((y, m), n)| {
                    let (score, responses) = nps_text(n);
                    view! { <tr><td>{format!("{y}-{m:02}")}</td><td class="num">{score}</td><td class="num">{responses}</td></tr> }
                })
                .collect_view();
            let comments = comments
                .into_iter()
                .map(|a| view! { <li><span class="num">{a.score}</span> " " <span translate="no">{a.comment.clone()}</span> " · " {date(a.date, lang)}</li> })
                .collect_view();
            let trend =
                trend.map(|spec| view! { <ChartCanvas spec=spec height=280 testid="nps-chart"/> });
            view! {
                {trend}
                <div class="two-col">
                    <DataTable testid="nps-table" headers=vec!["", t(Msg::Nps), t(Msg::Responses)]>{rows}</DataTable>
                    <DataTable testid="nps-trend" headers=vec![t(Msg::Month), t(Msg::Nps), t(Msg::Responses)]>{months}</DataTable>
                </div>
                <h3>{t(Msg::Comments)}</h3>
                <ul class="comments">{comments}</ul>
            }
        }
    };

    let client_events = Memo::new(move |_| bench.get().events.clone());
    let events_view = {
        let loaded = loaded.clone();
        move || {
            let tiers = loaded.tier_rules.tiers.len();
            client_events
                .get()
                .iter()
                .map(|e| {
                    let event = e.clone();
                    let invite_tier = RwSignal::new(0u8);
                    let tier_options = (0..tiers)
                        .map(|tier| view! { <option value=tier.to_string()>{loaded.tier_name(tier, lang).to_owned()}</option> })
                        .collect_view();
                    let invite = {
                        let loaded = loaded.clone();
                        let event = event.clone();
                        move |_| {
                            let rows = tier_invitees(&loaded, invite_tier.get_untracked());
                            match list_invitations(&loaded, &rows, &event) {
                                Ok(kinds) => state.record(kinds),
                                Err(refusal) => state.notice.set(Some(refusal.text(lang))),
                            }
                        }
                    };
                    let download_ics = {
                        let event = event.clone();
                        move |_| {
                            let iso: String = js_sys::Date::new_0().to_iso_string().into();
                            let stamp: String = iso.chars().filter(|c| c.is_ascii_digit() || *c == 'T').take(15).collect::<String>() + "Z";
                            match event_ics(&event, lang, &stamp) {
                                Ok(ics) => crate::ui::download::download_bytes(&format!("{}.ics", event.event_id), "text/calendar", ics.as_bytes()),
                                Err(error) => state.notice.set(Some(error)),
                            }
                        }
                    };
                    let download_csv = {
                        let event = event.clone();
                        let loaded = loaded.clone();
                        move |_| {
                            let csv = invitations_csv(&loaded, &event, lang);
                            // A BOM so spreadsheet apps read the Chinese as UTF-8.
                            let bytes = [&[0xEF, 0xBB, 0xBF][..], csv.as_bytes()].concat();
                            crate::ui::download::download_bytes(&format!("{}-invitations.csv", event.event_id), "text/csv", &bytes);
                        }
                    };
                    let download_xlsx = {
                        let event = event.clone();
                        let loaded = loaded.clone();
                        move |_| {
                            match invitations_xlsx(&loaded, &event, lang, (js_sys::Date::now() / 1000.0) as i64) {
                                Ok(bytes) => crate::ui::download::download_bytes(
                                    &format!("{}-invitations.xlsx", event.event_id),
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                    &bytes,
                                ),
                                Err(error) => state.notice.set(Some(error)),
                            }
                        }
                    };
                    let guests = e
                        .invited
                        .iter()
                        .take(100)
                        .map(|id| {
                            let answer = e.answer(id);
                            let came = e.attended.contains(id);
                            let (yes, no, attend) = (
                                (e.event_id.clone(), id.clone()),
                                (e.event_id.clone(), id.clone()),
                                (e.event_id.clone(), id.clone()),
                            );
                            let answer_text = match answer {
                                Some(Rsvp::Yes) => t(Msg::RsvpYes),
                                Some(Rsvp::No) => t(Msg::RsvpNo),
                                Some(Rsvp::Maybe) => "?",
                                None => "",
                            };
                            view! {
                                <tr data-guest=id.clone()>
                                    <td translate="no">{id.clone()}</td>
                                    <td data-rsvp="">{answer_text}</td>
                                    <td>{if came { "✓" } else { "" }}</td>
                                    <td>
                                        <button class="secondary small" data-testid="rsvp-yes" on:click=move |_| state.record(vec![EventKind::Answered { event_id: yes.0.clone(), customer_id: yes.1.clone(), answer: Rsvp::Yes }])>{t(Msg::RsvpYes)}</button>
                                        <button class="secondary small" on:click=move |_| state.record(vec![EventKind::Answered { event_id: no.0.clone(), customer_id: no.1.clone(), answer: Rsvp::No }])>{t(Msg::RsvpNo)}</button>
                                        <button class="secondary small" data-testid="attended" on:click=move |_| state.record(vec![EventKind::Attended { event_id: attend.0.clone(), customer_id: attend.1.clone() }])>{t(Msg::MarkAttended)}</button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <article class="client-event" data-event-card=e.event_id.clone()>
                            <h3 translate="no">{e.name.clone()}</h3>
                            <p>{e.starts.replace('T', " ")} " · " <span translate="no">{e.place.clone()}</span> " · " {t(Msg::EventCapacity)} " " {e.capacity}
                               " · " {t(Msg::Invited)} " " <span data-testid="invited-count">{e.invited.len()}</span>
                               " · " {t(Msg::Coming)} " " {e.coming()} " · " {t(Msg::Attended)} " " {e.attended.len()}</p>
                            <div class="actions">
                                <select data-testid="invite-tier" on:change=move |ev| invite_tier.set(event_target_value(&ev).parse().unwrap_or(0))>{tier_options}</select>
                                <button data-testid="invite" on:click=invite>{t(Msg::InviteTier)}</button>
                                <button class="secondary" data-testid="download-ics" on:click=download_ics>{t(Msg::DownloadIcs)}</button>
                                <button class="secondary" data-testid="download-invitations" on:click=download_csv>{t(Msg::DownloadInvitations)}</button>
                                <button class="secondary" data-testid="download-invitations-xlsx" on:click=download_xlsx>{t(Msg::DownloadInvitationsXlsx)}</button>
                            </div>
                            <DataTable testid="guests" scroll=true headers=vec![t(Msg::CustomerId), t(Msg::Coming), t(Msg::Attended), ""]>{guests}</DataTable>
                        </article>
                    }
                })
                .collect_view()
        }
    };
    let (event_name, event_starts, event_place, event_capacity) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new("30".to_owned()),
    );
    let create_event = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = event_name.get_untracked().trim().to_owned();
        let starts = event_starts.get_untracked();
        if name.is_empty() || starts.len() < 16 {
            return;
        }
        let event_id = format!("E{}", js_sys::Date::now() as u64);
        state.record(vec![EventKind::EventCreated {
            event_id,
            name,
            starts: starts[..16].to_owned(),
            place: event_place.get_untracked().trim().to_owned(),
            capacity: event_capacity.get_untracked().trim().parse().unwrap_or(0),
        }]);
        event_name.set(String::new());
    };

    let balance_view = {
        let loaded = loaded.clone();
        move || {
            let settings = state.workbench.get();
            let proposal = balance_proposal(&loaded, &settings);
            let managers = loaded.dataset.relationship_managers();
            let moves_out = |m: usize| {
                proposal
                    .moves
                    .iter()
                    .filter(|mv| mv.from as usize == m)
                    .count()
            };
            let moves_in = |m: usize| {
                proposal
                    .moves
                    .iter()
                    .filter(|mv| mv.to as usize == m)
                    .count()
            };
            let rows = (0..managers.len())
                .map(|m| {
                    view! {
                        <tr data-balance=managers.rm_id.get(m).to_owned()>
                            <td translate="no">{managers.rm_id.get(m).to_owned()}</td>
                            <td class="num" data-load="before">{points(proposal.before[m])}</td>
                            <td class="num" data-load="after">{points(proposal.after[m])}</td>
                            <td class="num">{format!("−{} / +{}", moves_out(m), moves_in(m))}</td>
                        </tr>
                    }
                })
                .collect_view();
            let ids = &loaded.dataset.customers().customer_id;
            let kinds: Vec<EventKind> = proposal
                .moves
                .iter()
                .map(|mv| EventKind::AssignmentChanged {
                    customer_id: ids.get(mv.customer).to_owned(),
                    rm_id: managers.rm_id.get(mv.to as usize).to_owned(),
                })
                .collect();
            let n_moves = kinds.len();
            let accept = move |_| state.record(kinds.clone());
            view! {
                <p>{t(Msg::BalanceExplain)}</p>
                {weights_form(&loaded, lang)}
                <DataTable testid="balance-table" headers=vec![t(Msg::RmId), t(Msg::LoadBefore), t(Msg::LoadAfter), t(Msg::Moves)]>{rows}</DataTable>
                {if n_moves == 0 {
                    view! { <p data-testid="balance-none">{t(Msg::NothingToBalance)}</p> }.into_any()
                } else {
                    view! { <button data-testid="accept-balance" on:click=accept>{t(Msg::AcceptProposal)} " (" <span data-testid="balance-moves">{n_moves}</span> ")"</button> }.into_any()
                }}
            }
        }
    };

    let unassigned_view = {
        let loaded = loaded.clone();
        let path = path.clone();
        move || {
            let key = loaded.tier_rules.key_account_tiers;
            let c = loaded.dataset.customers();
            let rows = (0..c.len())
                .filter(|&row| c.relationship_manager_idx[row] == NO_RELATIONSHIP_MANAGER
                    && usize::from(loaded.analysis.tier_of_customer[row]) < key)
                .take(100)
                .map(|row| {
                    let cell = crate::view::relationship::customer_cell(&loaded, row, lang, &path);
                    let target = RwSignal::new(0usize);
                    let options = (0..n_managers)
                        .map(|m| view! { <option value=m.to_string() translate="no">{loaded.dataset.relationship_managers().rm_id.get(m).to_owned()}</option> })
                        .collect_view();
                    let customer_id = cell.id.clone();
                    let rm_ids = loaded.dataset.relationship_managers().rm_id.clone();
                    view! {
                        <tr data-unassigned=cell.id.clone()>
                            {customer_link(&cell)}
                            <td>{cell.tier.clone()}</td>
                            <td class="num">{cell.aum.clone()}</td>
                            <td>
                                <select aria-label=t(Msg::AssignTo) on:change=move |ev| target.set(event_target_value(&ev).parse().unwrap_or(0))>{options}</select>
                                <button class="secondary small" data-testid="assign" on:click=move |_| state.record(vec![EventKind::AssignmentChanged { customer_id: customer_id.clone(), rm_id: rm_ids.get(target.get_untracked()).to_owned() }])>{t(Msg::Assign)}</button>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! { <DataTable testid="unassigned-key-accounts" headers=vec![t(Msg::CustomerId), t(Msg::Name), t(Msg::Tier), t(Msg::Aum), ""]>{rows}</DataTable> }
        }
    };

    let as_of = loaded.as_of_text(lang);
    let journal_count = move || state.journal.get().len();
    view! {
        <section class="panel">
            {author_line}
            <p>{t(Msg::Today)} " " {move || date(bench.with(|b| b.today), lang)} " · " {t(Msg::DataDate)} " " {as_of}</p>
            <label for="book-select">{t(Msg::BookOf)}</label>
            <select id="book-select" data-testid="book-select" on:change=on_book>
                <option value="" selected=move || book.get().is_none()>{t(Msg::Everyone)}</option>
                {book_options}
            </select>
            <p>
                {t(Msg::Journal)} ": " <span data-testid="journal-count">{journal_count}</span> " " {t(Msg::JournalCount)} " "
                <button class="secondary" data-testid="export-journal" on:click=move |_| state.export_journal()>{t(Msg::ExportJournal)}</button>
                // The page's own button over the file input: the browser's speaks its own language.
                <label class="file-pick">
                    <input type="file" class="file-input" accept=".journal,.txt" node_ref=journal_input data-testid="import-journal" on:change=on_journal_file/>
                    <span class="button secondary">{t(Msg::ImportJournal)}</span>
                </label>
            </p>
            {move || state.notice.get().map(|notice| view! { <p class="notice" role="status" data-testid="notice">{notice}</p> })}
        </section>
        <section class="panel">
            <h2>{t(Msg::MyDay)}</h2>
            {my_day}
        </section>
        <section class="panel">
            <h2>{t(Msg::OverdueContacts)}</h2>
            <div class="actions">
                <button class="secondary" data-testid="sort-overdue" aria-pressed=move || (order.get() == OverdueOrder::Overdue).to_string() on:click=move |_| order.set(OverdueOrder::Overdue)>{t(Msg::SortByOverdue)}</button>
                <button class="secondary" data-testid="sort-aum" aria-pressed=move || (order.get() == OverdueOrder::Aum).to_string() on:click=move |_| order.set(OverdueOrder::Aum)>{t(Msg::SortByAum)}</button>
            </div>
            {overdue_table}
        </section>
        <section class="panel">
            <h2>{t(Msg::NewAlerts)} " (" {move || bench.with(|b| b.alerts.len())} ")"</h2>
            {alerts_table}
        </section>
        <section class="panel">
            <h2>{t(Msg::Events)}</h2>
            <form class="inline-form" data-testid="event-form" on:submit=create_event>
                <label>{t(Msg::EventName)}<input required data-testid="event-name" prop:value=move || event_name.get() on:input=move |ev| event_name.set(event_target_value(&ev))/></label>
                <label>{t(Msg::EventStarts)}<input type="datetime-local" required data-testid="event-starts" on:input=move |ev| event_starts.set(event_target_value(&ev))/></label>
                <label>{t(Msg::EventPlace)}<input data-testid="event-place" on:input=move |ev| event_place.set(event_target_value(&ev))/></label>
                <label>{t(Msg::EventCapacity)}<input type="number" min="0" data-testid="event-capacity" prop:value=move || event_capacity.get() on:input=move |ev| event_capacity.set(event_target_value(&ev))/></label>
                <button type="submit" data-testid="create-event">{t(Msg::CreateEvent)}</button>
            </form>
            {events_view}
        </section>
        <section class="panel">
            <h2>{t(Msg::Nps)}</h2>
            {nps_view}
        </section>
        <section class="panel">
            <h2>{t(Msg::ContactLog)}</h2>
            <input type="search" data-testid="contact-search" aria-label=t(Msg::SearchContacts) placeholder=t(Msg::SearchContacts) on:input=move |ev| search.set(event_target_value(&ev))/>
            {contact_log}
        </section>
        <section class="panel">
            <h2>{t(Msg::UnassignedKeyAccounts)}</h2>
            {unassigned_view}
        </section>
        <section class="panel">
            <h2>{t(Msg::WorkloadBalance)}</h2>
            {balance_view}
        </section>
    }
}

/// The balance weights: points per client of each tier, per ¥1M of AUM, and the tolerance.
/// Saved in this browser; the proposal above follows at once.
fn weights_form(loaded: &Loaded, lang: Lang) -> impl IntoView {
    let state = expect_context::<AppState>();
    let weights = state.workbench.get_untracked().weights;
    let tiers = loaded.tier_rules.tiers.len();
    let tier_points: Vec<RwSignal<String>> = (0..tiers)
        .map(|tier| {
            RwSignal::new(
                weights
                    .tier_points
                    .get(tier)
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
            )
        })
        .collect();
    let per_million = RwSignal::new(weights.points_per_million.to_string());
    let tolerance = RwSignal::new(weights.tolerance_percent.to_string());
    let fields = tier_points
        .iter()
        .enumerate()
        .map(|(tier, &value)| {
            let label = format!("{} · {}", loaded.tier_name(tier, lang), lang.text(Msg::TierPoints));
            view! { <label>{label}<input type="number" min="0" data-testid="tier-points" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/></label> }
        })
        .collect_view();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut settings = state.workbench.get_untracked();
        let points: Option<Vec<u32>> = tier_points.iter().map(|&s| whole_number(s)).collect();
        if let Some(points) = points {
            settings.weights.tier_points = points;
        }
        if let Some(v) = whole_number(per_million) {
            settings.weights.points_per_million = v;
        }
        if let Some(v) = whole_number(tolerance) {
            settings.weights.tolerance_percent = v;
        }
        state.set_workbench(settings);
    };
    view! {
        <form class="inline-form" data-testid="weights-form" on:submit=save aria-label=lang.text(Msg::BalanceWeights)>
            {fields}
            <label>{lang.text(Msg::PointsPerMillion)}<input type="number" min="0" data-testid="points-per-million" prop:value=move || per_million.get() on:input=move |ev| per_million.set(event_target_value(&ev))/></label>
            <label>{lang.text(Msg::TolerancePercent)}<input type="number" min="0" data-testid="tolerance" prop:value=move || tolerance.get() on:input=move |ev| tolerance.set(event_target_value(&ev))/></label>
            <button type="submit" data-testid="save-weights">{lang.text(Msg::SaveWeights)}</button>
        </form>
    }
}
