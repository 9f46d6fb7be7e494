//! The relationship workbench: what is shown is always the imported snapshot plus the journal.
//! Who looks after whom after the journal's reassignments, every contact with a customer
//! (imported, recorded, or an event attended), the follow-ups still open, and the client
//! events with their guests.

use super::cadence::{contact_status, CadencePolicy, ContactStatus};
use crate::journal::{ContactKind, EventId, EventKind, Journal, NextStep, Prefix, Rsvp};
use crate::model::{Dataset, Day, NO_RELATIONSHIP_MANAGER};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Each customer id's row.
pub type RowsById<'a> = FxHashMap<&'a str, usize>;

/// A customer id's row in the dataset.
pub fn rows_by_customer_id(dataset: &Dataset) -> RowsById<'_> {
    dataset
        .customers()
        .customer_id
        .iter()
        .enumerate()
        .map(|(row, id)| (id, row))
        .collect()
}

/// Each journal event's customer as a row of the dataset, resolved once per computation and
/// lent to each step: events name customers by id, and looking the ids up again in every step
/// was most of a recomputation's time on a long journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventCustomers {
    rows: Vec<u32>,
    /// The journal's events resolved.
    seen: Prefix,
}

impl EventCustomers {
    const NONE: u32 = u32::MAX;
    /// New events few enough to be looked up by a scan of the customer ids, not an index of
    /// them all.
    const SCANNED: usize = 8;

    /// The rows of `journal`'s events in `dataset`.
    pub fn resolve(dataset: &Dataset, journal: &Journal) -> EventCustomers {
        Self::resolve_after(None, dataset, journal)
    }

    /// As [`EventCustomers::resolve`], reusing `earlier` (resolved against the same snapshot's
    /// customers) when `journal` extends the journal it was resolved from: a record then looks
    /// up its own customer alone.
    pub fn resolve_after(
        earlier: Option<&EventCustomers>,
        dataset: &Dataset,
        journal: &Journal,
    ) -> EventCustomers {
        let (mut rows, from) = match earlier.filter(|e| journal.extends(e.seen)) {
            Some(earlier) => (earlier.rows.clone(), earlier.seen.len()),
            None => (Vec::with_capacity(journal.len()), 0),
        };
        let new = &journal.events()[from..];
        let ids = &dataset.customers().customer_id;
        if new.len() <= Self::SCANNED {
            rows.extend(new.iter().map(|event| {
                event
                    .kind
                    .customer_id()
                    .and_then(|id| ids.iter().position(|c| c == id))
                    .map_or(Self::NONE, |row| row as u32)
            }));
        } else {
            let by_id = rows_by_customer_id(dataset);
            rows.extend(new.iter().map(|event| {
                event
                    .kind
                    .customer_id()
                    .and_then(|id| by_id.get(id))
                    .map_or(Self::NONE, |&row| row as u32)
            }));
        }
        EventCustomers {
            rows,
            seen: journal.prefix(),
        }
    }

    /// The journal's events resolved.
    pub fn seen(&self) -> Prefix {
        self.seen
    }

    /// The customer row of the journal's `index`th event, if it names a customer this
    /// snapshot has.
    pub fn of(&self, index: usize) -> Option<usize> {
        self.rows
            .get(index)
            .filter(|&&row| row != Self::NONE)
            .map(|&row| row as usize)
    }
}

/// Each customer's relationship manager after the journal's reassignments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignments {
    /// A row of the managers table per customer, or [`NO_RELATIONSHIP_MANAGER`].
    pub manager_of: Vec<u32>,
    /// Reassignments the journal holds for customers this snapshot has.
    pub changed: usize,
    /// Manager ids the journal assigns to that this snapshot's managers table lacks: those
    /// reassignments are not applied (the customer keeps the imported manager), and said.
    pub unknown_managers: Vec<String>,
}

/// The imported assignment with the journal's changes applied in journal order.
pub fn assignments(dataset: &Dataset, journal: &Journal) -> Assignments {
    let mut manager_of = dataset.customers().relationship_manager_idx.clone();
    // Only reassignments are looked up, and the index is built at the first: most of a
    // journal is contacts, and it is read again after every event recorded.
    let mut rows: Option<RowsById<'_>> = None;
    let managers: FxHashMap<&str, u32> = dataset
        .relationship_managers()
        .rm_id
        .iter()
        .enumerate()
        .map(|(row, id)| (id, row as u32))
        .collect();
    let mut changed = 0;
    let mut unknown_managers: Vec<String> = Vec::new();
    for event in journal.events() {
        let EventKind::AssignmentChanged { customer_id, rm_id } = &event.kind else {
            continue;
        };
        let rows = rows.get_or_insert_with(|| rows_by_customer_id(dataset));
        let Some(&row) = rows.get(customer_id.as_str()) else {
            continue;
        };
        let manager = if rm_id.is_empty() {
            NO_RELATIONSHIP_MANAGER
        } else if let Some(&manager) = managers.get(rm_id.as_str()) {
            manager
        } else {
            if !unknown_managers.contains(rm_id) {
                unknown_managers.push(rm_id.clone());
            }
            continue;
        };
        manager_of[row] = manager;
        changed += 1;
    }
    Assignments {
        manager_of,
        changed,
        unknown_managers,
    }
}

/// How a contact was made, as the source names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContactHow {
    /// As the export wrote it (电话, visit …).
    Imported(String),
    /// Recorded in Keystone.
    Recorded(ContactKind),
    /// Came to a client event (its name).
    Attended(String),
}

/// One contact with a customer, read out for showing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    /// The customer's row.
    pub customer: usize,
    /// The day.
    pub date: Day,
    /// How.
    pub how: ContactHow,
    /// What was said; `None` when it is confidential and the reader is not its author.
    pub note: Option<String>,
    /// Who recorded it (the manager's name; the imported manager's id for an import).
    pub by: String,
    /// The agreed next step.
    pub next_step: Option<NextStep>,
    /// The journal event, for recorded contacts.
    pub event: Option<EventId>,
}

/// Where a contact is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactSource {
    /// A row of the imported interactions.
    Imported(usize),
    /// A journal event (its place in [`Journal::events`]): a contact logged or an attendance.
    Journal(usize),
}

/// A contact as where to read it: the journal of a busy branch holds hundreds of thousands,
/// and the cadence needs only their days. [`ContactRef::read`] reads one out for showing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContactRef {
    /// The customer's row.
    pub customer: usize,
    /// The day.
    pub date: Day,
    /// Where it is written.
    pub source: ContactSource,
}

impl ContactRef {
    /// The contact in full, a confidential note kept only for `reader` (an author key) when
    /// they wrote it. `events` are the journal's client events ([`client_events`]).
    pub fn read(
        &self,
        dataset: &Dataset,
        journal: &Journal,
        events: &[ClientEvent],
        reader: &str,
    ) -> Contact {
        let mut contact = Contact {
            customer: self.customer,
            date: self.date,
            how: ContactHow::Imported(String::new()),
            note: None,
            by: String::new(),
            next_step: None,
            event: None,
        };
        match self.source {
            ContactSource::Imported(row) => {
                let interactions = dataset.interactions();
                let manager = interactions.relationship_manager_idx[row];
                contact.how = ContactHow::Imported(interactions.kind.get(row).to_owned());
                contact.note = Some(interactions.note.get(row).to_owned());
                if manager != NO_RELATIONSHIP_MANAGER {
                    contact.by = dataset
                        .relationship_managers()
                        .rm_id
                        .get(manager as usize)
                        .to_owned();
                }
            }
            ContactSource::Journal(index) => {
                let event = &journal.events()[index];
                contact.by = event.author_name.clone();
                contact.event = Some(event.id.clone());
                match &event.kind {
                    EventKind::InteractionLogged {
                        contact: kind,
                        note,
                        next_step,
                        confidential,
                        ..
                    } => {
                        contact.how = ContactHow::Recorded(*kind);
                        let shown = !*confidential || event.id.author == reader;
                        contact.note = shown.then(|| note.clone());
                        contact.next_step = next_step.clone();
                    }
                    EventKind::Attended { event_id, .. } => {
                        if let Some(client_event) = events.iter().find(|e| &e.event_id == event_id)
                        {
                            contact.how = ContactHow::Attended(client_event.name.clone());
                            contact.note = Some(client_event.place.clone());
                        }
                    }
                    _ => {}
                }
            }
        }
        contact
    }
}

/// Every contact with customers of the dataset, newest first (then by customer row): the
/// imported interactions, the journal's, and event attendances. `events` are the journal's
/// client events ([`client_events`]): an attendance counts on its event's day.
pub fn contacts(
    dataset: &Dataset,
    customers: &EventCustomers,
    journal: &Journal,
    events: &[ClientEvent],
) -> Vec<ContactRef> {
    contacts_after(None, dataset, customers, journal, events)
}

/// What the workbench derived before, over the same snapshot, for the next computation to
/// extend while the journal only grew.
#[derive(Clone, Copy, Debug)]
pub struct Earlier<'a> {
    /// The journal events read.
    pub seen: Prefix,
    /// The client events read.
    pub events: &'a [ClientEvent],
    /// [`contacts`] as they were.
    pub contacts: &'a [ContactRef],
    /// Each customer's latest contact.
    pub last_contact: &'a [Option<Day>],
    /// [`open_tasks`] as they were.
    pub tasks: &'a Arc<Vec<Task>>,
}

/// As [`contacts`], reusing `earlier` while the journal only grew and no client event moved
/// to another day: only the journal's new events are read and merged in.
pub fn contacts_after(
    earlier: Option<Earlier<'_>>,
    dataset: &Dataset,
    customers: &EventCustomers,
    journal: &Journal,
    events: &[ClientEvent],
) -> Vec<ContactRef> {
    let reusable = earlier.filter(|e| journal.extends(e.seen) && same_event_days(e.events, events));
    if let Some(earlier) = reusable {
        let mut new = journal_contacts(customers, journal, events, earlier.seen.len());
        new.sort_unstable_by(newest_first);
        return merge_sorted(earlier.contacts, &new);
    }
    let interactions = dataset.interactions();
    let mut all: Vec<ContactRef> = (0..interactions.len())
        .map(|row| ContactRef {
            customer: interactions.customer_idx[row] as usize,
            date: interactions.date[row],
            source: ContactSource::Imported(row),
        })
        .collect();
    all.extend(journal_contacts(customers, journal, events, 0));
    all.sort_unstable_by(newest_first);
    all
}

/// Whether two lists of client events fall on the same days, event by event.
fn same_event_days(a: &[ClientEvent], b: &[ClientEvent]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(a, b)| a.event_id == b.event_id && a.day() == b.day())
}

/// The contacts of the journal's events from the `from`th on.
fn journal_contacts(
    customers: &EventCustomers,
    journal: &Journal,
    events: &[ClientEvent],
    from: usize,
) -> Vec<ContactRef> {
    let event_days: FxHashMap<&str, Day> = events
        .iter()
        .map(|e| (e.event_id.as_str(), e.day()))
        .collect();
    let mut found = Vec::new();
    for (index, event) in journal.events().iter().enumerate().skip(from) {
        let date = match &event.kind {
            EventKind::InteractionLogged { date, .. } => *date,
            EventKind::Attended { event_id, .. } => match event_days.get(event_id.as_str()) {
                Some(&day) => day,
                None => continue,
            },
            _ => continue,
        };
        if let Some(customer) = customers.of(index) {
            found.push(ContactRef {
                customer,
                date,
                source: ContactSource::Journal(index),
            });
        }
    }
    found
}

/// Newest first, then by customer row, then imported before recorded.
fn newest_first(a: &ContactRef, b: &ContactRef) -> std::cmp::Ordering {
    b.date
        .cmp(&a.date)
        .then(a.customer.cmp(&b.customer))
        .then(source_order(a.source).cmp(&source_order(b.source)))
}

/// Two lists sorted [`newest_first`] as one.
fn merge_sorted(a: &[ContactRef], b: &[ContactRef]) -> Vec<ContactRef> {
    let mut all = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if newest_first(&b[j], &a[i]).is_lt() {
            all.push(b[j]);
            j += 1;
        } else {
            all.push(a[i]);
            i += 1;
        }
    }
    all.extend_from_slice(&a[i..]);
    all.extend_from_slice(&b[j..]);
    all
}

/// Imported contacts before recorded ones on the same day, each in its own order.
fn source_order(source: ContactSource) -> (u8, usize) {
    match source {
        ContactSource::Imported(row) => (0, row),
        ContactSource::Journal(index) => (1, index),
    }
}

/// Each customer's latest contact of any source (the cadence counts them all).
pub fn last_contacts(dataset: &Dataset, contacts: &[ContactRef]) -> Vec<Option<Day>> {
    let mut last = vec![None; dataset.n_customers()];
    for contact in contacts {
        if let Some(slot) = last.get_mut(contact.customer) {
            if !contact.date.is_missing() {
                *slot = (*slot).max(Some(contact.date));
            }
        }
    }
    last
}

/// Every customer's standing against the cadence of their tier on `today`.
pub fn contact_statuses(
    last: &[Option<Day>],
    tier_of_customer: &[u8],
    tier_keys: &[&str],
    policy: &CadencePolicy,
    today: Day,
) -> Vec<ContactStatus> {
    last.iter()
        .zip(tier_of_customer)
        .map(|(&last, &tier)| {
            let every = tier_keys
                .get(usize::from(tier))
                .and_then(|key| policy.days_for(key));
            contact_status(last, every, today)
        })
        .collect()
}

/// Where a follow-up comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskOrigin {
    /// Created by hand (or from an alert).
    Recorded,
    /// The next step agreed in a contact.
    NextStep,
    /// A detractor's survey answer (its score), until someone contacts the customer after it.
    Detractor(u8),
}

/// A follow-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// Unique in the journal: what a `TaskDone` names.
    pub task_id: String,
    /// The customer's row.
    pub customer: usize,
    /// What to do (a detractor's comment for a detractor follow-up).
    pub title: String,
    /// By when.
    pub due: Day,
    /// Where it comes from.
    pub origin: TaskOrigin,
}

/// Days a detractor's follow-up is due after the answer.
pub const DETRACTOR_FOLLOW_UP_DAYS: i32 = 7;
/// The highest score that makes a detractor (NPS: 0–6).
pub const DETRACTOR_MAX: u8 = 6;

/// The follow-ups not yet done, by due date then customer: tasks created, next steps agreed,
/// and one for a customer whose latest survey answer is a detractor's and whom no contact has
/// followed since. `last_contact` is each
/// customer's latest contact ([`last_contacts`]).
pub fn open_tasks(
    dataset: &Dataset,
    customers: &EventCustomers,
    journal: &Journal,
    last_contact: &[Option<Day>],
) -> Vec<Task> {
    Arc::unwrap_or_clone(open_tasks_after(
        None,
        dataset,
        customers,
        journal,
        last_contact,
    ))
}

/// As [`open_tasks`], reusing `earlier` while the journal only grew: the new events' tasks
/// are added, those they mark done removed, and the detractor follow-ups of the customers
/// whose latest contact or survey answer changed worked out again.
pub fn open_tasks_after(
    earlier: Option<Earlier<'_>>,
    dataset: &Dataset,
    customers: &EventCustomers,
    journal: &Journal,
    last_contact: &[Option<Day>],
) -> Arc<Vec<Task>> {
    let earlier =
        earlier.filter(|e| journal.extends(e.seen) && e.last_contact.len() == last_contact.len());
    // Customers whose detractor follow-ups may differ: contacted since, or answered.
    let changed = earlier.map(|earlier| {
        let mut changed: rustc_hash::FxHashSet<usize> = (0..last_contact.len())
            .filter(|&c| last_contact[c] != earlier.last_contact[c])
            .collect();
        for (index, event) in journal.events().iter().enumerate().skip(earlier.seen.len()) {
            if let (EventKind::SurveyAnswered { .. }, Some(customer)) =
                (&event.kind, customers.of(index))
            {
                changed.insert(customer);
            }
        }
        changed
    });
    if let (Some(earlier), Some(changed)) = (earlier, &changed) {
        // An acknowledgement, an invitation, a reassignment: the follow-ups stand as they were.
        let touches_tasks = journal.events()[earlier.seen.len()..].iter().any(|e| {
            matches!(
                e.kind,
                EventKind::TaskCreated { .. }
                    | EventKind::TaskDone { .. }
                    | EventKind::InteractionLogged {
                        next_step: Some(_),
                        ..
                    }
            )
        });
        if changed.is_empty() && !touches_tasks {
            return Arc::clone(earlier.tasks);
        }
    }
    let mut done: rustc_hash::FxHashSet<&str> = Default::default();
    for event in journal.events() {
        if let EventKind::TaskDone { task_id } = &event.kind {
            done.insert(task_id);
        }
    }
    let (mut tasks, from) = match (earlier, &changed) {
        (Some(earlier), Some(changed)) => {
            let kept: Vec<Task> = earlier
                .tasks
                .iter()
                .filter(|t| {
                    let redone = matches!(t.origin, TaskOrigin::Detractor(_))
                        && changed.contains(&t.customer);
                    !redone && !done.contains(t.task_id.as_str())
                })
                .cloned()
                .collect();
            (kept, earlier.seen.len())
        }
        _ => (Vec::new(), 0),
    };
    let add = |task: Task, tasks: &mut Vec<Task>| {
        if !done.contains(task.task_id.as_str()) {
            tasks.push(task);
        }
    };
    // Whose detractor follow-ups are worked out here: everyone's, or the changed customers'.
    let wanted = |customer: usize| changed.as_ref().is_none_or(|c| c.contains(&customer));
    // Only a customer's latest answer asks for a follow-up: a later, better score has
    // answered an earlier one.
    let mut latest_answer: FxHashMap<usize, Day> = FxHashMap::default();
    let mut answered = |customer: usize, date: Day| {
        if wanted(customer) {
            let slot = latest_answer.entry(customer).or_insert(date);
            *slot = (*slot).max(date);
        }
    };
    let feedback = dataset.feedback();
    for row in 0..feedback.len() {
        answered(feedback.customer_idx[row] as usize, feedback.date[row]);
    }
    for (index, event) in journal.events().iter().enumerate() {
        if let EventKind::SurveyAnswered { date, .. } = &event.kind {
            if let Some(customer) = customers.of(index) {
                answered(customer, *date);
            }
        }
    }
    let detractor = |customer: usize, customer_id: &str, date: Day, score: u8, comment: &str| {
        let followed = last_contact
            .get(customer)
            .copied()
            .flatten()
            .is_some_and(|last| last > date);
        let latest = latest_answer.get(&customer) == Some(&date);
        // Only the customers worked out here have a latest answer.
        (score <= DETRACTOR_MAX && latest && !followed && !date.is_missing()).then(|| Task {
            task_id: format!("detractor:{customer_id}:{}", date.0),
            customer,
            title: comment.to_owned(),
            due: date.plus_days(DETRACTOR_FOLLOW_UP_DAYS),
            origin: TaskOrigin::Detractor(score),
        })
    };
    let ids = &dataset.customers().customer_id;
    for row in 0..feedback.len() {
        let customer = feedback.customer_idx[row] as usize;
        if let Some(task) = detractor(
            customer,
            ids.get(customer),
            feedback.date[row],
            feedback.score[row],
            feedback.comment.get(row),
        ) {
            add(task, &mut tasks);
        }
    }
    for (index, event) in journal.events().iter().enumerate() {
        let Some(customer) = customers.of(index) else {
            continue;
        };
        let task = match &event.kind {
            // Tasks created and next steps agreed before `from` are in the earlier list.
            EventKind::TaskCreated {
                task_id,
                title,
                due,
                ..
            } if index >= from => Some(Task {
                task_id: task_id.clone(),
                customer,
                title: title.clone(),
                due: *due,
                origin: TaskOrigin::Recorded,
            }),
            EventKind::InteractionLogged {
                next_step: Some(step),
                ..
            } if index >= from => Some(Task {
                task_id: next_step_task_id(&event.id),
                customer,
                title: step.text.clone(),
                due: step.due,
                origin: TaskOrigin::NextStep,
            }),
            EventKind::SurveyAnswered {
                customer_id,
                date,
                score,
                comment,
            } => detractor(customer, customer_id, *date, *score, comment),
            _ => None,
        };
        if let Some(task) = task {
            add(task, &mut tasks);
        }
    }
    // A detractor imported and recorded on the same day is one follow-up. Kept tasks are in
    // order already: the sort meets a few new ones.
    tasks.sort_by(|a, b| (a.due, a.customer, &a.task_id).cmp(&(b.due, b.customer, &b.task_id)));
    tasks.dedup_by(|a, b| a.task_id == b.task_id);
    Arc::new(tasks)
}

/// The task id of a contact's next step: the contact's event id, written out.
pub fn next_step_task_id(id: &EventId) -> String {
    format!("next:{}#{}", id.author, id.sequence)
}

/// A client event and its guests, as the journal has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientEvent {
    /// The event's id.
    pub event_id: String,
    /// Its name.
    pub name: String,
    /// Local date and time, `YYYY-MM-DDTHH:MM`.
    pub starts: String,
    /// Where.
    pub place: String,
    /// Seats.
    pub capacity: u32,
    /// Customer ids invited, in invitation order, each once.
    pub invited: Vec<String>,
    /// The latest answer of each guest who answered.
    pub answers: Vec<(String, Rsvp)>,
    /// Customer ids who came, each once.
    pub attended: Vec<String>,
}

impl ClientEvent {
    /// The event's day.
    pub fn day(&self) -> Day {
        self.starts
            .get(..10)
            .and_then(Day::parse_iso)
            .unwrap_or(Day::MISSING)
    }

    /// A guest's latest answer.
    pub fn answer(&self, customer_id: &str) -> Option<Rsvp> {
        self.answers
            .iter()
            .find(|(id, _)| id == customer_id)
            .map(|&(_, answer)| answer)
    }

    /// Guests who said yes.
    pub fn coming(&self) -> usize {
        self.answers
            .iter()
            .filter(|(_, answer)| *answer == Rsvp::Yes)
            .count()
    }
}

/// The journal's client events, by start then id, with invitations, answers and attendance
/// (those naming no created event are left out).
pub fn client_events(journal: &Journal) -> Vec<ClientEvent> {
    let mut events: Vec<ClientEvent> = Vec::new();
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    for event in journal.events() {
        match &event.kind {
            EventKind::EventCreated {
                event_id,
                name,
                starts,
                place,
                capacity,
            } if !index.contains_key(event_id) => {
                index.insert(event_id.clone(), events.len());
                events.push(ClientEvent {
                    event_id: event_id.clone(),
                    name: name.clone(),
                    starts: starts.clone(),
                    place: place.clone(),
                    capacity: *capacity,
                    invited: Vec::new(),
                    answers: Vec::new(),
                    attended: Vec::new(),
                });
            }
            EventKind::Invited {
                event_id,
                customer_id,
            } => {
                if let Some(&i) = index.get(event_id) {
                    if !events[i].invited.contains(customer_id) {
                        events[i].invited.push(customer_id.clone());
                    }
                }
            }
            EventKind::Answered {
                event_id,
                customer_id,
                answer,
            } => {
                if let Some(&i) = index.get(event_id) {
                    let answers = &mut events[i].answers;
                    match answers.iter_mut().find(|(id, _)| id == customer_id) {
                        Some(slot) => slot.1 = *answer,
                        None => answers.push((customer_id.clone(), *answer)),
                    }
                }
            }
            EventKind::Attended {
                event_id,
                customer_id,
            } => {
                if let Some(&i) = index.get(event_id) {
                    if !events[i].attended.contains(customer_id) {
                        events[i].attended.push(customer_id.clone());
                    }
                }
            }
            _ => {}
        }
    }
    events.sort_by(|a, b| (&a.starts, &a.event_id).cmp(&(&b.starts, &b.event_id)));
    events
}
