//! The relationship journal: everything a manager records in Keystone (contacts, tasks,
//! assignments, events, survey answers, alert decisions, cadence policies) as events in an
//! append-only log, kept apart from the imported snapshots and keyed by customer id, so it
//! outlives every new snapshot and append.
//!
//! An event is named by its author and that author's sequence number. Journals of several
//! people therefore merge by id without a server: the same event twice changes nothing, and
//! the result (ordered by time, then author, then sequence) does not depend on which journal
//! was merged into which. An id met twice with different contents is not resolved by a guess:
//! the merge refuses it and names it.
//!
//! Each event has canonical bytes — its JSON with fields in declaration order, integers and
//! strings only (no maps, no floating point), dates as `YYYY-MM-DD` — so a later release can
//! chain and sign events without a second encoding.

pub mod ics;

use crate::model::Day;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Who wrote an event: set once per browser in Settings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Author {
    /// The writer's key, unique within a team (their RM id, or a name when they have none).
    pub key: String,
    /// The name shown.
    pub name: String,
}

/// An event's identity: its author's key and the author's sequence number (from 1).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EventId {
    /// [`Author::key`].
    pub author: String,
    /// The author's count of events written, this one included.
    pub sequence: u64,
}

/// How a contact was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// 电话.
    Call,
    /// 拜访.
    Visit,
    /// 面谈.
    Meeting,
    /// 短信 / 微信.
    Message,
    /// 邮件.
    Email,
    /// 活动.
    Event,
}

/// A customer's answer to an invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rsvp {
    /// Will come.
    Yes,
    /// Will not.
    No,
    /// Not sure yet.
    Maybe,
}

/// What happened: one variant per thing a manager can record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A contact with a customer; a confidential note is shown to its author only and never
    /// exported.
    InteractionLogged {
        customer_id: String,
        #[serde(with = "iso_day")]
        date: Day,
        contact: ContactKind,
        note: String,
        /// The agreed next step and its due date.
        next_step: Option<NextStep>,
        confidential: bool,
    },
    /// A follow-up to do, for a customer.
    TaskCreated {
        /// Unique within the journal (the creating event's id, written out).
        task_id: String,
        customer_id: String,
        title: String,
        #[serde(with = "iso_day")]
        due: Day,
    },
    /// A task finished.
    TaskDone { task_id: String },
    /// A customer given to a relationship manager (an empty id: unassigned).
    AssignmentChanged { customer_id: String, rm_id: String },
    /// A client event (a salon, a seminar).
    EventCreated {
        event_id: String,
        name: String,
        /// Local date and time, `YYYY-MM-DDTHH:MM`.
        starts: String,
        place: String,
        capacity: u32,
    },
    /// A customer invited to an event.
    Invited {
        event_id: String,
        customer_id: String,
    },
    /// A customer's answer.
    Answered {
        event_id: String,
        customer_id: String,
        answer: Rsvp,
    },
    /// A customer came.
    Attended {
        event_id: String,
        customer_id: String,
    },
    /// A satisfaction answer, 0 to 10.
    SurveyAnswered {
        customer_id: String,
        #[serde(with = "iso_day")]
        date: Day,
        score: u8,
        comment: String,
    },
    /// An alert seen and dealt with.
    AlertAcknowledged { alert_key: String },
    /// An alert put aside until a day.
    AlertSnoozed {
        alert_key: String,
        #[serde(with = "iso_day")]
        until: Day,
    },
    /// The contact cadence of a tier (by its key, `private` …), in days; 0 for none.
    CadenceChanged { tier: String, every_days: u32 },
}

impl EventKind {
    /// The customer the event is about, if it is about one.
    pub fn customer_id(&self) -> Option<&str> {
        match self {
            EventKind::InteractionLogged { customer_id, .. }
            | EventKind::TaskCreated { customer_id, .. }
            | EventKind::AssignmentChanged { customer_id, .. }
            | EventKind::Invited { customer_id, .. }
            | EventKind::Answered { customer_id, .. }
            | EventKind::Attended { customer_id, .. }
            | EventKind::SurveyAnswered { customer_id, .. } => Some(customer_id),
            EventKind::TaskDone { .. }
            | EventKind::EventCreated { .. }
            | EventKind::AlertAcknowledged { .. }
            | EventKind::AlertSnoozed { .. }
            | EventKind::CadenceChanged { .. } => None,
        }
    }
}

/// A next step agreed in a contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextStep {
    /// What.
    pub text: String,
    /// By when.
    #[serde(with = "iso_day")]
    pub due: Day,
}

/// One recorded event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEvent {
    /// Its identity.
    pub id: EventId,
    /// When it was written: milliseconds since 1970 UTC, from the writer's clock.
    pub at_ms: i64,
    /// The writer's name, as shown.
    pub author_name: String,
    /// What happened.
    pub kind: EventKind,
}

impl JournalEvent {
    /// The bytes a signature or hash chain covers: the event's JSON, fields in declaration
    /// order. The same event always gives the same bytes; an event with a missing date has
    /// none.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, String> {
        serde_json::to_vec(self).map_err(|e| e.to_string())
    }

    /// The event as exported: a confidential contact's note left out (the flag stays, so the
    /// reader knows something was withheld).
    pub fn redacted(&self) -> JournalEvent {
        let mut event = self.clone();
        if let EventKind::InteractionLogged {
            note,
            confidential: true,
            ..
        } = &mut event.kind
        {
            note.clear();
        }
        event
    }

    /// Whether `other` is this event, or this event as exported.
    fn same_as(&self, other: &JournalEvent) -> bool {
        self == other || self.redacted() == *other
    }

    /// The merge order: time, then author, then sequence.
    fn order_key(&self) -> (i64, &str, u64) {
        (self.at_ms, &self.id.author, self.id.sequence)
    }
}

/// An event id met with two different contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The id.
    pub id: EventId,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "event {} #{} is in both journals with different contents",
            self.id.author, self.id.sequence
        )
    }
}

/// The events, in merge order, each id once.
#[derive(Debug)]
pub struct Journal {
    events: Vec<JournalEvent>,
    /// Unique to this value and its order of events: appends keep it, anything else (a
    /// re-sort, a clone that may be appended to apart) takes a new one. See [`Prefix`].
    generation: u64,
}

/// The first `len` events of a journal as a computation saw them: a later computation over a
/// journal that [`Journal::extends`] it may reuse what it derived and read only the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefix {
    generation: u64,
    len: usize,
}

impl Prefix {
    /// Events it covers.
    pub fn len(self) -> usize {
        self.len
    }

    /// Whether it covers no event.
    pub fn is_empty(self) -> bool {
        self.len == 0
    }
}

fn new_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Default for Journal {
    fn default() -> Journal {
        Journal {
            events: Vec::new(),
            generation: new_generation(),
        }
    }
}

impl Clone for Journal {
    fn clone(&self) -> Journal {
        Journal {
            events: self.events.clone(),
            generation: new_generation(),
        }
    }
}

impl PartialEq for Journal {
    fn eq(&self, other: &Journal) -> bool {
        self.events == other.events
    }
}

impl Eq for Journal {}

impl Journal {
    /// Its events as they stand now.
    pub fn prefix(&self) -> Prefix {
        Prefix {
            generation: self.generation,
            len: self.events.len(),
        }
    }

    /// Whether its first events are still those `earlier` covered: only events were added
    /// after them since.
    pub fn extends(&self, earlier: Prefix) -> bool {
        earlier.generation == self.generation && earlier.len <= self.events.len()
    }

    /// The events, oldest first.
    pub fn events(&self) -> &[JournalEvent] {
        &self.events
    }

    /// Events in the journal.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether it holds no event.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The next sequence number of `author`.
    pub fn next_sequence(&self, author: &str) -> u64 {
        self.events
            .iter()
            .filter(|e| e.id.author == author)
            .map(|e| e.id.sequence)
            .max()
            .unwrap_or(0)
            // A file may carry the last sequence there is: the next is refused as taken, not
            // wrapped to 0.
            .saturating_add(1)
    }

    /// Incoming events few enough to be looked for by a scan rather than an index.
    const SCANNED_INCOMING: usize = 8;

    /// The events of `incoming` this journal lacks, each once, in the order met; or, when any
    /// incoming id is here with other contents or twice in `incoming` with different
    /// contents, the conflicts. Nothing changes: a caller stores the new events first, then
    /// merges them.
    pub fn missing(
        &self,
        incoming: impl IntoIterator<Item = JournalEvent>,
    ) -> Result<Vec<JournalEvent>, Vec<Conflict>> {
        let incoming: Vec<JournalEvent> = incoming.into_iter().collect();
        // A record brings an event or two: a scan of the journal finds them without hashing
        // a hundred thousand ids first (which took most of a record's merge).
        let mut by_id: rustc_hash::FxHashMap<&EventId, &JournalEvent> =
            if incoming.len() <= Self::SCANNED_INCOMING {
                let mut here = rustc_hash::FxHashMap::default();
                for event in &self.events {
                    if incoming
                        .iter()
                        .any(|e| e.id.sequence == event.id.sequence && e.id == event.id)
                    {
                        here.insert(&event.id, event);
                    }
                }
                here
            } else {
                self.events.iter().map(|e| (&e.id, e)).collect()
            };
        by_id.reserve(incoming.len());
        let mut added: Vec<usize> = Vec::new();
        let mut conflicts = Vec::new();
        for (i, event) in incoming.iter().enumerate() {
            match by_id.get(&event.id) {
                // A journal exported without confidential notes merges back into its own.
                Some(same) if same.same_as(event) => {}
                Some(_) => conflicts.push(Conflict {
                    id: event.id.clone(),
                }),
                None => {
                    by_id.insert(&event.id, event);
                    added.push(i);
                }
            }
        }
        if !conflicts.is_empty() {
            conflicts.sort_by(|a, b| a.id.cmp(&b.id));
            conflicts.dedup();
            return Err(conflicts);
        }
        drop(by_id);
        let mut keep = vec![false; incoming.len()];
        for i in added {
            keep[i] = true;
        }
        Ok(incoming
            .into_iter()
            .zip(keep)
            .filter_map(|(event, keep)| keep.then_some(event))
            .collect())
    }

    /// Adds `incoming` (another journal, a file, one new event): events already here are
    /// skipped, new ones placed in order. Nothing changes when any incoming id is here with
    /// other contents, or twice in `incoming` with different contents: the conflicts are
    /// returned.
    pub fn merge(
        &mut self,
        incoming: impl IntoIterator<Item = JournalEvent>,
    ) -> Result<usize, Vec<Conflict>> {
        let mut added = self.missing(incoming)?;
        let count = added.len();
        added.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        // Events recorded now come after every event here: they go at the end, and a
        // journal of a hundred thousand events is not sorted again for each one.
        let in_order = match (self.events.last(), added.first()) {
            (Some(last), Some(first)) => last.order_key() < first.order_key(),
            _ => true,
        };
        self.events.append(&mut added);
        if !in_order {
            self.events
                .sort_by(|a, b| a.order_key().cmp(&b.order_key()));
            self.generation = new_generation();
        }
        Ok(count)
    }
}

/// The first line of a journal file; one event's canonical JSON a line follows.
pub const FILE_MAGIC: &str = "KEYSTONE-JOURNAL 1";
/// Bytes one line of a journal file may hold (an event with a long note is a few KB).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Why a journal file is refused, at which line (1 is the first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// The line.
    pub line: usize,
    /// What is wrong with it.
    pub why: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "journal file, line {}: {}", self.line, self.why)
    }
}

/// The events as a journal file: the magic line, then one event's canonical JSON a line.
pub fn write_file(events: &[JournalEvent]) -> Result<Vec<u8>, String> {
    let mut out = format!("{FILE_MAGIC}\n").into_bytes();
    for event in events {
        out.extend(event.canonical_bytes()?);
        out.push(b'\n');
    }
    Ok(out)
}

/// Reads a journal file whole, or refuses it at its first bad line: nothing is taken from a
/// file that is damaged anywhere. CRLF line ends and blank lines are accepted.
pub fn read_file(bytes: &[u8]) -> Result<Vec<JournalEvent>, FileError> {
    let mut lines = bytes.split(|&b| b == b'\n').enumerate();
    let first = lines.next().map_or(&[][..], |(_, l)| l);
    if first.strip_suffix(b"\r").unwrap_or(first) != FILE_MAGIC.as_bytes() {
        return Err(FileError {
            line: 1,
            why: format!("not a Keystone journal (the first line is not {FILE_MAGIC})"),
        });
    }
    let mut events = Vec::new();
    for (i, line) in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let refuse = |why: String| FileError { line: i + 1, why };
        if line.len() > MAX_LINE_BYTES {
            return Err(refuse(format!("longer than {MAX_LINE_BYTES} bytes")));
        }
        let event: JournalEvent =
            serde_json::from_slice(line).map_err(|e| refuse(e.to_string()))?;
        if event.id.sequence == 0 || event.id.author.is_empty() {
            return Err(refuse(
                "an event needs an author and a sequence from 1".into(),
            ));
        }
        events.push(event);
    }
    Ok(events)
}

/// Dates as `YYYY-MM-DD` in the journal's JSON.
mod iso_day {
    use crate::model::Day;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(day: &Day, serializer: S) -> Result<S::Ok, S::Error> {
        match day.ymd() {
            Some((y, m, d)) => serializer.serialize_str(&format!("{y:04}-{m:02}-{d:02}")),
            None => Err(serde::ser::Error::custom("a journal date is missing")),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Day, D::Error> {
        let text = String::deserialize(deserializer)?;
        Day::parse_iso(&text).ok_or_else(|| D::Error::custom(format!("{text:?} is not a date")))
    }
}
