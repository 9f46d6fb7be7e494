//! A client event as an iCalendar file (RFC 5545) a calendar app imports: one VEVENT with a
//! floating local start (the branch's wall clock), a duration, the place and the guest count.
//! Text is escaped (backslash, semicolon, comma, line breaks) and lines are folded at 75
//! octets without splitting a UTF-8 character; lines end in CRLF.

/// What the calendar entry says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarEvent<'a> {
    /// Unique and stable for the event (its journal id), so a second import updates it.
    pub uid: &'a str,
    /// The event's name.
    pub summary: &'a str,
    /// Where.
    pub location: &'a str,
    /// Free text (guests invited and coming).
    pub description: &'a str,
    /// Local start, `YYYY-MM-DDTHH:MM`.
    pub starts: &'a str,
    /// Length in minutes.
    pub minutes: u32,
    /// When the file is written, UTC, `YYYYMMDDTHHMMSSZ` (the caller's clock).
    pub stamp_utc: &'a str,
}

/// The start as iCalendar's local date-time, `YYYYMMDDTHHMM00`; `None` when `starts` is not
/// `YYYY-MM-DDTHH:MM` with a real date and time.
fn local_date_time(starts: &str) -> Option<String> {
    let (date, time) = starts.split_once('T')?;
    let day = crate::model::Day::parse_iso(date)?;
    let (y, m, d) = day.ymd()?;
    let (h, min) = time.split_once(':')?;
    let (h, min): (u32, u32) = (h.parse().ok()?, min.parse().ok()?);
    (h < 24 && min < 60).then(|| format!("{y:04}{m:02}{d:02}T{h:02}{min:02}00"))
}

/// TEXT escaping (RFC 5545 3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (3.1), on character boundaries.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// The `.ics` file, or why it cannot be written (a start that is not a date and time).
pub fn calendar_file(event: &CalendarEvent<'_>) -> Result<String, String> {
    let start = local_date_time(event.starts).ok_or_else(|| {
        format!(
            "{:?} is not a date and time (YYYY-MM-DDTHH:MM)",
            event.starts
        )
    })?;
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Keystone//Relationship workbench//ZH".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape(event.uid)),
        format!("DTSTAMP:{}", event.stamp_utc),
        format!("DTSTART:{start}"),
        format!("DURATION:PT{}M", event.minutes.max(1)),
        format!("SUMMARY:{}", escape(event.summary)),
        format!("LOCATION:{}", escape(event.location)),
        format!("DESCRIPTION:{}", escape(event.description)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    let mut out = String::new();
    for line in &lines {
        fold(line, &mut out);
    }
    Ok(out)
}
