//! The bench's journal: `n` events on M's customers — visits with notes, a follow-up every
//! twentieth, a survey answer every twentieth — by five managers over a year.

use keystone::journal::{ContactKind, EventId, EventKind, JournalEvent, NextStep};
use keystone::model::Day;

pub fn events(n: usize) -> Vec<JournalEvent> {
    let start = Day::parse_iso("2025-10-01").expect("a date");
    (0..n)
        .map(|i| {
            let customer_id = format!("C{:08}", 1 + (i * 7919) % 100_000);
            let date = start.plus_days((i % 365) as i32);
            let kind = match i % 20 {
                0 => EventKind::SurveyAnswered {
                    customer_id,
                    date,
                    score: (i % 11) as u8,
                    comment: "理财收益一般".into(),
                },
                10 => EventKind::TaskCreated {
                    task_id: format!("bench:{i}"),
                    customer_id,
                    title: "送资产配置方案".into(),
                    due: date.plus_days(7),
                },
                _ => EventKind::InteractionLogged {
                    customer_id,
                    date,
                    contact: ContactKind::Visit,
                    note: "季度回访，介绍理财产品".into(),
                    next_step: (i % 5 == 0).then(|| NextStep {
                        text: "电话跟进".into(),
                        due: date.plus_days(14),
                    }),
                    confidential: false,
                },
            };
            JournalEvent {
                id: EventId {
                    author: format!("RM{:04}", 1 + i % 5),
                    sequence: 1 + (i / 5) as u64,
                },
                at_ms: 1_759_276_800_000 + i as i64 * 60_000,
                author_name: "基准测试".into(),
                kind,
            }
        })
        .collect()
}
