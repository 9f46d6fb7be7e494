//! Contact cadence: how often each tier's customers should hear from their manager, and where
//! a customer stands against it (their last contact comes from `workbench::last_contacts`):
//! when the next contact is due and how overdue it is.

use crate::journal::{EventKind, Journal};
use crate::model::Day;

/// Days between contacts per tier (by the tier's key); a tier not listed, or listed with 0,
/// has no cadence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CadencePolicy {
    /// `(tier key, days)`.
    pub every_days: Vec<(String, u32)>,
}

impl Default for CadencePolicy {
    /// 私行 every 30 days, 财富 60, 贵宾 90, 大众 none.
    fn default() -> CadencePolicy {
        CadencePolicy {
            every_days: vec![
                ("private".into(), 30),
                ("wealth".into(), 60),
                ("affluent".into(), 90),
            ],
        }
    }
}

impl CadencePolicy {
    /// The days between contacts for the tier `key`, if it has a cadence.
    pub fn days_for(&self, key: &str) -> Option<u32> {
        self.every_days
            .iter()
            .find(|(tier, _)| tier == key)
            .map(|&(_, days)| days)
            .filter(|&days| days > 0)
    }

    /// The policy after the journal's cadence changes, in the journal's order.
    pub fn with_journal(&self, journal: &Journal) -> CadencePolicy {
        let mut policy = self.clone();
        for event in journal.events() {
            if let EventKind::CadenceChanged { tier, every_days } = &event.kind {
                match policy.every_days.iter_mut().find(|(key, _)| key == tier) {
                    Some(slot) => slot.1 = *every_days,
                    None => policy.every_days.push((tier.clone(), *every_days)),
                }
            }
        }
        policy
    }
}

/// Where a customer stands against their tier's cadence on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContactStatus {
    /// The latest contact, imported or recorded.
    pub last_contact: Option<Day>,
    /// When the next contact is due: the last plus the cadence, or at once for a customer
    /// never contacted; `None` when the tier has no cadence.
    pub due: Option<Day>,
    /// Days past `due` (0 when due today or later).
    pub overdue_days: i32,
}

/// The status of a customer last contacted on `last` (if ever), in a tier contacted every
/// `every_days` (if at all), on `today`.
pub fn contact_status(last: Option<Day>, every_days: Option<u32>, today: Day) -> ContactStatus {
    let due = every_days.map(|days| match last {
        Some(last) => last.plus_days(i32::try_from(days).unwrap_or(i32::MAX)),
        None => today,
    });
    ContactStatus {
        last_contact: last,
        due,
        overdue_days: due.map_or(0, |due| (today.0 - due.0).max(0)),
    }
}
