// Dates and counts as members read them, in their own locale.

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

/** Just the day, for when a member joined. */
export function formatDay(iso: string): string {
  return dayFormat.format(new Date(iso));
}

/** Just the time, for chat messages. */
export function formatTime(iso: string): string {
  return timeFormat.format(new Date(iso));
}

/** "1 reply", "3 replies". */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "2.4 km away", from a place the member gave. */
export function distanceText(km: number): string {
  return `${km < 10 ? km.toFixed(1) : Math.round(km)} km away`;
}
