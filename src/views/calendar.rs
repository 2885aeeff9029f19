//! Events as iCalendar (RFC 5545): one event's `.ics`, a community's feed
//! and a member's. Times are written in UTC, so every calendar shows them
//! right across daylight-saving changes; each event keeps one `UID`, its
//! `SEQUENCE` rises with every change, and a cancelled one says
//! `STATUS:CANCELLED`, so calendars that subscribed update in place.

use jiff::Timestamp as Instant;

use crate::db::events::Event;

/// What a calendar needs to say whose events these are.
pub struct Feed<'a> {
    /// The calendar's name, e.g. the community's.
    pub name: &'a str,
    /// The instance's address, e.g. `https://kindred.example`: the UIDs' domain and the events' links.
    pub origin: &'a str,
}

/// A whole calendar holding `events`.
pub fn write(feed: &Feed<'_>, events: &[Event]) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Kindred//Events//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(feed.name)));
    let domain = feed.origin.split("://").nth(1).unwrap_or(feed.origin).trim_end_matches('/');
    for event in events {
        write_event(&mut out, feed, domain, event);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

fn write_event(out: &mut String, feed: &Feed<'_>, domain: &str, event: &Event) {
    let Event { row, details } = event;
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:event-{}@{domain}", row.id));
    line(out, &format!("DTSTAMP:{}", utc(row.updated_at)));
    line(out, &format!("CREATED:{}", utc(row.created_at)));
    line(out, &format!("LAST-MODIFIED:{}", utc(row.updated_at)));
    line(out, &format!("SEQUENCE:{}", row.sequence));
    line(out, &format!("DTSTART:{}", utc(row.starts_at)));
    line(out, &format!("DTEND:{}", utc(row.ends_at)));
    line(out, &format!("SUMMARY:{}", escape(&row.title)));
    let mut description = details.description.clone();
    if !details.accessibility.is_empty() {
        description.push_str(&format!("\n\nAccessibility: {}", details.accessibility));
    }
    if !description.trim().is_empty() {
        line(out, &format!("DESCRIPTION:{}", escape(description.trim())));
    }
    let location = match details.place() {
        Some(place) => [Some(place.name), place.address].into_iter().flatten().collect::<Vec<_>>().join(", "),
        None => String::from("Online"),
    };
    line(out, &format!("LOCATION:{}", escape(&location)));
    if let Some(place) = details.place()
        && let (Some(latitude), Some(longitude)) = (place.latitude, place.longitude)
    {
        line(out, &format!("GEO:{latitude:.6};{longitude:.6}"));
    }
    line(out, &format!("URL:{}/events/{}", feed.origin.trim_end_matches('/'), row.id));
    line(out, if row.cancelled_at.is_some() { "STATUS:CANCELLED" } else { "STATUS:CONFIRMED" });
    line(out, "END:VEVENT");
}

/// `20260329T090000Z`.
fn utc(millis: i64) -> String {
    Instant::from_millisecond(millis).unwrap_or(Instant::UNIX_EPOCH).strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value (RFC 5545 3.3.11).
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {}
            other if other.is_control() => {}
            other => escaped.push(other),
        }
    }
    escaped
}

/// Appends a content line folded at 75 octets (never inside a character), ended by CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for character in content.chars() {
        let size = character.len_utf8();
        if width + size > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(character);
        width += size;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        line(&mut out, &format!("SUMMARY:{}", "é".repeat(60)));
        for folded in out.split("\r\n").filter(|part| !part.is_empty()) {
            assert!(folded.len() <= 75, "{folded}");
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), format!("SUMMARY:{}", "é".repeat(60)));
    }

    #[test]
    fn text_values_escape_what_the_format_reserves() {
        assert_eq!(escape("Tea, cake; chat\\\nmore"), "Tea\\, cake\\; chat\\\\\\nmore");
    }
}
