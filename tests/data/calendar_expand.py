"""Reads an iCalendar feed on stdin with an independent parser (Python's
icalendar, and recurring-ical-events for RRULE, EXDATE and RECURRENCE-ID)
and prints what it found as JSON for tests/api/event_series.rs to check:
every VEVENT as written, and every date the feed expands to between the two
dates given as arguments (YYYY-MM-DD), in UTC and on the clock of the zone
given as the third argument (e.g. Europe/London), with the zone it was written in.
Exits with status 3 and a sentence when the packages are missing."""

import datetime
import json
import sys
import zoneinfo

try:
    import icalendar
    import recurring_ical_events
except ImportError as missing:
    print(
        f"{missing}: install .ci/ics-requirements.txt (python3 -m venv target/ci/ics-venv && "
        "target/ci/ics-venv/bin/pip install -r .ci/ics-requirements.txt)",
        file=sys.stderr,
    )
    sys.exit(3)


def moment(value, clock=datetime.timezone.utc):
    """A property's date-time as (UTC ISO, wall clock ISO on `clock`, the zone it was written in)."""
    when = value.dt
    zone = getattr(when.tzinfo, "key", None) or str(when.tzinfo)
    utc = when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return utc, when.astimezone(clock).strftime("%Y-%m-%dT%H:%M"), zone


def main():
    calendar = icalendar.Calendar.from_ical(sys.stdin.read())
    written = []
    for event in calendar.walk("VEVENT"):
        exdates = []
        for group in event.get("EXDATE", []) if isinstance(event.get("EXDATE"), list) else [event.get("EXDATE")]:
            if group is not None:
                exdates.extend(moment(item)[0] for item in group.dts)
        written.append({
            "uid": str(event["UID"]),
            "summary": str(event.get("SUMMARY", "")),
            "sequence": int(event.get("SEQUENCE", 0)),
            "status": str(event.get("STATUS", "")),
            "rrule": sorted(event["RRULE"].to_ical().decode().split(";")) if "RRULE" in event else None,
            "recurrence_id": moment(event["RECURRENCE-ID"])[0] if "RECURRENCE-ID" in event else None,
            "exdates": exdates,
        })
    start, end = (datetime.date.fromisoformat(argument) for argument in sys.argv[1:3])
    clock = zoneinfo.ZoneInfo(sys.argv[3])
    expanded = []
    for event in recurring_ical_events.of(calendar).between(start, end):
        utc, local, zone = moment(event["DTSTART"], clock)
        expanded.append({
            "uid": str(event["UID"]),
            "summary": str(event.get("SUMMARY", "")),
            "starts_utc": utc,
            "starts_local": local,
            "ends_utc": moment(event["DTEND"])[0],
            "zone": zone,
            "status": str(event.get("STATUS", "")),
        })
    expanded.sort(key=lambda found: (found["starts_utc"], found["uid"]))
    print(json.dumps({"written": written, "expanded": expanded}))


main()
