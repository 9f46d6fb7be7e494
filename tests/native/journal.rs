//! The relationship journal: each event's canonical bytes (checked in), merging journals by id
//! (idempotent, order-independent, refusing an id with two contents), and its file.

use keystone::journal::{
    read_file, write_file, ContactKind, EventId, EventKind, Journal, JournalEvent, NextStep,
    FILE_MAGIC,
};
use keystone::model::Day;
use proptest::prelude::*;

fn visit(author: &str, sequence: u64, at_ms: i64, note: &str) -> JournalEvent {
    JournalEvent {
        id: EventId {
            author: author.into(),
            sequence,
        },
        at_ms,
        author_name: format!("{author} 经理"),
        kind: EventKind::InteractionLogged {
            customer_id: "C00042".into(),
            date: Day::from_ymd(2024, 2, 29).expect("a leap day"),
            contact: ContactKind::Visit,
            note: note.into(),
            next_step: Some(NextStep {
                text: "送理财方案".into(),
                due: Day::from_ymd(2024, 3, 7).expect("date"),
            }),
            confidential: false,
        },
    }
}

#[test]
fn an_events_canonical_bytes_are_its_json_in_declaration_order_and_read_back() {
    let event = visit("RM007", 3, 1_709_190_000_000, "谈了定期到期");
    let bytes = event.canonical_bytes().expect("bytes");
    assert_eq!(
        String::from_utf8(bytes.clone()).expect("UTF-8"),
        r#"{"id":{"author":"RM007","sequence":3},"at_ms":1709190000000,"author_name":"RM007 经理","kind":{"kind":"interaction_logged","customer_id":"C00042","date":"2024-02-29","contact":"visit","note":"谈了定期到期","next_step":{"text":"送理财方案","due":"2024-03-07"},"confidential":false}}"#
    );
    let read: JournalEvent = serde_json::from_slice(&bytes).expect("reads");
    assert_eq!(read, event);
    assert_eq!(read.canonical_bytes().expect("bytes"), bytes);
    // A missing date has no canonical form: it is an error, never empty bytes.
    let mut undated = event;
    if let EventKind::InteractionLogged { date, .. } = &mut undated.kind {
        *date = Day::MISSING;
    }
    assert!(undated.canonical_bytes().is_err());
}

#[test]
fn an_id_met_with_other_contents_is_refused_and_changes_nothing() {
    let mut journal = Journal::default();
    assert_eq!(journal.next_sequence("RM007"), 1);
    assert_eq!(
        journal.merge([visit("RM007", 1, 10, "a"), visit("RM008", 1, 5, "b")]),
        Ok(2)
    );
    assert_eq!(journal.next_sequence("RM007"), 2);
    let before = journal.clone();
    let forged = visit("RM007", 1, 10, "changed afterwards");
    let conflicts = journal
        .merge([visit("RM009", 1, 1, "new"), forged])
        .expect_err("a conflict");
    assert_eq!(conflicts.len(), 1);
    assert!(
        conflicts[0].to_string().contains("RM007 #1"),
        "{}",
        conflicts[0]
    );
    assert_eq!(journal, before, "nothing merged");
    // Twice in one file with different contents: refused too.
    assert!(Journal::default()
        .merge([visit("RM001", 1, 1, "x"), visit("RM001", 1, 1, "y")])
        .is_err());
}

#[test]
fn a_journal_file_round_trips_and_a_bad_line_is_refused_by_number() {
    let events = vec![visit("RM007", 1, 10, "一"), visit("RM007", 2, 20, "二")];
    let file = write_file(&events).expect("written");
    assert!(file.starts_with(FILE_MAGIC.as_bytes()));
    assert_eq!(read_file(&file), Ok(events.clone()));
    // CRLF, as a file edited on Windows comes back, and a blank last line.
    let crlf = String::from_utf8(file.clone())
        .expect("text")
        .replace('\n', "\r\n");
    assert_eq!(read_file(crlf.as_bytes()), Ok(events));
    let text = String::from_utf8(file).expect("text");
    let damaged = text.replacen("\"at_ms\":20", "\"at_ms\":\"20\"", 1);
    let error = read_file(damaged.as_bytes()).expect_err("refused");
    assert_eq!(error.line, 3);
    let undated = text.replacen("2024-02-29", "2024-02-30", 1);
    assert_eq!(read_file(undated.as_bytes()).map_err(|e| e.line), Err(2));
    assert_eq!(read_file(b"customer_id,name\n").map_err(|e| e.line), Err(1));
    let no_sequence = text.replacen("\"sequence\":1", "\"sequence\":0", 1);
    assert!(read_file(no_sequence.as_bytes())
        .expect_err("refused")
        .why
        .contains("sequence from 1"));
}

/// Events by three authors, each author's sequences 1..n, at times that may tie.
fn events() -> impl Strategy<Value = Vec<JournalEvent>> {
    prop::collection::vec((0usize..3, 0i64..50, "[a-c]{0,3}"), 1..40).prop_map(|drawn| {
        let mut next = [0u64; 3];
        drawn
            .into_iter()
            .map(|(author, at, note)| {
                next[author] += 1;
                visit(&format!("RM{author}"), next[author], at, &note)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Two people's journals, overlapping, merged either way round, in any order, once or
    /// twice: the same journal, ordered by time, author and sequence.
    #[test]
    fn merging_journals_is_idempotent_and_does_not_depend_on_order(
        all in events(),
        split in prop::collection::vec(0u8..3, 40),
        seed in any::<u64>(),
    ) {
        // Each event goes to A, to B, or to both.
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for (event, &side) in all.iter().zip(split.iter().cycle()) {
            if side != 1 { a.push(event.clone()); }
            if side != 0 { b.push(event.clone()); }
        }
        let mut shuffled = all.clone();
        let order = keystone::random::SplitMix64(seed).permutation(shuffled.len());
        shuffled = order.into_iter().map(|i| all[i].clone()).collect();
        let mut whole = Journal::default();
        prop_assert_eq!(whole.merge(shuffled), Ok(all.len()));
        let mut ab = Journal::default();
        ab.merge(a.clone()).expect("a");
        ab.merge(b.clone()).expect("b");
        let mut ba = Journal::default();
        ba.merge(b.into_iter().rev()).expect("b");
        ba.merge(a).expect("a");
        prop_assert_eq!(&ab, &whole);
        prop_assert_eq!(&ba, &whole);
        // One event at a time, as a manager records them: each goes at the end when it is
        // the latest, in its place when it is not.
        let mut one_by_one = Journal::default();
        for event in &all {
            one_by_one.merge([event.clone()]).expect("one");
        }
        prop_assert_eq!(&one_by_one, &whole);
        let again = ab.merge(all.clone());
        prop_assert_eq!(again, Ok(0));
        prop_assert_eq!(&ab, &whole);
        let keys: Vec<(i64, String, u64)> = whole
            .events()
            .iter()
            .map(|e| (e.at_ms, e.id.author.clone(), e.id.sequence))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        prop_assert_eq!(keys, sorted);
    }
}

mod cadence {
    use super::super::support::{bytes, import_files};
    use super::visit;
    use keystone::analytics::cadence::{contact_status, CadencePolicy};
    use keystone::analytics::workbench::{contacts, last_contacts, EventCustomers};
    use keystone::journal::{EventId, EventKind, Journal, JournalEvent};
    use keystone::model::Day;

    fn day(y: i32, m: u32, d: u32) -> Day {
        Day::from_ymd(y, m, d).expect("a date")
    }

    #[test]
    fn a_contact_is_due_a_cadence_after_the_last_and_overdue_by_the_days_past_it() {
        let today = day(2024, 4, 2);
        // Never contacted: due at once, not yet overdue.
        let never = contact_status(None, Some(30), today);
        assert_eq!((never.due, never.overdue_days), (Some(today), 0));
        // Contacted today: due a cadence later.
        let fresh = contact_status(Some(today), Some(30), today);
        assert_eq!((fresh.due, fresh.overdue_days), (Some(day(2024, 5, 2)), 0));
        // A leap day plus 30 is 30 March; on 2 April that is three days overdue.
        let leap = contact_status(Some(day(2024, 2, 29)), Some(30), today);
        assert_eq!((leap.due, leap.overdue_days), (Some(day(2024, 3, 30)), 3));
        // The same 30 days from 31 January land a day apart in a leap year and another.
        assert_eq!(
            contact_status(Some(day(2024, 1, 31)), Some(30), today).due,
            Some(day(2024, 3, 1))
        );
        assert_eq!(
            contact_status(Some(day(2023, 1, 31)), Some(30), today).due,
            Some(day(2023, 3, 2))
        );
        // A tier without cadence is never due.
        let mass = contact_status(Some(day(2020, 1, 1)), None, today);
        assert_eq!((mass.due, mass.overdue_days), (None, 0));
    }

    #[test]
    fn the_policy_follows_the_journals_cadence_changes_in_order() {
        let policy = CadencePolicy::default();
        assert_eq!(
            (
                policy.days_for("private"),
                policy.days_for("wealth"),
                policy.days_for("affluent"),
                policy.days_for("mass")
            ),
            (Some(30), Some(60), Some(90), None)
        );
        let change = |sequence: u64, at_ms: i64, tier: &str, every_days: u32| JournalEvent {
            id: EventId {
                author: "RM1".into(),
                sequence,
            },
            at_ms,
            author_name: "王经理".into(),
            kind: EventKind::CadenceChanged {
                tier: tier.into(),
                every_days,
            },
        };
        let mut journal = Journal::default();
        // Written out of order: the later change wins.
        journal
            .merge([
                change(2, 20, "mass", 180),
                change(1, 10, "mass", 45),
                change(3, 30, "private", 0),
            ])
            .expect("merged");
        let changed = policy.with_journal(&journal);
        assert_eq!(changed.days_for("mass"), Some(180));
        assert_eq!(changed.days_for("private"), None);
        assert_eq!(changed.days_for("wealth"), Some(60));
    }

    #[test]
    fn the_last_contact_is_the_latest_imported_or_recorded() {
        let (_, outcome) = import_files(&[
            ("customers_zh_gbk.csv", bytes("import/customers_zh_gbk.csv")),
            ("interactions.json", bytes("import/interactions.json")),
        ]);
        let data = outcome.dataset;
        let row = |id: &str| {
            (0..data.n_customers())
                .find(|&r| data.customers().customer_id.get(r) == id)
                .unwrap_or_else(|| panic!("{id}"))
        };
        let imported = last_contacts(
            &data,
            &contacts(
                &data,
                &EventCustomers::resolve(&data, &Journal::default()),
                &Journal::default(),
                &[],
            ),
        );
        assert_eq!(imported[row("K001")], Some(day(2024, 3, 1)));
        assert_eq!(imported[row("K002")], Some(day(2024, 3, 5)));
        assert_eq!(imported[row("K003")], None);
        let logged = |sequence: u64, customer: &str, date: Day| {
            let mut event = visit("RM01", sequence, sequence as i64, "");
            if let EventKind::InteractionLogged {
                customer_id,
                date: on,
                ..
            } = &mut event.kind
            {
                *customer_id = customer.into();
                *on = date;
            }
            event
        };
        let mut journal = Journal::default();
        journal
            .merge([
                // Earlier than the imported contact: the imported one stays the last.
                logged(1, "K002", day(2024, 2, 1)),
                logged(2, "K003", day(2024, 2, 29)),
                // Not in this dataset: ignored, not an error.
                logged(3, "K999", day(2024, 3, 9)),
                logged(4, "K001", day(2024, 3, 8)),
            ])
            .expect("merged");
        let both = super::super::support::last_contacts_after(&data, &journal);
        assert_eq!(both[row("K001")], Some(day(2024, 3, 8)));
        assert_eq!(both[row("K002")], Some(day(2024, 3, 5)));
        assert_eq!(both[row("K003")], Some(day(2024, 2, 29)));
        assert_eq!(both.len(), data.n_customers());
    }
}

/// The stored layouts: the binary segments written now and the lines of the first layout
/// read back to the same journal, every kind of event included; damage is refused naming the
/// segment and event, and a missing date is not written.
#[test]
fn both_stored_layouts_read_back_every_kind_of_event_and_damage_is_refused_where_it_is() {
    use keystone::storage::journal::{
        append_to_segment, encode_segment, event_lines, read_segments, segment_count, StoredSegment,
    };
    let file = super::support::bytes("journal/every_kind.journal");
    let events = read_file(&file).expect("the fixture reads");
    assert_eq!(events.len(), 12, "one event of every kind");
    let mut whole = Journal::default();
    whole.merge(events.clone()).expect("merged");

    let (first, rest) = events.split_at(5);
    let grown =
        append_to_segment(&encode_segment(first).expect("a segment"), rest).expect("appended");
    assert_eq!(grown, encode_segment(&events).expect("one segment"));
    assert_eq!(segment_count(&grown), Some(12));
    let lines = event_lines(&events).expect("lines").join("\n");
    for stored in [
        vec![StoredSegment::Binary(grown.clone())],
        vec![StoredSegment::Lines(lines.clone())],
        // A browser that stored lines before, then binary segments.
        vec![
            StoredSegment::Lines(event_lines(first).expect("lines").join("\n")),
            StoredSegment::Binary(encode_segment(rest).expect("a segment")),
        ],
    ] {
        assert_eq!(read_segments(&stored).expect("reads"), whole);
    }

    let refused = |segments: Vec<StoredSegment>| read_segments(&segments).expect_err("damaged");
    let cut = grown[..grown.len() - 3].to_vec();
    assert!(refused(vec![
        StoredSegment::Lines(lines),
        StoredSegment::Binary(cut)
    ])
    .contains("segment 2, event 12"));
    let mut longer = grown.clone();
    longer.push(0);
    assert!(refused(vec![StoredSegment::Binary(longer)]).contains("bytes follow"));
    let mut counted_more = grown.clone();
    counted_more[4] = 13;
    assert!(refused(vec![StoredSegment::Binary(counted_more)]).contains("event 13"));
    let twice = [grown.clone(), grown[8..].to_vec()].concat();
    let mut twice_counted = twice.clone();
    twice_counted[4] = 24;
    assert_eq!(
        read_segments(&[StoredSegment::Binary(twice_counted)]).expect("the same events twice"),
        whole
    );

    let mut undated = events[0].clone();
    if let EventKind::InteractionLogged { date, .. } = &mut undated.kind {
        *date = Day::MISSING;
    }
    assert!(
        encode_segment(&[undated]).is_err(),
        "a missing date is not stored"
    );
}
