//! Events as iCalendar (RFC 5545): one event's `.ics`, a community's feed
//! and a member's. A single event's times are written in UTC, so every
//! calendar shows them right across daylight-saving changes. A repeating
//! event is one VEVENT with an RRULE in its own time zone (described by a
//! VTIMEZONE, so the 10:00 walk stays 10:00 local), its cancelled dates as
//! EXDATEs and its changed or moved dates as overrides sharing its UID with
//! a RECURRENCE-ID. Each event keeps one `UID`, its `SEQUENCE` rises with
//! every change, and a cancelled one says `STATUS:CANCELLED`, so calendars
//! that subscribed update in place.

use std::collections::BTreeMap;

use jiff::Timestamp as Instant;
use jiff::tz::{Offset, TimeZone};

use crate::db::event_series::Series;
use crate::db::events::Event;

/// What a calendar needs to say whose events these are.
pub struct Feed<'a> {
    /// The calendar's name, e.g. the community's.
    pub name: &'a str,
    /// The instance's address, e.g. `https://kindred.example`: the UIDs' domain and the events' links.
    pub origin: &'a str,
}

/// A whole calendar holding single `events` and repeating `series`.
pub fn write(feed: &Feed<'_>, events: &[Event], series: &[Series]) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Kindred//Events//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(feed.name)));
    write_zones(&mut out, series);
    let domain = feed.origin.split("://").nth(1).unwrap_or(feed.origin).trim_end_matches('/');
    for event in events {
        let row = &event.row;
        let times = [format!("DTSTART:{}", utc(row.starts_at)), format!("DTEND:{}", utc(row.ends_at))];
        let stamps = Stamps::of(event);
        write_event(&mut out, feed, &format!("event-{}@{domain}", row.id), event, &stamps, &times);
    }
    for one in series {
        write_series(&mut out, feed, domain, one);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// What a VEVENT says of its changes.
struct Stamps {
    created: i64,
    updated: i64,
    sequence: i32,
    cancelled: bool,
}

impl Stamps {
    fn of(event: &Event) -> Self {
        let row = &event.row;
        Self {
            created: row.created_at,
            updated: row.updated_at,
            sequence: row.sequence,
            cancelled: row.cancelled_at.is_some(),
        }
    }
}

/// A series: the rule (described by its first date not changed since, so
/// the overrides carry what differs), its cancelled dates, then each
/// changed date as an override. Its SEQUENCE is the sum of its dates', so
/// it rises whenever any date changes.
fn write_series(out: &mut String, feed: &Feed<'_>, domain: &str, series: &Series) {
    let dates = &series.dates;
    let Some((master, _)) = dates.iter().find(|(event, _)| event.row.sequence == 0).or(dates.first()) else {
        return;
    };
    let uid = format!("series-{}@{domain}", series.row.id);
    let zone = &series.row.time_zone;
    let stamps = Stamps {
        created: series.row.created_at,
        updated: dates.iter().map(|(event, _)| event.row.updated_at).max().unwrap_or(series.row.created_at),
        sequence: dates.iter().map(|(event, _)| event.row.sequence).sum(),
        cancelled: dates.iter().all(|(event, _)| event.row.cancelled_at.is_some()),
    };
    let mut rule = vec![
        format!("DTSTART;TZID={zone}:{}", local(&series.row.starts_local)),
        format!("DTEND;TZID={zone}:{}", local(&series.row.ends_local)),
        format!("RRULE:{}", series.rule.rrule(series.starts.date(), series.row.occurrences)),
    ];
    let cancelled = dates.iter().filter(|(event, _)| event.row.cancelled_at.is_some());
    rule.extend(cancelled.map(|(_, occurrence)| format!("EXDATE;TZID={zone}:{}", local(occurrence))));
    write_event(out, feed, &uid, master, &stamps, &rule);
    for (event, occurrence) in dates {
        let row = &event.row;
        if row.sequence == 0 || row.cancelled_at.is_some() {
            continue;
        }
        let times = [
            format!("RECURRENCE-ID;TZID={zone}:{}", local(occurrence)),
            format!("DTSTART;TZID={}:{}", row.time_zone, local(&row.starts_local)),
            format!("DTEND;TZID={}:{}", row.time_zone, local(&row.ends_local)),
        ];
        let override_stamps = Stamps { sequence: stamps.sequence, ..Stamps::of(event) };
        write_event(out, feed, &uid, event, &override_stamps, &times);
    }
}

fn write_event(out: &mut String, feed: &Feed<'_>, uid: &str, event: &Event, stamps: &Stamps, times: &[String]) {
    let Event { row, details } = event;
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:{uid}"));
    line(out, &format!("DTSTAMP:{}", utc(stamps.updated)));
    line(out, &format!("CREATED:{}", utc(stamps.created)));
    line(out, &format!("LAST-MODIFIED:{}", utc(stamps.updated)));
    line(out, &format!("SEQUENCE:{}", stamps.sequence));
    for time in times {
        line(out, time);
    }
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
    line(out, if stamps.cancelled { "STATUS:CANCELLED" } else { "STATUS:CONFIRMED" });
    line(out, "END:VEVENT");
}

/// A VTIMEZONE for each zone the series name, with every change of offset
/// from a year before their first date to a year after their last, so a
/// calendar that does not know the zone's name still places each date.
fn write_zones(out: &mut String, series: &[Series]) {
    let mut spans: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for one in series {
        for (event, _) in &one.dates {
            for zone in [one.row.time_zone.as_str(), event.row.time_zone.as_str()] {
                let span = spans.entry(zone).or_insert((event.row.starts_at, event.row.ends_at));
                *span = (span.0.min(event.row.starts_at), span.1.max(event.row.ends_at));
            }
        }
    }
    const YEAR: i64 = 366 * 86_400_000;
    for (name, (first, last)) in spans {
        let Ok(zone) = TimeZone::get(name) else { continue };
        let from = Instant::from_millisecond(first - YEAR).unwrap_or(Instant::UNIX_EPOCH);
        let until = Instant::from_millisecond(last + YEAR).unwrap_or(Instant::UNIX_EPOCH);
        line(out, "BEGIN:VTIMEZONE");
        line(out, &format!("TZID:{name}"));
        let info = zone.to_offset_info(from);
        let mut before = info.offset();
        observance(out, info.dst().is_dst(), from, before, before, info.abbreviation());
        for change in zone.following(from).take_while(|change| change.timestamp() <= until) {
            observance(out, change.dst().is_dst(), change.timestamp(), before, change.offset(), change.abbreviation());
            before = change.offset();
        }
        line(out, "END:VTIMEZONE");
    }
}

/// One STANDARD or DAYLIGHT part: from `at` (written on the clock it leaves), offset `from` becomes `to`.
fn observance(out: &mut String, daylight: bool, at: Instant, from: Offset, to: Offset, name: &str) {
    let part = if daylight { "DAYLIGHT" } else { "STANDARD" };
    line(out, &format!("BEGIN:{part}"));
    line(out, &format!("DTSTART:{}", from.to_datetime(at).strftime("%Y%m%dT%H%M%S")));
    line(out, &format!("TZOFFSETFROM:{}", offset(from)));
    line(out, &format!("TZOFFSETTO:{}", offset(to)));
    if !name.is_empty() {
        line(out, &format!("TZNAME:{}", escape(name)));
    }
    line(out, &format!("END:{part}"));
}

/// `+0100`, `-0330` (with seconds only when the offset has them).
fn offset(offset: Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.unsigned_abs();
    let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match rest {
        0 => format!("{sign}{hours:02}{minutes:02}"),
        rest => format!("{sign}{hours:02}{minutes:02}{rest:02}"),
    }
}

/// A stored wall clock (`2026-03-29T10:00`) as iCalendar writes it beside a TZID (`20260329T100000`).
fn local(wall_clock: &str) -> String {
    format!("{}00", wall_clock.replace(['-', ':'], ""))
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
