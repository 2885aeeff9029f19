/**
 * Events in a community and calendars: the types and calls of the event
 * screens, and how an event's time reads in its own zone and the viewer's.
 */
import { request } from './api';
import type { RepeatDraft } from './event-series';

export type RsvpStatus = 'going' | 'maybe' | 'not_going' | 'waiting';
export type RsvpAnswer = 'going' | 'maybe' | 'not_going';

export interface EventPlace {
  name: string;
  address?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

export interface KindredEvent {
  id: number;
  /** The community's slug. */
  community: string;
  title: string;
  /** Markdown as written, for editing. */
  description: string;
  description_html: string;
  starts_at: string;
  ends_at: string;
  /** The wall clock in `time_zone`, e.g. `2026-03-29T10:00`. */
  starts_local: string;
  ends_local: string;
  time_zone: string;
  online: boolean;
  place: EventPlace | null;
  /** Only for those going and those who organise. */
  online_url: string | null;
  accessibility: string;
  capacity: number | null;
  going: number;
  maybe: number;
  waiting: number;
  places_left: number | null;
  my_answer: RsvpStatus | null;
  /** On the waiting list: the place in line (1 is next). */
  waiting_position: number | null;
  cancelled: boolean;
  /** A date of a repeating series: the series, the date the rule gave it, and whether it was moved. */
  series: { id: number; occurrence: string; moved: boolean } | null;
  sequence: number;
  may_organise: boolean;
}

export interface EventList {
  events: KindredEvent[];
  may_organise: boolean;
  /** The public feed's path (public communities only). */
  calendar: string | null;
}

export interface EventDraft {
  title: string;
  description: string;
  starts: string;
  ends: string;
  time_zone: string;
  online: boolean;
  place?: EventPlace;
  online_url?: string;
  accessibility: string;
  capacity?: number;
  /** A new event only: repeat it weekly or monthly (see `event-series.ts`). */
  repeat?: RepeatDraft;
}

export interface RsvpRow {
  username: string;
  display_name: string;
  answer: RsvpStatus;
  attended: boolean | null;
}

export interface AttendanceReport {
  events: { id: number; title: string; starts_at: string; going: number; came: number }[];
  months: { month: string; events: number; came: number }[];
}

export interface CalendarLink {
  id: number;
  /** The community whose events it shows; absent: the member's own answers. */
  community: string | null;
  created_at: string;
  /** Given only when the link is made. */
  url?: string;
}

/** What each answer says, the same words everywhere. */
export const ANSWER_LABEL: Record<RsvpStatus, string> = {
  going: 'Going',
  maybe: 'Maybe',
  not_going: 'Can’t go',
  waiting: 'On the waiting list',
};

const at = encodeURIComponent;

export const eventsApi = {
  list: (slug: string) => request<EventList>('GET', `/communities/${at(slug)}/events`),
  create: (slug: string, draft: EventDraft) => request<KindredEvent>('POST', `/communities/${at(slug)}/events`, draft),
  get: (id: number) => request<KindredEvent>('GET', `/events/${id}`),
  edit: (id: number, draft: EventDraft) => request<KindredEvent>('PUT', `/events/${id}`, draft),
  cancel: (id: number) => request<void>('POST', `/events/${id}/cancellation`),
  answer: (id: number, answer: RsvpAnswer) => request<KindredEvent>('PUT', `/events/${id}/rsvp`, { answer }),
  answers: (id: number) => request<RsvpRow[]>('GET', `/events/${id}/rsvps`),
  recordAttendance: (id: number, came: string[]) => request<void>('PUT', `/events/${id}/attendance`, { came }),
  attendance: (slug: string) => request<AttendanceReport>('GET', `/communities/${at(slug)}/attendance`),
  icsHref: (id: number) => `/api/v1/events/${id}/calendar.ics`,
};

export const calendarApi = {
  links: () => request<CalendarLink[]>('GET', '/me/calendar-links'),
  make: (community?: string) =>
    request<CalendarLink>('POST', '/me/calendar-links', community ? { community } : {}),
  revoke: (id: number) => request<void>('DELETE', `/me/calendar-links/${id}`),
};

/** The viewer's own time zone, as the browser knows it. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** A moment as a day and time in a zone (the viewer's when none is given). */
export function formatIn(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** An event's start and end in a zone: "Sunday 29 March 2026 at 10:00 to 12:00". */
export function whenIn(event: KindredEvent, timeZone?: string): string {
  const end = new Intl.DateTimeFormat(undefined, { timeStyle: 'short', timeZone }).format(new Date(event.ends_at));
  const sameDay = (iso: string) =>
    new Intl.DateTimeFormat('en-CA', { dateStyle: 'short', timeZone }).format(new Date(iso));
  const ends = sameDay(event.starts_at) === sameDay(event.ends_at) ? end : formatIn(event.ends_at, timeZone);
  return `${formatIn(event.starts_at, timeZone)} to ${ends}`;
}

/** Whether the viewer's clock reads differently from the event's zone. */
export function zoneDiffers(event: KindredEvent): boolean {
  const offset = (timeZone: string) =>
    new Intl.DateTimeFormat('en-GB', { timeStyle: 'long', timeZone }).format(new Date(event.starts_at));
  return offset(event.time_zone) !== offset(browserZone());
}

/** A community's next few events (not cancelled), as its page previews them. */
export async function upcomingPreview(slug: string, shown: number) {
  const { events } = await eventsApi.list(slug);
  return events
    .filter((event) => !event.cancelled)
    .slice(0, shown)
    .map((event) => ({
      id: event.id,
      href: `/events/${event.id}`,
      title: event.title,
      detail: `${whenIn(event, event.time_zone)} · ${event.online ? 'Online' : (event.place?.name ?? '')}`,
    }));
}
