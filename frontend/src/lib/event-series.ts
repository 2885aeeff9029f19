/**
 * Repeating events: the rule an organiser sets on a new event (`repeat`),
 * and a series' dates, each an event of its own that is cancelled or moved
 * on its own. Types and calls for the recurrence components.
 */
import { request } from './api';

export type Frequency = 'weekly' | 'monthly';

/** What the event form sends as `repeat`: give `count` or `until`. */
export interface RepeatDraft {
  frequency: Frequency;
  /** Every this many weeks or months (1-12). */
  interval?: number;
  /** Monthly: on the last such weekday of the month. */
  last?: boolean;
  /** How many dates, the first included (2-52). */
  count?: number;
  /** The last day a date may fall on, YYYY-MM-DD. */
  until?: string;
}

/** The most dates a series has, and the longest gap, as the server holds them. */
export const MAX_DATES = 52;
export const MAX_INTERVAL = 12;

/** One date of a series: the event fields the list and the move need. */
export interface SeriesEvent {
  id: number;
  title: string;
  description: string;
  starts_at: string;
  starts_local: string;
  ends_local: string;
  time_zone: string;
  online: boolean;
  place: { name: string; address?: string | null; latitude?: number | null; longitude?: number | null } | null;
  online_url: string | null;
  accessibility: string;
  capacity: number | null;
  going: number;
  cancelled: boolean;
  series: { id: number; occurrence: string; moved: boolean } | null;
}

export interface Series {
  id: number;
  frequency: Frequency;
  interval: number;
  week_of_month: number | null;
  time_zone: string;
  dates: SeriesEvent[];
  may_organise: boolean;
}

export const seriesApi = {
  get: (id: number) => request<Series>('GET', `/event-series/${id}`),
  cancelDate: (id: number) => request<void>('POST', `/events/${id}/cancellation`, {}),
  /** Moves one date: the whole event as it is, with new wall-clock times. */
  moveDate: (date: SeriesEvent, starts: string, ends: string) =>
    request<SeriesEvent>('PUT', `/events/${date.id}`, {
      title: date.title,
      description: date.description,
      starts,
      ends,
      time_zone: date.time_zone,
      online: date.online,
      place: date.online ? undefined : (date.place ?? undefined),
      online_url: date.online ? date.online_url : undefined,
      accessibility: date.accessibility,
      capacity: date.capacity ?? undefined,
    }),
};

const ORDINAL = ['', 'first', 'second', 'third', 'fourth'];

/** "Every week", "Every 2 weeks", "On the second Tuesday of every month", "On the last Friday of every 2 months". */
export function describeRule(frequency: Frequency, interval: number, weekday: string, weekOfMonth: number | null): string {
  if (frequency === 'weekly') return interval === 1 ? `Every week on ${weekday}` : `Every ${interval} weeks on ${weekday}`;
  const which = weekOfMonth === -1 ? 'last' : ORDINAL[weekOfMonth ?? 1];
  const months = interval === 1 ? 'every month' : `every ${interval} months`;
  return `On the ${which} ${weekday} of ${months}`;
}

/** The weekday of a wall-clock date (`2027-03-14T10:00`), in words. */
export function weekdayOf(local: string): string {
  const [year, month, day] = local.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString(undefined, { weekday: 'long', timeZone: 'UTC' });
}

/** Which weekday of its month a date is: 1-4, or 5 for a fifth (only "last" fits every month). */
export function weekOfMonth(local: string): number {
  return Math.floor((Number(local.slice(8, 10)) - 1) / 7) + 1;
}

/** Whether the date is the last such weekday of its month. */
export function isLastOfMonth(local: string): boolean {
  const [year, month, day] = local.slice(0, 10).split('-').map(Number);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day + 7 > days;
}
