//! The relationship workbench on a hand-made branch export (`tests/data/workbench/`, written
//! by its `make_workbench.py`): every alert rule with a customer that trips it and one just
//! below, assignments after the journal, follow-ups, NPS against a hand count, the balancing
//! proposal, and the `.ics` file read back by an independent parser.

use super::support::{bytes, import_files};
use keystone::analytics::alerts::{
    compute_alerts, AlertDecisions, AlertInput, AlertRule, AlertThresholds,
};
use keystone::analytics::balance::{propose_balance, spread, BalanceWeights};
use keystone::analytics::cadence::CadencePolicy;
use keystone::analytics::nps::{nps_report, survey_answers, Nps};
use keystone::analytics::workbench::{
    assignments, client_events, contact_statuses, contacts, last_contacts, open_tasks,
    EventCustomers, TaskOrigin,
};
use keystone::analytics::{analyse, AnalysisConfig, TierRules};
use keystone::journal::ics::{calendar_file, CalendarEvent};
use keystone::journal::{EventId, EventKind, Journal, JournalEvent, Rsvp};
use keystone::model::{Dataset, Day, NO_RELATIONSHIP_MANAGER};

fn day(text: &str) -> Day {
    Day::parse_iso(text).expect("a date")
}

/// The working day of the tests: ten days after the data's date.
fn today() -> Day {
    day("2026-07-10")
}

fn import_book(holdings: &str) -> Dataset {
    let files: Vec<(&str, Vec<u8>)> = [
        "customers.csv",
        "managers.csv",
        holdings,
        "transactions.csv",
        "interactions.csv",
        "feedback.csv",
    ]
    .iter()
    .map(|name| (*name, bytes(&format!("workbench/{name}"))))
    .collect();
    let (_, outcome) = import_files(&files);
    for file in &outcome.report.files {
        assert_eq!(
            (file.rejected, file.warnings),
            (0, 0),
            "{}: {:?}",
            file.file,
            outcome.report
        );
    }
    outcome.dataset
}

fn row(data: &Dataset, id: &str) -> usize {
    (0..data.n_customers())
        .find(|&r| data.customers().customer_id.get(r) == id)
        .unwrap_or_else(|| panic!("{id} is not in the book"))
}

fn event(author: &str, sequence: u64, at_ms: i64, kind: EventKind) -> JournalEvent {
    JournalEvent {
        id: EventId {
            author: author.into(),
            sequence,
        },
        at_ms,
        author_name: format!("{author} 经理"),
        kind,
    }
}

/// Each rule's customers, by id, from the alerts open on `today`.
fn alerted(
    data: &Dataset,
    journal: &Journal,
    thresholds: &AlertThresholds,
) -> Vec<(AlertRule, Vec<String>)> {
    let rules = TierRules::workload_defaults();
    let analysis = analyse(
        data,
        &AnalysisConfig {
            tier_rules: rules.clone(),
        },
    );
    let earlier = import_book("holdings_2026Q1.csv");
    let earlier_analysis = analyse(
        &earlier,
        &AnalysisConfig {
            tier_rules: rules.clone(),
        },
    );
    let previous: Vec<Option<u8>> = (0..data.n_customers())
        .map(|r| {
            let id = data.customers().customer_id.get(r);
            (0..earlier.n_customers())
                .find(|&e| earlier.customers().customer_id.get(e) == id)
                .map(|e| earlier_analysis.tier_of_customer[e])
        })
        .collect();
    let keys: Vec<&str> = rules.tiers.iter().map(|t| t.key.as_str()).collect();
    let all_contacts = contacts(
        data,
        &EventCustomers::resolve(data, journal),
        journal,
        &client_events(journal),
    );
    let last = last_contacts(data, &all_contacts);
    let statuses = contact_statuses(
        &last,
        &analysis.tier_of_customer,
        &keys,
        &CadencePolicy::default().with_journal(journal),
        today(),
    );
    let alerts = compute_alerts(
        &AlertInput {
            dataset: data,
            as_of: analysis.as_of,
            today: today(),
            aum_fen: &analysis.features.aum_fen,
            recency_days: &analysis.features.recency_days,
            tier_of_customer: &analysis.tier_of_customer,
            key_account_tiers: rules.key_account_tiers,
            previous_tier: Some(&previous),
            contact: &statuses,
            journal,
            customers: &EventCustomers::resolve(data, journal),
        },
        thresholds,
    );
    let decisions = AlertDecisions::of(journal);
    AlertRule::ALL
        .iter()
        .map(|&rule| {
            let ids = alerts
                .iter()
                .filter(|a| a.rule == rule && decisions.is_open(&a.key, today()))
                .map(|a| data.customers().customer_id.get(a.customer).to_owned())
                .collect();
            (rule, ids)
        })
        .collect()
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn every_alert_rule_trips_on_its_customer_and_not_on_the_one_just_below() {
    let data = import_book("holdings.csv");
    let journal = Journal::default();
    let got = alerted(&data, &journal, &AlertThresholds::default());
    assert_eq!(
        got,
        vec![
            // OUT1: 300k of 900k (33 %); OUT3: 600k > ¥500k; OUT2 299k of 999k and its
            // 200k on the window's first excluded day; OUT4 nets exactly ¥500k.
            (AlertRule::LargeOutflow, ids(&["OUT1", "OUT3"])),
            // DOR1's last transaction is 90 days old, DOR2's 89; DOR3 is not a key account.
            (AlertRule::DormantKeyAccount, ids(&["DOR1"])),
            // TDR1 fell from 财富 to 贵宾; TDR2 fell to exactly ¥1M and stays 财富.
            (AlertRule::TierDrop, ids(&["TDR1"])),
            // SUI1 (tolerance 2) holds an R4 fund; SUI2 (tolerance 4) may.
            (AlertRule::Suitability, ids(&["SUI1"])),
            // MAT1 matures in 30 days, MAT2 in 31, MAT3 matured yesterday.
            (AlertRule::Maturity, ids(&["MAT1"])),
            // SAT1's latest score is 6; SAT2's 7; SAT3's 3 was followed by a 9.
            (AlertRule::LowSatisfaction, ids(&["SAT1"])),
            // OVD1 last seen 31 days ago (private: every 30), OVD2 30 days ago.
            (AlertRule::OverdueKeyAccount, ids(&["OVD1"])),
        ]
    );
    // The thresholds are the user's: a 20 % share catches OUT2 too, 60 dormant days DOR2.
    let looser = AlertThresholds {
        outflow_share_percent: 20,
        dormant_days: 60,
        maturity_days: 31,
        ..AlertThresholds::default()
    };
    let got = alerted(&data, &journal, &looser);
    assert_eq!(got[0].1, ids(&["OUT1", "OUT2", "OUT3"]));
    assert_eq!(got[1].1, ids(&["DOR1", "DOR2"]));
    assert_eq!(got[4].1, ids(&["MAT1", "MAT2"]));
}

#[test]
fn an_acknowledged_alert_stays_down_and_a_snoozed_one_returns_on_its_day() {
    let data = import_book("holdings.csv");
    let defaults = AlertThresholds::default();
    let before = alerted(&data, &Journal::default(), &defaults);
    assert_eq!(before[0].1, ids(&["OUT1", "OUT3"]));
    // The keys the page acknowledges by: compute them as the page does.
    let analysis = analyse(&data, &AnalysisConfig::default());
    let key_of = |id: &str, rule: &str| format!("{rule}:{id}:{}", analysis.as_of.expect("as of").0);
    let mut journal = Journal::default();
    journal
        .merge([
            event(
                "RM01",
                1,
                1,
                EventKind::AlertAcknowledged {
                    alert_key: key_of("OUT1", "outflow"),
                },
            ),
            event(
                "RM01",
                2,
                2,
                EventKind::AlertSnoozed {
                    alert_key: key_of("OUT3", "outflow"),
                    until: day("2026-07-12"),
                },
            ),
        ])
        .expect("merged");
    let decisions = AlertDecisions::of(&journal);
    assert!(!decisions.is_open(&key_of("OUT1", "outflow"), today()));
    assert!(!decisions.is_open(&key_of("OUT3", "outflow"), today()));
    assert!(decisions.is_open(&key_of("OUT3", "outflow"), day("2026-07-12")));
    assert_eq!(
        alerted(&data, &journal, &defaults)[0].1,
        Vec::<String>::new()
    );
}

#[test]
fn a_visit_logged_ends_the_overdue_alert_and_next_steps_and_detractors_become_tasks() {
    let data = import_book("holdings.csv");
    let mut journal = Journal::default();
    journal
        .merge([event(
            "RM01",
            1,
            1,
            EventKind::InteractionLogged {
                customer_id: "OVD1".into(),
                date: day("2026-07-10"),
                contact: keystone::journal::ContactKind::Visit,
                note: "到府拜访".into(),
                next_step: Some(keystone::journal::NextStep {
                    text: "送资产配置方案".into(),
                    due: day("2026-07-17"),
                }),
                confidential: true,
            },
        )])
        .expect("merged");
    let got = alerted(&data, &journal, &AlertThresholds::default());
    assert_eq!(got[6].1, Vec::<String>::new(), "OVD1 was just visited");

    let events = client_events(&journal);
    let all = contacts(
        &data,
        &EventCustomers::resolve(&data, &journal),
        &journal,
        &events,
    );
    let newest = all[0].read(&data, &journal, &events, "RM02");
    assert_eq!(
        (newest.customer, newest.date),
        (row(&data, "OVD1"), today())
    );
    assert_eq!(
        newest.note, None,
        "a confidential note is its author's only"
    );
    assert_eq!(
        all[0]
            .read(&data, &journal, &events, "RM01")
            .note
            .as_deref(),
        Some("到府拜访")
    );

    let last = last_contacts(&data, &all);
    let tasks = open_tasks(
        &data,
        &EventCustomers::resolve(&data, &journal),
        &journal,
        &last,
    );
    let summary: Vec<(String, TaskOrigin, Day)> = tasks
        .iter()
        .map(|t| {
            (
                data.customers().customer_id.get(t.customer).to_owned(),
                t.origin,
                t.due,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            // SAT1's 6 on 1 June, not followed by a contact; SAT3's 3 was followed by a 9.
            (
                "SAT1".to_owned(),
                TaskOrigin::Detractor(6),
                day("2026-06-08")
            ),
            ("OVD1".to_owned(), TaskOrigin::NextStep, day("2026-07-17")),
        ]
    );
    // Done is done; a contact after a detractor's answer also closes its follow-up.
    journal
        .merge([
            event(
                "RM01",
                2,
                2,
                EventKind::TaskDone {
                    task_id: tasks[1].task_id.clone(),
                },
            ),
            event(
                "RM02",
                1,
                3,
                EventKind::InteractionLogged {
                    customer_id: "SAT1".into(),
                    date: day("2026-07-09"),
                    contact: keystone::journal::ContactKind::Call,
                    note: "致歉".into(),
                    next_step: None,
                    confidential: false,
                },
            ),
        ])
        .expect("merged");
    let last = super::support::last_contacts_after(&data, &journal);
    assert!(open_tasks(
        &data,
        &EventCustomers::resolve(&data, &journal),
        &journal,
        &last
    )
    .is_empty());
}

#[test]
fn reassignments_follow_the_journal_and_an_unknown_manager_is_named_not_applied() {
    let data = import_book("holdings.csv");
    let mut journal = Journal::default();
    journal
        .merge([
            event(
                "LEAD",
                1,
                1,
                EventKind::AssignmentChanged {
                    customer_id: "UNA1".into(),
                    rm_id: "RM03".into(),
                },
            ),
            event(
                "LEAD",
                2,
                2,
                EventKind::AssignmentChanged {
                    customer_id: "OUT1".into(),
                    rm_id: "RM09".into(),
                },
            ),
            event(
                "LEAD",
                3,
                3,
                EventKind::AssignmentChanged {
                    customer_id: "OUT2".into(),
                    rm_id: String::new(),
                },
            ),
        ])
        .expect("merged");
    let after = assignments(&data, &journal);
    let managers = data.relationship_managers();
    let manager = |id: &str| match after.manager_of[row(&data, id)] {
        NO_RELATIONSHIP_MANAGER => "",
        m => managers.rm_id.get(m as usize),
    };
    assert_eq!(
        (manager("UNA1"), manager("OUT1"), manager("OUT2")),
        ("RM03", "RM01", "")
    );
    assert_eq!(after.changed, 2);
    assert_eq!(after.unknown_managers, vec!["RM09".to_owned()]);
}

#[test]
fn nps_is_promoters_minus_detractors_of_each_customers_latest_answer_as_counted_by_hand() {
    let data = import_book("holdings.csv");
    let analysis = analyse(&data, &AnalysisConfig::default());
    let report = |journal: &Journal| {
        let manager_of = assignments(&data, journal).manager_of;
        nps_report(
            &survey_answers(&data, &EventCustomers::resolve(&data, journal), journal),
            &manager_of,
            data.relationship_managers().len(),
            &analysis.tier_of_customer,
            4,
        )
    };
    let before = report(&Journal::default());
    // SAT1 6 (detractor), SAT2 7 (passive), SAT3 9 (promoter): one of each.
    assert_eq!(
        before.overall,
        Nps {
            promoters: 1,
            passives: 1,
            detractors: 1
        }
    );
    assert_eq!(before.overall.score(), Some(0.0));
    // RM02 has SAT1 only; RM03 has SAT2 and SAT3: (1 − 0) / 2.
    assert_eq!(before.by_manager[1].score(), Some(-100.0));
    assert_eq!(before.by_manager[2].score(), Some(50.0));
    assert_eq!(before.by_manager[0].responses(), 0);
    // By month: March has SAT3's 3; June the three latest.
    let months: Vec<((i32, u32), Option<f64>)> = before
        .by_month
        .iter()
        .map(|(m, n)| (*m, n.score()))
        .collect();
    assert_eq!(
        months,
        vec![((2026, 3), Some(-100.0)), ((2026, 6), Some(0.0))]
    );

    // SAT2 answers 3 in July: two detractors of three.
    let mut journal = Journal::default();
    journal
        .merge([event(
            "RM03",
            1,
            1,
            EventKind::SurveyAnswered {
                customer_id: "SAT2".into(),
                date: day("2026-07-05"),
                score: 3,
                comment: "理财收益不及预期".into(),
            },
        )])
        .expect("merged");
    let after = report(&journal);
    assert_eq!(
        after.overall,
        Nps {
            promoters: 1,
            passives: 0,
            detractors: 2
        }
    );
    assert!((after.overall.score().expect("answers") + 100.0 / 3.0).abs() < 1e-9);
    assert_eq!(after.by_manager[2].score(), Some(0.0));
    assert_eq!(
        after.by_month.last().map(|(m, n)| (*m, n.responses())),
        Some(((2026, 7), 1))
    );
    // The new detractor opens a follow-up.
    let last = super::support::last_contacts_after(&data, &journal);
    let tasks = open_tasks(
        &data,
        &EventCustomers::resolve(&data, &journal),
        &journal,
        &last,
    );
    assert!(tasks
        .iter()
        .any(|t| t.customer == row(&data, "SAT2") && t.origin == TaskOrigin::Detractor(3)));
}

#[test]
fn the_balancing_proposal_lowers_the_spread_with_the_fewest_moves_and_is_deterministic() {
    let weights = BalanceWeights {
        tier_points: vec![10, 4, 1, 0],
        points_per_million: 0,
        tolerance_percent: 10,
    };
    // Already even: two private clients each. Nothing moves.
    let even = propose_balance(&[0, 0, 1, 1], &[0, 0, 0, 0], &[0; 4], 2, &weights);
    assert!(even.moves.is_empty());
    assert_eq!(even.before, even.after);

    // Manager 0 has three private clients, manager 1 one: one move evens them (20 / 20).
    let one = propose_balance(&[0, 0, 0, 1], &[0, 0, 0, 0], &[0; 4], 2, &weights);
    assert_eq!(one.moves.len(), 1);
    assert_eq!((one.moves[0].from, one.moves[0].to), (0, 1));
    assert_eq!(one.after, vec![20_000, 20_000]);

    // A lopsided book of three managers and an unassigned wealth client, AUM weighed too.
    let yuan = |y: i64| y * 100;
    let manager_of = [0, 0, 0, 0, 0, 0, 1, 1, 2, NO_RELATIONSHIP_MANAGER, 0, 0];
    let tiers = [0, 0, 1, 1, 2, 3, 1, 2, 2, 1, 2, 2];
    let aum = [
        yuan(8_000_000),
        yuan(7_000_000),
        yuan(2_000_000),
        yuan(1_500_000),
        yuan(100_000),
        0,
        yuan(3_000_000),
        yuan(200_000),
        yuan(300_000),
        yuan(1_200_000),
        yuan(100_000),
        yuan(100_000),
    ];
    let money = BalanceWeights {
        points_per_million: 1,
        ..weights.clone()
    };
    let proposal = propose_balance(&manager_of, &tiers, &aum, 3, &money);
    assert!(spread(&proposal.after) < spread(&proposal.before));
    assert!(proposal
        .moves
        .iter()
        .any(|m| m.customer == 9 && m.from == NO_RELATIONSHIP_MANAGER));
    // No customer moves twice, and every move is needed: leaving any one out leaves the
    // books further from even (a larger sum of squared deviations from the mean).
    let mut moved: Vec<usize> = proposal.moves.iter().map(|m| m.customer).collect();
    moved.sort_unstable();
    moved.dedup();
    assert_eq!(moved.len(), proposal.moves.len());
    let loads_with = |skip: Option<usize>| {
        let mut assigned = manager_of;
        for (i, m) in proposal.moves.iter().enumerate() {
            if Some(i) != skip {
                assigned[m.customer] = m.to;
            }
        }
        propose_balance(
            &assigned,
            &tiers,
            &aum,
            3,
            &BalanceWeights {
                tolerance_percent: 1000,
                ..money.clone()
            },
        )
        .before
    };
    let squares = |loads: &[i64]| {
        let mean = loads.iter().sum::<i64>() as f64 / loads.len() as f64;
        loads
            .iter()
            .map(|&l| (l as f64 - mean).powi(2))
            .sum::<f64>()
    };
    assert_eq!(loads_with(None), proposal.after);
    for skip in 0..proposal.moves.len() {
        assert!(
            squares(&loads_with(Some(skip))) > squares(&proposal.after),
            "move {skip} of {:?} is not needed",
            proposal.moves
        );
    }
    // The same book gives the same proposal.
    assert_eq!(
        proposal,
        propose_balance(&manager_of, &tiers, &aum, 3, &money)
    );
}

#[test]
fn an_events_guests_answers_and_attendance_follow_the_journal_and_attendance_is_a_contact() {
    let data = import_book("holdings.csv");
    let mut journal = Journal::default();
    let created = EventKind::EventCreated {
        event_id: "E1".into(),
        name: "财富沙龙：资产配置".into(),
        starts: "2026-07-20T14:30".into(),
        place: "城东支行 3 楼, 贵宾室".into(),
        capacity: 20,
    };
    journal
        .merge([
            event("RM01", 1, 1, created),
            event(
                "RM01",
                2,
                2,
                EventKind::Invited {
                    event_id: "E1".into(),
                    customer_id: "DOR1".into(),
                },
            ),
            event(
                "RM01",
                3,
                3,
                EventKind::Invited {
                    event_id: "E1".into(),
                    customer_id: "OVD1".into(),
                },
            ),
            event(
                "RM01",
                4,
                4,
                EventKind::Invited {
                    event_id: "E1".into(),
                    customer_id: "DOR1".into(),
                },
            ),
            event(
                "RM01",
                5,
                5,
                EventKind::Answered {
                    event_id: "E1".into(),
                    customer_id: "DOR1".into(),
                    answer: Rsvp::Maybe,
                },
            ),
            event(
                "RM01",
                6,
                6,
                EventKind::Answered {
                    event_id: "E1".into(),
                    customer_id: "DOR1".into(),
                    answer: Rsvp::Yes,
                },
            ),
            event(
                "RM01",
                7,
                7,
                EventKind::Attended {
                    event_id: "E1".into(),
                    customer_id: "DOR1".into(),
                },
            ),
            event(
                "RM01",
                8,
                8,
                EventKind::Invited {
                    event_id: "NONE".into(),
                    customer_id: "OVD1".into(),
                },
            ),
        ])
        .expect("merged");
    let events = client_events(&journal);
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e.invited, ids(&["DOR1", "OVD1"]));
    assert_eq!(
        (e.answer("DOR1"), e.answer("OVD1"), e.coming()),
        (Some(Rsvp::Yes), None, 1)
    );
    assert_eq!(e.day(), day("2026-07-20"));
    let all = contacts(
        &data,
        &EventCustomers::resolve(&data, &journal),
        &journal,
        &client_events(&journal),
    );
    let last = last_contacts(&data, &all);
    assert_eq!(last[row(&data, "DOR1")], Some(day("2026-07-20")));
}

#[test]
fn the_ics_file_is_read_back_by_an_independent_parser_with_every_field() {
    let description = "邀请 12 位，确认 5 位; 请准时\n第二行";
    let file = calendar_file(&CalendarEvent {
        uid: "E1@keystone",
        summary: "财富沙龙：资产配置与传承规划，欢迎携家人参加（名额有限，先到先得）",
        location: "城东支行 3 楼, 贵宾室",
        description,
        starts: "2024-02-29T14:30",
        minutes: 120,
        stamp_utc: "20240201T080000Z",
    })
    .expect("a calendar file");
    assert!(
        file.split("\r\n").all(|line| line.len() <= 75),
        "lines fold at 75 octets"
    );
    assert!(file.ends_with("END:VCALENDAR\r\n"));
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(file.as_bytes()));
    let calendar = parser.next().expect("one calendar").expect("it parses");
    assert!(parser.next().is_none());
    assert_eq!(calendar.events.len(), 1);
    let prop = |name: &str| {
        calendar.events[0]
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_else(|| panic!("no {name}"))
    };
    // The parser unfolds lines but leaves TEXT escapes: undo them as a calendar app does.
    let unescape = |s: String| {
        s.replace("\\n", "\n")
            .replace("\\,", ",")
            .replace("\\;", ";")
            .replace("\\\\", "\\")
    };
    assert_eq!(prop("UID"), "E1@keystone");
    assert_eq!(prop("DTSTART"), "20240229T143000");
    assert_eq!(prop("DURATION"), "PT120M");
    assert_eq!(prop("DTSTAMP"), "20240201T080000Z");
    assert_eq!(
        unescape(prop("SUMMARY")),
        "财富沙龙：资产配置与传承规划，欢迎携家人参加（名额有限，先到先得）"
    );
    assert_eq!(unescape(prop("LOCATION")), "城东支行 3 楼, 贵宾室");
    assert_eq!(unescape(prop("DESCRIPTION")), description);
    // A start that is no date and time is refused, not written.
    for bad in [
        "2023-02-29T10:00",
        "2024-03-01 10:00",
        "2024-03-01T24:00",
        "",
    ] {
        let refused = calendar_file(&CalendarEvent {
            starts: bad,
            ..CalendarEvent {
                uid: "x",
                summary: "x",
                location: "",
                description: "",
                starts: "",
                minutes: 60,
                stamp_utc: "20240201T080000Z",
            }
        });
        assert!(refused.is_err(), "{bad}");
    }
}

#[test]
fn the_relationship_page_orders_the_overdue_and_counts_coverage_per_manager() {
    use keystone::storage::journal::StoredWorkbench;
    use keystone::view::relationship::{
        alert_rows, coverage, overdue_rows, task_rows, workbench, Listed, OverdueOrder,
    };
    let loaded = super::support::loaded(import_book("holdings.csv"));
    let lang = keystone::i18n::Lang::Zh;
    let settings = StoredWorkbench::default();
    // A month later every key account contacted on 1 July is overdue too.
    let later = day("2026-08-10");
    let bench = workbench(&loaded, &Journal::default(), &settings, None, later, "");
    let ids =
        |listed: keystone::view::relationship::Listed<keystone::view::relationship::OverdueRow>| {
            assert_eq!(
                listed.total,
                listed.rows.len(),
                "every row written when the limit allows"
            );
            listed
                .rows
                .into_iter()
                .map(|r| r.customer.id)
                .collect::<Vec<_>>()
        };
    // Private (30 days): DOR1, DOR2 due 31 July, OVD1 9 July, OVD2 10 July; wealth (60 days):
    // the rest are not due yet.
    assert_eq!(
        ids(overdue_rows(
            &loaded,
            &bench,
            None,
            OverdueOrder::Overdue,
            lang,
            "/",
            usize::MAX
        )),
        ["OVD1", "OVD2", "DOR1", "DOR2"]
    );
    // By AUM: 7M before 6.5M, ties by row.
    assert_eq!(
        ids(overdue_rows(
            &loaded,
            &bench,
            None,
            OverdueOrder::Aum,
            lang,
            "/",
            usize::MAX
        )),
        ["DOR1", "DOR2", "OVD1", "OVD2"]
    );
    // A page asks for its first rows only, and learns how many there are.
    let first = overdue_rows(&loaded, &bench, None, OverdueOrder::Aum, lang, "/", 2);
    assert_eq!(first.total, 4);
    assert_eq!(ids(Listed { total: 2, ..first }), ["DOR1", "DOR2"]);
    // The overdue key accounts are alerts too: the first is written out, all are counted.
    let alerts = alert_rows(&loaded, &bench, None, lang, "/", 1);
    assert!(alerts.total >= 4, "{}", alerts.total);
    assert_eq!(alerts.total, bench.alerts.len());
    assert_eq!(alerts.rows.len(), 1);
    // RM01's book only.
    let rm01 = Some(0);
    assert_eq!(
        ids(overdue_rows(
            &loaded,
            &bench,
            rm01,
            OverdueOrder::Overdue,
            lang,
            "/",
            usize::MAX
        )),
        ["OVD1", "DOR1", "DOR2"]
    );
    // Coverage: RM01 has three key accounts (DOR1, DOR2, OVD1), none within cadence; RM02 has
    // OUT3 and OUT4 (wealth, contacted 1 July) of three (OVD2 overdue); RM03 has TDR2.
    let (rows, chart) = coverage(&loaded, &bench, lang);
    let got: Vec<(String, usize, usize)> = rows
        .iter()
        .map(|r| (r.rm_id.clone(), r.key_accounts, r.covered))
        .collect();
    assert_eq!(
        got,
        [
            ("RM01".into(), 3, 0),
            ("RM02".into(), 3, 2),
            ("RM03".into(), 1, 1)
        ]
    );
    assert_eq!(chart.values, [0, 67, 100]);
    // SAT1's detractor follow-up is past due and labelled in the reader's language.
    let listed = task_rows(&loaded, &bench, None, 7, lang, "/", 10);
    assert_eq!(listed.total, 1);
    let tasks = listed.rows;
    assert_eq!(tasks.len(), 1);
    assert_eq!(
        (tasks[0].customer.id.as_str(), tasks[0].late),
        ("SAT1", true)
    );
    assert_eq!(
        (tasks[0].label.as_str(), tasks[0].text.as_str()),
        ("跟进低分评价 6", "等太久")
    );
}

#[test]
fn a_list_is_invited_and_handed_over_once_per_customer_and_a_list_too_long_is_refused() {
    use keystone::view::relationship::{
        invitations_xlsx, list_invitations, list_reassignments, ListRefusal, LIST_ACTION_LIMIT,
    };
    let data = import_book("holdings.csv");
    let loaded = super::support::loaded(data.clone());
    let mut journal = Journal::default();
    journal
        .merge([
            event(
                "RM01",
                1,
                1,
                EventKind::EventCreated {
                    event_id: "E1".into(),
                    name: "财富沙龙".into(),
                    starts: "2026-07-20T14:30".into(),
                    place: "城东支行".into(),
                    capacity: 2,
                },
            ),
            event(
                "RM01",
                2,
                2,
                EventKind::Invited {
                    event_id: "E1".into(),
                    customer_id: "DOR1".into(),
                },
            ),
        ])
        .expect("merged");
    let e1 = client_events(&journal).remove(0);
    // A list (say, an RFM cell's) of three with DOR1 invited already: two invitations, in
    // list order; more than the seats is allowed (banks invite beyond capacity).
    let list = [row(&data, "OVD1"), row(&data, "DOR1"), row(&data, "SAT1")];
    let invited: Vec<String> = list_invitations(&loaded, &list, &e1)
        .expect("two to invite")
        .into_iter()
        .map(|kind| match kind {
            EventKind::Invited {
                event_id,
                customer_id,
            } => format!("{event_id}:{customer_id}"),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(invited, ["E1:OVD1", "E1:SAT1"]);
    assert_eq!(
        list_invitations(&loaded, &[row(&data, "DOR1")], &e1),
        Err(ListRefusal::NothingToDo)
    );
    let too_long = vec![row(&data, "OVD1"); LIST_ACTION_LIMIT + 1];
    assert_eq!(
        list_invitations(&loaded, &too_long, &e1),
        Err(ListRefusal::TooLong(LIST_ACTION_LIMIT + 1))
    );
    assert_eq!(
        list_reassignments(&loaded, &too_long, 0),
        Err(ListRefusal::TooLong(LIST_ACTION_LIMIT + 1))
    );
    assert!(ListRefusal::TooLong(5_001)
        .text(keystone::i18n::Lang::En)
        .contains("5,001 > 5,000"));

    // Handing DOR1 (RM01's already) and OVD2 (RM02's) to RM01 moves OVD2 only; applied, the
    // journal gives RM01 both, and the same list again has nothing to move.
    let list = [row(&data, "DOR1"), row(&data, "OVD2")];
    let moves = list_reassignments(&loaded, &list, 0).expect("one move");
    assert_eq!(
        moves,
        [EventKind::AssignmentChanged {
            customer_id: "OVD2".into(),
            rm_id: "RM01".into()
        }]
    );
    journal
        .merge(
            moves
                .into_iter()
                .zip(3..)
                .map(|(kind, sequence)| event("RM01", sequence, sequence as i64, kind)),
        )
        .expect("merged");
    let after = assignments(&data, &journal);
    assert_eq!(after.manager_of[row(&data, "OVD2")], 0);
    let moved = super::support::loaded(data.clone())
        .with_journal_assignments(&journal)
        .expect("a book changed");
    assert_eq!(
        list_reassignments(&moved, &list, 0),
        Err(ListRefusal::NothingToDo)
    );
    // Only the books are rebuilt after a reassignment: the same as analysing the reassigned
    // book from scratch.
    let from_scratch = keystone::analytics::analyse(
        &moved.dataset,
        &keystone::analytics::AnalysisConfig {
            tier_rules: moved.tier_rules.clone(),
        },
    );
    assert_eq!(moved.analysis, from_scratch);
    assert_ne!(
        moved.analysis.books, loaded.analysis.books,
        "OVD2's book moved"
    );

    // The invitations as a workbook: a header, then each guest with name, tier and manager.
    use calamine::Reader;
    let bytes = invitations_xlsx(&loaded, &e1, keystone::i18n::Lang::Zh, 1_764_547_200)
        .expect("a workbook");
    let mut workbook =
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook Excel can open");
    let sheet = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&sheet).expect("the sheet");
    let cells: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|d| d.to_string()).collect())
        .collect();
    assert_eq!(cells.len(), 2, "{cells:?}");
    assert_eq!(cells[0][..4], ["客户号", "姓名", "层级", "工号"]);
    assert_eq!(cells[1][0], "DOR1");
    assert_eq!(cells[1][3], "RM01");
}

#[test]
fn a_journal_change_keeps_the_snapshots_alerts_and_new_thresholds_recompute_them() {
    use keystone::storage::journal::StoredWorkbench;
    use keystone::view::relationship::workbench;
    let data = import_book("holdings.csv");
    let loaded = super::support::loaded(data.clone());
    let outflows = |bench: &keystone::view::relationship::Workbench| {
        let mut ids: Vec<&str> = bench
            .alerts
            .iter()
            .filter(|a| a.rule == AlertRule::LargeOutflow)
            .map(|a| data.customers().customer_id.get(a.customer))
            .collect();
        ids.sort_unstable();
        ids
    };
    let settings = StoredWorkbench::default();
    let first = workbench(&loaded, &Journal::default(), &settings, None, today(), "");
    // An alert acknowledged: the open ones change, what the rules raise does not.
    let mut journal = Journal::default();
    journal
        .merge([event(
            "RM01",
            1,
            1,
            EventKind::AlertAcknowledged {
                alert_key: first.alerts[0].key.to_string(),
            },
        )])
        .expect("merged");
    let after = workbench(&loaded, &journal, &settings, None, today(), "");
    assert_eq!(after.raised, first.raised);
    assert_eq!(after.alerts.len() + 1, first.alerts.len());
    // Any outflow at all alerts now: the kept alerts are not reused for other thresholds.
    let mut eager = settings.clone();
    eager.thresholds.outflow_share_percent = 0;
    eager.thresholds.outflow_min_fen = 0;
    let more = workbench(&loaded, &journal, &eager, None, today(), "");
    assert!(
        outflows(&more).len() > outflows(&after).len(),
        "{:?} against {:?}",
        outflows(&more),
        outflows(&after)
    );
    // And back: the same as before.
    let again = workbench(&loaded, &journal, &settings, None, today(), "");
    assert_eq!(outflows(&again), outflows(&after));
}

/// A drawn journal event over the book's customers (and one it lacks): contacts with next
/// steps, client events created on drawn days and attended, survey answers, tasks created and
/// done, acknowledgements.
fn drawn_event(
    author: usize,
    sequence: u64,
    at_ms: i64,
    what: u8,
    who: usize,
    n: u8,
) -> JournalEvent {
    const WHO: [&str; 6] = ["OVD1", "OVD2", "DOR1", "SAT1", "MAT1", "GONE"];
    let customer_id = WHO[who % WHO.len()].to_owned();
    let on = day("2026-06-01").plus_days(i32::from(n));
    let kind = match what % 8 {
        0 => EventKind::InteractionLogged {
            customer_id,
            date: on,
            contact: keystone::journal::ContactKind::Visit,
            note: format!("visit {n}"),
            next_step: n.is_multiple_of(2).then(|| keystone::journal::NextStep {
                text: "call back".into(),
                due: on.plus_days(5),
            }),
            confidential: false,
        },
        1 => EventKind::EventCreated {
            event_id: format!("E{}", n % 3),
            name: "沙龙".into(),
            starts: format!("2026-07-{:02}T10:00", 1 + n % 28),
            place: String::new(),
            capacity: 10,
        },
        2 => EventKind::Attended {
            event_id: format!("E{}", n % 3),
            customer_id,
        },
        3 => EventKind::SurveyAnswered {
            customer_id,
            date: on,
            score: n % 11,
            comment: String::new(),
        },
        4 => EventKind::TaskDone {
            task_id: format!("next:RM{author}#{}", 1 + u64::from(n) % sequence.max(1)),
        },
        5 => EventKind::TaskCreated {
            task_id: format!("T{}", n % 4),
            customer_id,
            title: "送方案".into(),
            due: on.plus_days(3),
        },
        6 => EventKind::TaskDone {
            task_id: if n.is_multiple_of(2) {
                format!("T{}", n % 4)
            } else {
                format!("detractor:{customer_id}:{}", on.0)
            },
        },
        _ => EventKind::AlertAcknowledged {
            alert_key: format!("overdue:{customer_id}"),
        },
    };
    event(&format!("RM{author}"), sequence, at_ms, kind)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// The page recomputes the workbench from the one it showed: whatever the journal gains
    /// (one event or a batch, in time order or not, client events moved to other days), the
    /// result equals a computation from scratch.
    #[test]
    fn a_workbench_extended_by_new_events_equals_one_computed_afresh(
        drawn in proptest::collection::vec((0usize..2, 0i64..400, 0u8..8, 0usize..6, 0u8..40), 1..40),
        batches in proptest::collection::vec(1usize..4, 1..40),
    ) {
        use keystone::storage::journal::StoredWorkbench;
        use keystone::view::relationship::{workbench, workbench_after};
        let loaded = super::support::loaded(import_book("holdings.csv"));
        let settings = StoredWorkbench::default();
        let mut next = [0u64; 2];
        let events: Vec<JournalEvent> = drawn
            .into_iter()
            .map(|(author, at, what, who, n)| {
                next[author] += 1;
                drawn_event(author, next[author], at, what, who, n)
            })
            .collect();
        let mut journal = Journal::default();
        let mut shown = workbench(&loaded, &journal, &settings, None, today(), "RM0");
        let mut rest = events.as_slice();
        for size in batches.into_iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (batch, later) = rest.split_at(size.min(rest.len()));
            rest = later;
            journal.merge(batch.iter().cloned()).expect("no conflicts");
            let extended = workbench_after(Some(&shown), &loaded, &journal, &settings, None, today(), "RM0");
            let afresh = workbench(&loaded, &journal, &settings, None, today(), "RM0");
            proptest::prop_assert_eq!(&extended, &afresh);
            shown = extended;
        }
        // A copy is a journal of its own: what was read of the original is not taken for it.
        let copy = journal.clone();
        proptest::prop_assert!(!copy.extends(journal.prefix()));
        proptest::prop_assert_eq!(
            workbench_after(Some(&shown), &loaded, &copy, &settings, None, today(), "RM0"),
            workbench(&loaded, &copy, &settings, None, today(), "RM0")
        );
    }
}
