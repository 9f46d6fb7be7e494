//! The 关系维护 Relationship page's model: the imported snapshot plus the journal, as a
//! manager works through it — who is overdue, what is due today, which alerts are open, the
//! client events, satisfaction, coverage per manager and the balancing proposal.

use super::url::{href, CustomersQuery, Page};
use super::Loaded;
use crate::analytics::alerts::{journal_alerts, AlertDecisions, AlertInput, AlertRule};
use crate::analytics::balance::{propose_balance, Proposal};
use crate::analytics::cadence::{CadencePolicy, ContactStatus};
use crate::analytics::listing::{cells_to_csv, cells_to_xlsx, ListCell};
use crate::analytics::nps::{nps_report, survey_answers, NpsReport, SurveyAnswer};
use crate::analytics::workbench::{
    client_events, contact_statuses, contacts_after, last_contacts, open_tasks_after, ClientEvent,
    Contact, ContactHow, ContactRef, Earlier, EventCustomers, Task, TaskOrigin,
};
use crate::charts::{BarsSpec, Measure};
use crate::format::{count, date, dated_title, money_compact};
use crate::i18n::{Lang, Msg};
use crate::import::neutralise_formula;
use crate::journal::{ContactKind, EventKind, Journal};
use crate::model::{Day, NO_RELATIONSHIP_MANAGER};
use crate::storage::journal::StoredWorkbench;

/// Everything the page derives from the snapshot and the journal, computed once per change.
#[derive(Debug, PartialEq)]
pub struct Workbench {
    /// Every contact, newest first, to be read with the journal it was computed from.
    pub contacts: Vec<ContactRef>,
    /// Whose confidential notes are shown: an author key.
    pub reader: String,
    /// Each customer against their tier's cadence.
    pub status: Vec<ContactStatus>,
    /// Follow-ups not done (shared with the workbench before when no record touched them).
    pub tasks: std::sync::Arc<Vec<Task>>,
    /// Alerts not acknowledged or snoozed past today.
    pub alerts: Vec<crate::analytics::alerts::Alert>,
    /// Every alert the rules raise, dealt with or not.
    pub raised: usize,
    /// Client events.
    pub events: Vec<ClientEvent>,
    /// Survey answers, newest first.
    pub answers: Vec<SurveyAnswer>,
    /// NPS every way.
    pub nps: NpsReport,
    /// The cadence in force.
    pub policy: CadencePolicy,
    /// The working day.
    pub today: Day,
    /// The snapshot it was computed over, and each journal event's customer in it: kept for
    /// the next computation to extend.
    snapshot_id: String,
    customers: EventCustomers,
    last_contact: Vec<Option<Day>>,
}

/// The workbench of `loaded` (its assignments already the journal's) on `today`, for `reader`
/// (an author key), with the previous snapshot's tiers when there is one.
pub fn workbench(
    loaded: &Loaded,
    journal: &Journal,
    settings: &StoredWorkbench,
    previous_tier: Option<&[Option<u8>]>,
    today: Day,
    reader: &str,
) -> Workbench {
    workbench_after(
        None,
        loaded,
        journal,
        settings,
        previous_tier,
        today,
        reader,
    )
}

/// As [`workbench`], reusing what `earlier` (the workbench shown before) read of the journal
/// when it was computed over the same snapshot and the journal only grew since: a record then
/// reads its own events, not the hundred thousand before it. The result is the same.
pub fn workbench_after(
    earlier: Option<&Workbench>,
    loaded: &Loaded,
    journal: &Journal,
    settings: &StoredWorkbench,
    previous_tier: Option<&[Option<u8>]>,
    today: Day,
    reader: &str,
) -> Workbench {
    let dataset = &loaded.dataset;
    let analysis = &loaded.analysis;
    let earlier = earlier.filter(|e| e.snapshot_id == loaded.record.snapshot_id);
    let events = client_events(journal);
    let customers = EventCustomers::resolve_after(earlier.map(|e| &e.customers), dataset, journal);
    let earlier = earlier.map(|e| Earlier {
        seen: e.customers.seen(),
        events: &e.events,
        contacts: &e.contacts,
        last_contact: &e.last_contact,
        tasks: &e.tasks,
    });
    let contacts = contacts_after(earlier, dataset, &customers, journal, &events);
    let last = last_contacts(dataset, &contacts);
    let policy = CadencePolicy::default().with_journal(journal);
    let keys: Vec<&str> = loaded
        .tier_rules
        .tiers
        .iter()
        .map(|t| t.key.as_str())
        .collect();
    let status = contact_statuses(&last, &analysis.tier_of_customer, &keys, &policy, today);
    let input = AlertInput {
        dataset,
        as_of: analysis.as_of,
        today,
        aum_fen: &analysis.features.aum_fen,
        recency_days: &analysis.features.recency_days,
        tier_of_customer: &analysis.tier_of_customer,
        key_account_tiers: loaded.tier_rules.key_account_tiers,
        previous_tier,
        contact: &status,
        journal,
        customers: &customers,
    };
    // The snapshot's own alerts are kept across journal changes; the journal's are new.
    let kept = loaded.snapshot_alerts(&input, &settings.thresholds);
    let fresh = journal_alerts(&input);
    let decisions = AlertDecisions::of(journal);
    let n_raised = kept.len() + fresh.len();
    let alerts = kept
        .iter()
        .filter(|a| decisions.is_open(&a.key, today))
        .cloned()
        .chain(
            fresh
                .into_iter()
                .filter(|a| decisions.is_open(&a.key, today)),
        )
        .collect();
    let answers = survey_answers(dataset, &customers, journal);
    let nps = nps_report(
        &answers,
        &dataset.customers().relationship_manager_idx,
        dataset.relationship_managers().len(),
        &analysis.tier_of_customer,
        loaded.tier_rules.tiers.len(),
    );
    let tasks = open_tasks_after(earlier, dataset, &customers, journal, &last);
    Workbench {
        tasks,
        contacts,
        reader: reader.to_owned(),
        status,
        alerts,
        raised: n_raised,
        events,
        answers,
        nps,
        policy,
        today,
        snapshot_id: loaded.record.snapshot_id.clone(),
        customers,
        last_contact: last,
    }
}

/// Each customer's tier in `earlier` by customer id, for the tier-drop alert.
pub fn previous_tiers(loaded: &Loaded, earlier: &crate::model::Dataset) -> Vec<Option<u8>> {
    let (_, _, tiers) = crate::analytics::pipeline::features_and_tiers(earlier, &loaded.tier_rules);
    let rows = crate::analytics::workbench::rows_by_customer_id(earlier);
    loaded
        .dataset
        .customers()
        .customer_id
        .iter()
        .map(|id| rows.get(id).map(|&row| tiers[row]))
        .collect()
}

/// Whose work is shown: one manager's book, or everyone's.
pub fn in_book(loaded: &Loaded, manager: Option<u32>, customer: usize) -> bool {
    manager.is_none_or(|m| loaded.dataset.customers().relationship_manager_idx[customer] == m)
}

/// A customer as a row shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerCell {
    /// The row in the customers table.
    pub row: usize,
    /// Customer id, name, the 360 link.
    pub id: String,
    pub name: String,
    pub href: String,
    /// Tier name, AUM as shown, the manager's id.
    pub tier: String,
    pub aum: String,
    pub manager: String,
}

/// The cell of customer `row`.
pub fn customer_cell(loaded: &Loaded, row: usize, lang: Lang, path: &str) -> CustomerCell {
    let c = loaded.dataset.customers();
    let id = c.customer_id.get(row).to_owned();
    let manager = match c.relationship_manager_idx[row] {
        NO_RELATIONSHIP_MANAGER => String::new(),
        m => loaded
            .dataset
            .relationship_managers()
            .rm_id
            .get(m as usize)
            .to_owned(),
    };
    CustomerCell {
        row,
        href: href(path, Page::Customer, &[("id", id.clone())]),
        id,
        name: c.name.get(row).to_owned(),
        tier: loaded
            .tier_name(usize::from(loaded.analysis.tier_of_customer[row]), lang)
            .to_owned(),
        aum: money_compact(loaded.analysis.features.aum_fen[row], lang),
        manager,
    }
}

/// How the overdue list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverdueOrder {
    /// Most overdue first.
    Overdue,
    /// Largest AUM first.
    Aum,
}

/// One overdue customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueRow {
    pub customer: CustomerCell,
    /// The last contact, or "never".
    pub last_contact: String,
    /// When it was due.
    pub due: String,
    pub overdue_days: i32,
}

/// The first rows of a list as a page shows them, and how long the whole list is: a book of a
/// hundred thousand has tens of thousands overdue, and writing out rows no one sees was most
/// of the time a page took after each record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed<T> {
    /// Rows in the whole list.
    pub total: usize,
    /// Its first rows, at most the limit asked.
    pub rows: Vec<T>,
}

/// Customers past their cadence in `manager`'s book (or everyone's), ordered as asked (ties by
/// customer row), the first `limit` written out.
pub fn overdue_rows(
    loaded: &Loaded,
    bench: &Workbench,
    manager: Option<u32>,
    order: OverdueOrder,
    lang: Lang,
    path: &str,
    limit: usize,
) -> Listed<OverdueRow> {
    let aum = &loaded.analysis.features.aum_fen;
    let mut rows: Vec<usize> = (0..bench.status.len())
        .filter(|&row| bench.status[row].overdue_days > 0 && in_book(loaded, manager, row))
        .collect();
    match order {
        OverdueOrder::Overdue => {
            rows.sort_by_key(|&row| (std::cmp::Reverse(bench.status[row].overdue_days), row))
        }
        OverdueOrder::Aum => rows.sort_by_key(|&row| (std::cmp::Reverse(aum[row]), row)),
    }
    let total = rows.len();
    let rows = rows
        .into_iter()
        .take(limit)
        .map(|row| {
            let status = bench.status[row];
            OverdueRow {
                customer: customer_cell(loaded, row, lang, path),
                last_contact: status.last_contact.map_or_else(
                    || lang.text(Msg::NeverContacted).to_owned(),
                    |d| date(d, lang),
                ),
                due: status.due.map(|d| date(d, lang)).unwrap_or_default(),
                overdue_days: status.overdue_days,
            }
        })
        .collect();
    Listed { total, rows }
}

/// A manager's key accounts and how many are within their cadence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverageRow {
    /// The manager's row, id and name.
    pub manager: usize,
    pub rm_id: String,
    pub name: String,
    pub key_accounts: usize,
    /// Contacted, and not yet due again.
    pub covered: usize,
}

impl CoverageRow {
    /// Whole per cent covered; `None` without key accounts.
    pub fn percent(&self) -> Option<i64> {
        (self.key_accounts > 0)
            .then(|| (self.covered as f64 * 100.0 / self.key_accounts as f64).round() as i64)
    }
}

/// Coverage per manager (in the managers table's order), and its chart.
pub fn coverage(loaded: &Loaded, bench: &Workbench, lang: Lang) -> (Vec<CoverageRow>, BarsSpec) {
    let managers = loaded.dataset.relationship_managers();
    let mut rows: Vec<CoverageRow> = (0..managers.len())
        .map(|m| CoverageRow {
            manager: m,
            rm_id: managers.rm_id.get(m).to_owned(),
            name: managers.name.get(m).to_owned(),
            key_accounts: 0,
            covered: 0,
        })
        .collect();
    let key = loaded.tier_rules.key_account_tiers;
    let c = loaded.dataset.customers();
    for (customer, &manager) in c.relationship_manager_idx.iter().enumerate() {
        let Some(row) = rows.get_mut(manager as usize) else {
            continue;
        };
        if usize::from(loaded.analysis.tier_of_customer[customer]) >= key {
            continue;
        }
        row.key_accounts += 1;
        let status = bench.status[customer];
        if status.last_contact.is_some() && status.due.is_none_or(|due| due >= bench.today) {
            row.covered += 1;
        }
    }
    let chart = BarsSpec {
        title: dated_title(
            lang.text(Msg::CoverageChart),
            &date(bench.today, lang),
            lang,
        ),
        categories: rows.iter().map(|r| r.rm_id.clone()).collect(),
        values: rows.iter().map(|r| r.percent().unwrap_or(0)).collect(),
        caption: lang.text(Msg::CoverageShare).into(),
        measure: Measure::Percent,
    };
    (rows, chart)
}

/// An alert as a row shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertRow {
    pub customer: CustomerCell,
    pub rule: AlertRule,
    /// The rule's name, and what tripped it in words.
    pub rule_name: &'static str,
    pub value: String,
    /// The key the journal acknowledges it by.
    pub key: String,
}

/// A rule's name.
pub fn rule_name(rule: AlertRule, lang: Lang) -> &'static str {
    lang.text(match rule {
        AlertRule::LargeOutflow => Msg::AlertOutflow,
        AlertRule::DormantKeyAccount => Msg::AlertDormant,
        AlertRule::TierDrop => Msg::AlertTierDrop,
        AlertRule::Suitability => Msg::AlertSuitability,
        AlertRule::Maturity => Msg::AlertMaturity,
        AlertRule::LowSatisfaction => Msg::AlertLowSatisfaction,
        AlertRule::OverdueKeyAccount => Msg::AlertOverdue,
    })
}

/// The open alerts of `manager`'s book (or everyone's), the first `limit` written out.
pub fn alert_rows(
    loaded: &Loaded,
    bench: &Workbench,
    manager: Option<u32>,
    lang: Lang,
    path: &str,
    limit: usize,
) -> Listed<AlertRow> {
    let open = || {
        bench
            .alerts
            .iter()
            .filter(|a| in_book(loaded, manager, a.customer))
    };
    let rows = open()
        .take(limit)
        .map(|a| {
            let days = |n: i64| format!("{n} {}", lang.text(Msg::Days));
            let value = match a.rule {
                AlertRule::LargeOutflow => money_compact(a.value, lang),
                AlertRule::DormantKeyAccount | AlertRule::OverdueKeyAccount => days(a.value),
                AlertRule::TierDrop => format!("−{}", a.value),
                AlertRule::Suitability => format!("R{}", a.value),
                AlertRule::Maturity => {
                    format!("{} · {}", date(a.day, lang), money_compact(a.value, lang))
                }
                AlertRule::LowSatisfaction => a.value.to_string(),
            };
            AlertRow {
                customer: customer_cell(loaded, a.customer, lang, path),
                rule: a.rule,
                rule_name: rule_name(a.rule, lang),
                value,
                key: a.key.to_string(),
            }
        })
        .collect();
    Listed {
        total: open().count(),
        rows,
    }
}

/// A follow-up as a row shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskRow {
    pub customer: CustomerCell,
    pub task_id: String,
    /// What kind of follow-up, in the reader's language (none for one written by hand).
    pub label: String,
    /// What was written: the task, the next step, the detractor's comment (the bank's words).
    pub text: String,
    pub due: String,
    /// Past due on the working day.
    pub late: bool,
}

/// `manager`'s follow-ups (or everyone's) due within `days` of today, earliest first.
pub fn task_rows(
    loaded: &Loaded,
    bench: &Workbench,
    manager: Option<u32>,
    days: i32,
    lang: Lang,
    path: &str,
    limit: usize,
) -> Listed<TaskRow> {
    let until = bench.today.plus_days(days);
    let due = || {
        bench
            .tasks
            .iter()
            .filter(move |t| t.due <= until && in_book(loaded, manager, t.customer))
    };
    let rows = due()
        .take(limit)
        .map(|t| TaskRow {
            customer: customer_cell(loaded, t.customer, lang, path),
            task_id: t.task_id.clone(),
            label: match t.origin {
                TaskOrigin::Detractor(score) => {
                    format!("{} {score}", lang.text(Msg::FollowUpDetractor))
                }
                _ => String::new(),
            },
            text: t.title.clone(),
            due: date(t.due, lang),
            late: t.due < bench.today,
        })
        .collect();
    Listed {
        total: due().count(),
        rows,
    }
}

/// How a contact was made, in words.
pub fn contact_how(how: &ContactHow, lang: Lang) -> String {
    match how {
        ContactHow::Imported(kind) => kind.clone(),
        ContactHow::Recorded(kind) => contact_kind_name(*kind, lang).to_owned(),
        ContactHow::Attended(name) => format!("{} · {name}", lang.text(Msg::ContactEvent)),
    }
}

/// A contact kind's name.
pub fn contact_kind_name(kind: ContactKind, lang: Lang) -> &'static str {
    lang.text(match kind {
        ContactKind::Call => Msg::ContactCall,
        ContactKind::Visit => Msg::ContactVisit,
        ContactKind::Meeting => Msg::ContactMeeting,
        ContactKind::Message => Msg::ContactMessage,
        ContactKind::Email => Msg::ContactEmail,
        ContactKind::Event => Msg::ContactEvent,
    })
}

/// Every contact kind, in the form's order.
pub const CONTACT_KINDS: [(ContactKind, &str); 6] = [
    (ContactKind::Visit, "visit"),
    (ContactKind::Call, "call"),
    (ContactKind::Meeting, "meeting"),
    (ContactKind::Message, "message"),
    (ContactKind::Email, "email"),
    (ContactKind::Event, "event"),
];

/// The contact log row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactRow {
    pub customer: CustomerCell,
    pub date: String,
    pub how: String,
    /// Whether `how` is the export's own word (shown untranslated) rather than Keystone's.
    pub how_is_data: bool,
    /// The note, or the confidential marker.
    pub note: String,
    pub by: String,
}

/// The contact log shows the newest this many: a search finds older ones.
pub const CONTACT_LOG_ROWS: usize = 100;

/// Contacts of `manager`'s book (or everyone's) whose customer id, name, note or kind contains
/// `search`, newest first, at most [`CONTACT_LOG_ROWS`].
pub fn contact_rows(
    loaded: &Loaded,
    bench: &Workbench,
    journal: &Journal,
    manager: Option<u32>,
    search: &str,
    lang: Lang,
    path: &str,
) -> Vec<ContactRow> {
    let search = search.trim().to_lowercase();
    let c = loaded.dataset.customers();
    bench
        .contacts
        .iter()
        .filter(|contact| in_book(loaded, manager, contact.customer))
        .map(|contact| {
            let contact = contact.read(&loaded.dataset, journal, &bench.events, &bench.reader);
            let how = contact_how(&contact.how, lang);
            (contact, how)
        })
        .filter(|(contact, how)| {
            search.is_empty()
                || c.customer_id
                    .get(contact.customer)
                    .to_lowercase()
                    .contains(&search)
                || c.name
                    .get(contact.customer)
                    .to_lowercase()
                    .contains(&search)
                || how.to_lowercase().contains(&search)
                || contact
                    .note
                    .as_deref()
                    .is_some_and(|n| n.to_lowercase().contains(&search))
        })
        .take(CONTACT_LOG_ROWS)
        .map(|(contact, how)| ContactRow {
            customer: customer_cell(loaded, contact.customer, lang, path),
            date: date(contact.date, lang),
            how,
            how_is_data: !matches!(contact.how, ContactHow::Recorded(_)),
            note: contact
                .note
                .unwrap_or_else(|| lang.text(Msg::Confidential).to_owned()),
            by: contact.by,
        })
        .collect()
}

/// A customer's contacts, newest first, at most `limit`.
pub fn customer_contacts(
    loaded: &Loaded,
    bench: &Workbench,
    journal: &Journal,
    customer: usize,
    limit: usize,
) -> Vec<Contact> {
    bench
        .contacts
        .iter()
        .filter(|c| c.customer == customer)
        .take(limit)
        .map(|c| c.read(&loaded.dataset, journal, &bench.events, &bench.reader))
        .collect()
}

/// An NPS as shown: the score with one decimal and the responses.
pub fn nps_text(nps: &crate::analytics::nps::Nps) -> (String, String) {
    (
        nps.score()
            .map_or_else(|| "—".to_owned(), |s| format!("{s:.1}")),
        count(nps.responses() as usize),
    )
}

/// NPS by month, the last `months` with answers, oldest first: a month's score is drawn
/// with its response count in its label.
pub fn nps_trend(bench: &Workbench, months: usize, lang: Lang) -> Option<BarsSpec> {
    let shown: Vec<_> = bench
        .nps
        .by_month
        .iter()
        .rev()
        .filter_map(|&((y, m), n)| n.score().map(|score| ((y, m), score, n.responses())))
        .take(months)
        .collect();
    (!shown.is_empty()).then(|| BarsSpec {
        title: dated_title(
            lang.text(Msg::NpsTrendTitle),
            &date(bench.today, lang),
            lang,
        ),
        categories: shown
            .iter()
            .rev()
            .map(|((y, m), _, responses)| format!("{y}-{m:02} ({})", count(*responses as usize)))
            .collect(),
        values: shown
            .iter()
            .rev()
            .map(|(_, score, _)| score.round() as i64)
            .collect(),
        caption: lang.text(Msg::Nps).into(),
        measure: Measure::Nps,
    })
}

/// The balancing proposal for the book shown.
pub fn balance_proposal(loaded: &Loaded, settings: &StoredWorkbench) -> Proposal {
    propose_balance(
        &loaded.dataset.customers().relationship_manager_idx,
        &loaded.analysis.tier_of_customer,
        &loaded.analysis.features.aum_fen,
        loaded.dataset.relationship_managers().len(),
        &settings.weights,
    )
}

/// Milli-points as points with one decimal.
pub fn points(milli: i64) -> String {
    format!("{:.1}", milli as f64 / 1000.0)
}

/// The customers a tier's invitation reaches: every customer of the tier, in row order.
pub fn tier_invitees(loaded: &Loaded, tier: u8) -> Vec<usize> {
    (0..loaded.dataset.n_customers())
        .filter(|&row| loaded.analysis.tier_of_customer[row] == tier)
        .collect()
}

/// The most customers one list action writes to the journal: a longer list is narrowed
/// first, so one click never writes a hundred thousand invitations or moves a whole bank.
pub const LIST_ACTION_LIMIT: usize = 5_000;

/// Why a list action wrote nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListRefusal {
    /// The list is longer than [`LIST_ACTION_LIMIT`].
    TooLong(usize),
    /// Every customer of the list is invited already, or with that manager already.
    NothingToDo,
}

impl ListRefusal {
    /// What the user reads.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ListRefusal::TooLong(n) => format!(
                "{} ({} > {})",
                lang.text(Msg::ListTooLong),
                count(*n),
                count(LIST_ACTION_LIMIT)
            ),
            ListRefusal::NothingToDo => lang.text(Msg::ListNothingToDo).to_owned(),
        }
    }
}

fn within_limit(rows: &[usize]) -> Result<(), ListRefusal> {
    match rows.len() > LIST_ACTION_LIMIT {
        true => Err(ListRefusal::TooLong(rows.len())),
        false => Ok(()),
    }
}

/// Invitations of the listed customers (rows, in list order) to `event`: one per customer not
/// invited yet.
pub fn list_invitations(
    loaded: &Loaded,
    rows: &[usize],
    event: &ClientEvent,
) -> Result<Vec<EventKind>, ListRefusal> {
    within_limit(rows)?;
    let ids = &loaded.dataset.customers().customer_id;
    let invited: std::collections::HashSet<&str> =
        event.invited.iter().map(String::as_str).collect();
    let kinds: Vec<EventKind> = rows
        .iter()
        .map(|&row| ids.get(row))
        .filter(|id| !invited.contains(id))
        .map(|id| EventKind::Invited {
            event_id: event.event_id.clone(),
            customer_id: id.to_owned(),
        })
        .collect();
    match kinds.is_empty() {
        true => Err(ListRefusal::NothingToDo),
        false => Ok(kinds),
    }
}

/// The listed customers handed to `manager` (a manager row): one assignment per customer
/// who is with another manager or none.
pub fn list_reassignments(
    loaded: &Loaded,
    rows: &[usize],
    manager: u32,
) -> Result<Vec<EventKind>, ListRefusal> {
    within_limit(rows)?;
    let c = loaded.dataset.customers();
    let rm_id = loaded
        .dataset
        .relationship_managers()
        .rm_id
        .get(manager as usize)
        .to_owned();
    let kinds: Vec<EventKind> = rows
        .iter()
        .filter(|&&row| c.relationship_manager_idx[row] != manager)
        .map(|&row| EventKind::AssignmentChanged {
            customer_id: c.customer_id.get(row).to_owned(),
            rm_id: rm_id.clone(),
        })
        .collect();
    match kinds.is_empty() {
        true => Err(ListRefusal::NothingToDo),
        false => Ok(kinds),
    }
}

/// The customer list of those overdue: for a link from "my day".
pub fn book_href(loaded: &Loaded, manager: u32, path: &str) -> String {
    CustomersQuery {
        relationship_manager: Some(
            loaded
                .dataset
                .relationship_managers()
                .rm_id
                .get(manager as usize)
                .to_owned(),
        ),
        ..CustomersQuery::default()
    }
    .to_href(path)
}

/// An event's invitations as a spreadsheet shows them: the headers in `lang`, then per guest
/// id, name, tier, manager, answer and attendance. A guest no longer in the data keeps its id.
pub fn invitation_sheet(
    loaded: &Loaded,
    event: &ClientEvent,
    lang: Lang,
) -> (Vec<&'static str>, Vec<Vec<ListCell<'static>>>) {
    let headers = vec![
        lang.text(Msg::CustomerId),
        lang.text(Msg::Name),
        lang.text(Msg::Tier),
        lang.text(Msg::RmId),
        lang.text(Msg::Coming),
        lang.text(Msg::Attended),
    ];
    let text = |s: &str| ListCell::Text(neutralise_formula(s).into_owned().into());
    let rows = event
        .invited
        .iter()
        .map(|id| {
            let (name, tier, manager) = match loaded.find_customer(id) {
                Some(row) => {
                    let cell = customer_cell(loaded, row, lang, "");
                    (cell.name, cell.tier, cell.manager)
                }
                None => Default::default(),
            };
            let answer = match event.answer(id) {
                Some(crate::journal::Rsvp::Yes) => lang.text(Msg::RsvpYes),
                Some(crate::journal::Rsvp::No) => lang.text(Msg::RsvpNo),
                Some(crate::journal::Rsvp::Maybe) => "?",
                None => "",
            };
            let came = if event.attended.contains(id) {
                "✓"
            } else {
                ""
            };
            vec![
                text(id),
                text(&name),
                text(&tier),
                text(&manager),
                text(answer),
                text(came),
            ]
        })
        .collect();
    (headers, rows)
}

/// The invitations as CSV (see [`invitation_sheet`]).
pub fn invitations_csv(loaded: &Loaded, event: &ClientEvent, lang: Lang) -> String {
    let (headers, rows) = invitation_sheet(loaded, event, lang);
    cells_to_csv(&headers, rows)
}

/// The invitations as an Excel workbook made at `created_unix_seconds`.
pub fn invitations_xlsx(
    loaded: &Loaded,
    event: &ClientEvent,
    lang: Lang,
    created_unix_seconds: i64,
) -> Result<Vec<u8>, String> {
    let (headers, rows) = invitation_sheet(loaded, event, lang);
    cells_to_xlsx(
        &headers,
        rows,
        lang.text(Msg::Invited),
        created_unix_seconds,
    )
}

/// The calendar file of an event, stamped `stamp_utc` (`YYYYMMDDTHHMMSSZ`).
pub fn event_ics(event: &ClientEvent, lang: Lang, stamp_utc: &str) -> Result<String, String> {
    let description = format!(
        "{} {} · {} {}",
        lang.text(Msg::Invited),
        event.invited.len(),
        lang.text(Msg::Coming),
        event.coming()
    );
    let uid = format!("{}@keystone", event.event_id);
    crate::journal::ics::calendar_file(&crate::journal::ics::CalendarEvent {
        uid: &uid,
        summary: &event.name,
        location: &event.place,
        description: &description,
        starts: &event.starts,
        minutes: 120,
        stamp_utc,
    })
}
