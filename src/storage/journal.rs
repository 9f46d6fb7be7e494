//! The journal as stored: segments of event lines (each line one event's canonical JSON, as in
//! the journal file), read back whole or refused with where the damage is, and the workbench's
//! own settings (who writes, alert thresholds, balance weights) in their versioned form.

use crate::analytics::alerts::AlertThresholds;
use crate::analytics::balance::BalanceWeights;
use crate::journal::{
    Author, ContactKind, EventId, EventKind, Journal, JournalEvent, NextStep, Rsvp,
};
use crate::model::Day;
use serde::{Deserialize, Serialize};

/// One stored segment, as IndexedDB hands it back: text of event lines (the first layout,
/// database version 2) or [`SEGMENT_MAGIC`] bytes (what is written now).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoredSegment {
    /// One event's canonical JSON a line.
    Lines(String),
    /// The binary layout: read without a JSON parser, about five times faster.
    Binary(Vec<u8>),
}

/// The journal held in `segments` (in any order: the merge orders events). An event that does
/// not read is refused with its segment and place, so nothing is written over a damaged store.
pub fn read_segments(segments: &[StoredSegment]) -> Result<Journal, String> {
    let mut events: Vec<JournalEvent> = Vec::new();
    for (s, segment) in segments.iter().enumerate() {
        let damaged = |at: usize, why: &str| {
            format!(
                "the stored journal is damaged (segment {}, event {}): {why}",
                s + 1,
                at + 1
            )
        };
        match segment {
            StoredSegment::Lines(text) => {
                for (l, line) in text.lines().enumerate() {
                    if line.trim().is_empty() {
                        continue;
                    }
                    let event =
                        serde_json::from_str(line).map_err(|e| damaged(l, &e.to_string()))?;
                    events.push(event);
                }
            }
            StoredSegment::Binary(bytes) => {
                decode_segment(bytes, &mut events).map_err(|(at, why)| damaged(at, why))?
            }
        }
    }
    let mut journal = Journal::default();
    journal.merge(events).map_err(|conflicts| {
        format!(
            "the stored journal is damaged: {}",
            conflicts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    Ok(journal)
}

/// Events as the lines of the first layout (and of the journal file).
pub fn event_lines(events: &[JournalEvent]) -> Result<Vec<String>, String> {
    events
        .iter()
        .map(|e| {
            e.canonical_bytes()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

/// The first bytes of a binary segment; its layout version is the last.
pub const SEGMENT_MAGIC: &[u8; 4] = b"KJS1";

/// A binary segment: [`SEGMENT_MAGIC`], the event count (`u32`, little-endian), then each
/// event — strings as a length and UTF-8, integers as LEB128 (signed ones zigzagged), days as
/// day numbers, variants and enums as one byte in declaration order. An event whose dates are
/// missing is refused, as in the canonical JSON.
pub fn encode_segment(events: &[JournalEvent]) -> Result<Vec<u8>, String> {
    let mut out = SEGMENT_MAGIC.to_vec();
    let count = u32::try_from(events.len()).map_err(|_| "too many events for a segment")?;
    out.extend_from_slice(&count.to_le_bytes());
    for event in events {
        encode_event(event, &mut out)?;
    }
    Ok(out)
}

/// `segment` with `events` added after its own (a new segment when `segment` is empty).
pub fn append_to_segment(segment: &[u8], events: &[JournalEvent]) -> Result<Vec<u8>, String> {
    if segment.is_empty() {
        return encode_segment(events);
    }
    let held = segment_count(segment).ok_or("the last stored segment is damaged")?;
    let count = u32::try_from(events.len())
        .ok()
        .and_then(|n| n.checked_add(held))
        .ok_or("too many events for a segment")?;
    let mut out = segment.to_vec();
    out[4..8].copy_from_slice(&count.to_le_bytes());
    for event in events {
        encode_event(event, &mut out)?;
    }
    Ok(out)
}

/// How many events a binary segment says it holds.
pub fn segment_count(segment: &[u8]) -> Option<u32> {
    match segment {
        [m0, m1, m2, m3, c0, c1, c2, c3, ..] if [*m0, *m1, *m2, *m3] == *SEGMENT_MAGIC => {
            Some(u32::from_le_bytes([*c0, *c1, *c2, *c3]))
        }
        _ => None,
    }
}

fn put_uint(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_int(out: &mut Vec<u8>, value: i64) {
    put_uint(out, ((value << 1) ^ (value >> 63)) as u64);
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    put_uint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn put_day(out: &mut Vec<u8>, day: Day) -> Result<(), String> {
    if day.ymd().is_none() {
        return Err("a journal date is missing".into());
    }
    put_int(out, i64::from(day.0));
    Ok(())
}

fn encode_event(event: &JournalEvent, out: &mut Vec<u8>) -> Result<(), String> {
    put_str(out, &event.id.author);
    put_uint(out, event.id.sequence);
    put_int(out, event.at_ms);
    put_str(out, &event.author_name);
    match &event.kind {
        EventKind::InteractionLogged {
            customer_id,
            date,
            contact,
            note,
            next_step,
            confidential,
        } => {
            out.push(0);
            put_str(out, customer_id);
            put_day(out, *date)?;
            out.push(*contact as u8);
            put_str(out, note);
            match next_step {
                Some(step) => {
                    out.push(1);
                    put_str(out, &step.text);
                    put_day(out, step.due)?;
                }
                None => out.push(0),
            }
            out.push(u8::from(*confidential));
        }
        EventKind::TaskCreated {
            task_id,
            customer_id,
            title,
            due,
        } => {
            out.push(1);
            put_str(out, task_id);
            put_str(out, customer_id);
            put_str(out, title);
            put_day(out, *due)?;
        }
        EventKind::TaskDone { task_id } => {
            out.push(2);
            put_str(out, task_id);
        }
        EventKind::AssignmentChanged { customer_id, rm_id } => {
            out.push(3);
            put_str(out, customer_id);
            put_str(out, rm_id);
        }
        EventKind::EventCreated {
            event_id,
            name,
            starts,
            place,
            capacity,
        } => {
            out.push(4);
            put_str(out, event_id);
            put_str(out, name);
            put_str(out, starts);
            put_str(out, place);
            put_uint(out, u64::from(*capacity));
        }
        EventKind::Invited {
            event_id,
            customer_id,
        } => {
            out.push(5);
            put_str(out, event_id);
            put_str(out, customer_id);
        }
        EventKind::Answered {
            event_id,
            customer_id,
            answer,
        } => {
            out.push(6);
            put_str(out, event_id);
            put_str(out, customer_id);
            out.push(*answer as u8);
        }
        EventKind::Attended {
            event_id,
            customer_id,
        } => {
            out.push(7);
            put_str(out, event_id);
            put_str(out, customer_id);
        }
        EventKind::SurveyAnswered {
            customer_id,
            date,
            score,
            comment,
        } => {
            out.push(8);
            put_str(out, customer_id);
            put_day(out, *date)?;
            out.push(*score);
            put_str(out, comment);
        }
        EventKind::AlertAcknowledged { alert_key } => {
            out.push(9);
            put_str(out, alert_key);
        }
        EventKind::AlertSnoozed { alert_key, until } => {
            out.push(10);
            put_str(out, alert_key);
            put_day(out, *until)?;
        }
        EventKind::CadenceChanged { tier, every_days } => {
            out.push(11);
            put_str(out, tier);
            put_uint(out, u64::from(*every_days));
        }
    }
    Ok(())
}

/// Reads a binary segment's bytes in order; every read checks it stays inside them.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, &'static str> {
        let byte = *self.bytes.get(self.at).ok_or("it ends mid-event")?;
        self.at += 1;
        Ok(byte)
    }

    fn uint(&mut self) -> Result<u64, &'static str> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a number is too long")
    }

    fn int(&mut self) -> Result<i64, &'static str> {
        let raw = self.uint()?;
        Ok((raw >> 1) as i64 ^ -((raw & 1) as i64))
    }

    fn u32(&mut self) -> Result<u32, &'static str> {
        u32::try_from(self.uint()?).map_err(|_| "a count is out of range")
    }

    fn text(&mut self) -> Result<String, &'static str> {
        let len = usize::try_from(self.uint()?).map_err(|_| "a text is too long")?;
        let end = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())
            .ok_or("a text runs past the end")?;
        let text =
            std::str::from_utf8(&self.bytes[self.at..end]).map_err(|_| "a text is not UTF-8")?;
        self.at = end;
        Ok(text.to_owned())
    }

    fn day(&mut self) -> Result<Day, &'static str> {
        let day = i32::try_from(self.int()?)
            .map(Day)
            .map_err(|_| "a date is out of range")?;
        match day.ymd() {
            Some(_) => Ok(day),
            None => Err("a date is missing"),
        }
    }

    fn flag(&mut self) -> Result<bool, &'static str> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err("a flag is neither 0 nor 1"),
        }
    }

    fn event(&mut self) -> Result<JournalEvent, &'static str> {
        let id = EventId {
            author: self.text()?,
            sequence: self.uint()?,
        };
        let at_ms = self.int()?;
        let author_name = self.text()?;
        let kind = match self.byte()? {
            0 => EventKind::InteractionLogged {
                customer_id: self.text()?,
                date: self.day()?,
                contact: *CONTACT_KINDS
                    .get(usize::from(self.byte()?))
                    .ok_or("an unknown contact kind")?,
                note: self.text()?,
                next_step: match self.flag()? {
                    true => Some(NextStep {
                        text: self.text()?,
                        due: self.day()?,
                    }),
                    false => None,
                },
                confidential: self.flag()?,
            },
            1 => EventKind::TaskCreated {
                task_id: self.text()?,
                customer_id: self.text()?,
                title: self.text()?,
                due: self.day()?,
            },
            2 => EventKind::TaskDone {
                task_id: self.text()?,
            },
            3 => EventKind::AssignmentChanged {
                customer_id: self.text()?,
                rm_id: self.text()?,
            },
            4 => EventKind::EventCreated {
                event_id: self.text()?,
                name: self.text()?,
                starts: self.text()?,
                place: self.text()?,
                capacity: self.u32()?,
            },
            5 => EventKind::Invited {
                event_id: self.text()?,
                customer_id: self.text()?,
            },
            6 => EventKind::Answered {
                event_id: self.text()?,
                customer_id: self.text()?,
                answer: *ANSWERS
                    .get(usize::from(self.byte()?))
                    .ok_or("an unknown answer")?,
            },
            7 => EventKind::Attended {
                event_id: self.text()?,
                customer_id: self.text()?,
            },
            8 => EventKind::SurveyAnswered {
                customer_id: self.text()?,
                date: self.day()?,
                score: self.byte()?,
                comment: self.text()?,
            },
            9 => EventKind::AlertAcknowledged {
                alert_key: self.text()?,
            },
            10 => EventKind::AlertSnoozed {
                alert_key: self.text()?,
                until: self.day()?,
            },
            11 => EventKind::CadenceChanged {
                tier: self.text()?,
                every_days: self.u32()?,
            },
            _ => return Err("an unknown kind of event"),
        };
        Ok(JournalEvent {
            id,
            at_ms,
            author_name,
            kind,
        })
    }
}

/// The contact kinds in declaration order: the byte a binary segment holds.
const CONTACT_KINDS: [ContactKind; 6] = [
    ContactKind::Call,
    ContactKind::Visit,
    ContactKind::Meeting,
    ContactKind::Message,
    ContactKind::Email,
    ContactKind::Event,
];

/// The answers in declaration order.
const ANSWERS: [Rsvp; 3] = [Rsvp::Yes, Rsvp::No, Rsvp::Maybe];

/// Adds a binary segment's events to `events`, or says which event (from 0) is damaged and
/// how. The count must match the events, and nothing may follow them.
fn decode_segment(
    bytes: &[u8],
    events: &mut Vec<JournalEvent>,
) -> Result<(), (usize, &'static str)> {
    let count = segment_count(bytes).ok_or((0, "not a journal segment"))? as usize;
    let mut reader = Reader { bytes, at: 8 };
    // Each event takes at least eight bytes: a count larger than that is damage, not a reason
    // to reserve memory.
    events.reserve(count.min(bytes.len() / 8));
    for at in 0..count {
        events.push(reader.event().map_err(|why| (at, why))?);
    }
    match reader.at == bytes.len() {
        true => Ok(()),
        false => Err((count, "bytes follow the last event")),
    }
}

/// Layout version of [`StoredWorkbench`].
pub const WORKBENCH_SETTINGS_VERSION: u32 = 1;

/// Who writes in this browser and the workbench's thresholds, as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredWorkbench {
    /// [`WORKBENCH_SETTINGS_VERSION`].
    pub version: u32,
    /// The author of this browser's events, once set.
    #[serde(default)]
    pub author: Option<Author>,
    /// Alert thresholds.
    #[serde(default)]
    pub thresholds: AlertThresholds,
    /// Balance weights.
    #[serde(default)]
    pub weights: BalanceWeights,
}

impl StoredWorkbench {
    /// The stored settings, or the defaults when none (or a newer layout's) are stored.
    pub fn read(json: &str) -> StoredWorkbench {
        serde_json::from_str::<StoredWorkbench>(json)
            .ok()
            .filter(|s| s.version <= WORKBENCH_SETTINGS_VERSION)
            .unwrap_or_default()
    }

    /// As JSON, at this build's version.
    pub fn write(&self) -> String {
        let stored = StoredWorkbench {
            version: WORKBENCH_SETTINGS_VERSION,
            ..self.clone()
        };
        serde_json::to_string(&stored).unwrap_or_default()
    }
}
