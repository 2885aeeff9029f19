/**
 * A tiny History API router: clean URLs (the server answers every page
 * address with the client), same-origin link clicks handled in place, and
 * the back button restoring the page.
 */

export type Route =
  | { page: 'home' }
  | { page: 'join' }
  | { page: 'sign-in' }
  | { page: 'community'; slug: string }
  | { page: 'new-thread'; slug: string }
  /** A community's stories. */
  | { page: 'stories'; slug: string }
  | { page: 'thread'; id: number }
  /** A community's chat: its own room when `room` is null. */
  | { page: 'chat'; slug: string; room: number | null }
  | { page: 'help' }
  /** A member's page, where an `@username` mention links. */
  | { page: 'member'; username: string }
  | { page: 'account' }
  /** The member's notifications. */
  | { page: 'notifications' }
  /** Search results for `?q=`. */
  | { page: 'search' }
  | { page: 'verify-email' }
  | { page: 'reset-password' }
  /** Where a letter's "Stop these emails" link leads. */
  | { page: 'unsubscribe' }
  /** The moderators' screens: the queue, one item, the log, filters and appeals. */
  | { page: 'moderation'; view: 'queue' | 'log' | 'filters' | 'appeals' | 'requests' }
  | { page: 'moderation-item'; id: number }
  /** A private support conversation between a member and the safeguarding leads. */
  | { page: 'support'; id: number }
  /** The first-run setup link: create the first admin. */
  | { page: 'setup'; token: string }
  /** A consultation: the organisation's question, the answers and its responses. */
  | { page: 'consultation'; id: number }
  /** The organisation opens a consultation in a community. */
  | { page: 'new-consultation'; slug: string }
  /** A goal: its figure, chart, pledge and log forms, and the reader's own entries. */
  | { page: 'goal'; id: number }
  /** Organisers set a goal in a community, or edit one. */
  | { page: 'new-goal'; slug: string }
  | { page: 'edit-goal'; id: number }
  /** The admin console: the instance's settings and the admin log. */
  | { page: 'admin'; view: 'settings' | 'communities' | 'members' | 'joining' | 'log' }
  /** Events and the directory (issue 18): an event, a community's events, the directory and its screens. */
  | { page: 'event'; id: number; edit: boolean }
  | { page: 'events'; slug: string; create: boolean }
  | { page: 'directory'; slug: string | null; view: 'search' | 'suggest' }
  | { page: 'directory-entry'; id: number }
  | { page: 'directory-list'; view: 'saved' | 'review' }
  | { page: 'not-found' };

/** Single-word addresses and their pages. */
const SIMPLE: Record<string, Route> = {
  join: { page: 'join' },
  'sign-in': { page: 'sign-in' },
  help: { page: 'help' },
  account: { page: 'account' },
  notifications: { page: 'notifications' },
  search: { page: 'search' },
  'verify-email': { page: 'verify-email' },
  'reset-password': { page: 'reset-password' },
  unsubscribe: { page: 'unsubscribe' },
  moderation: { page: 'moderation', view: 'queue' },
  admin: { page: 'admin', view: 'settings' },
};

export const place = $state({ path: window.location.pathname, search: window.location.search });

/** The route for a path. */
export function match(path: string): Route {
  let parts: string[];
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { page: 'not-found' };
  }
  const [first, second, third, fourth] = parts;
  if (parts.length === 0) return { page: 'home' };
  if (parts.length === 1 && Object.prototype.hasOwnProperty.call(SIMPLE, first)) return SIMPLE[first];
  if (first === 'moderation' && parts.length === 2 && ['log', 'filters', 'appeals', 'requests'].includes(second))
    return { page: 'moderation', view: second as 'log' | 'filters' | 'appeals' | 'requests' };
  if (first === 'moderation' && second === 'items' && parts.length === 3 && /^\d+$/.test(third))
    return { page: 'moderation-item', id: Number(third) };
  if (first === 'c' && parts.length === 2) return { page: 'community', slug: second };
  if (first === 'c' && parts.length === 3 && third === 'new') return { page: 'new-thread', slug: second };
  if (first === 'c' && parts.length === 3 && third === 'stories') return { page: 'stories', slug: second };
  if (first === 'c' && third === 'chat' && parts.length === 3) return { page: 'chat', slug: second, room: null };
  if (first === 'c' && third === 'chat' && parts.length === 4 && /^\d+$/.test(fourth))
    return { page: 'chat', slug: second, room: Number(fourth) };
  if (first === 'c' && third === 'consultations' && fourth === 'new' && parts.length === 4)
    return { page: 'new-consultation', slug: second };
  if (first === 'c' && third === 'goals' && fourth === 'new' && parts.length === 4)
    return { page: 'new-goal', slug: second };
  if (first === 'goals' && /^\d+$/.test(second ?? '') && parts.length === 2) return { page: 'goal', id: Number(second) };
  if (first === 'goals' && /^\d+$/.test(second ?? '') && third === 'edit' && parts.length === 3)
    return { page: 'edit-goal', id: Number(second) };
  if (first === 'consultations' && parts.length === 2 && /^\d+$/.test(second))
    return { page: 'consultation', id: Number(second) };
  if (first === 't' && parts.length === 2 && /^\d+$/.test(second)) return { page: 'thread', id: Number(second) };
  if (first === 'support' && parts.length === 2 && /^\d+$/.test(second)) return { page: 'support', id: Number(second) };
  if (first === 'members' && parts.length === 2) return { page: 'member', username: second };
  if (first === 'setup' && parts.length === 2) return { page: 'setup', token: second };
  if (first === 'admin' && parts.length === 2 && ['log', 'communities', 'members', 'joining'].includes(second))
    return { page: 'admin', view: second as 'log' | 'communities' | 'members' | 'joining' };
  const acting = actingRoute(parts);
  if (acting) return acting;
  return { page: 'not-found' };
}

/** Events and the directory: `/events/1[/edit]`, `/c/x/events[/new]`, `/[c/x/]directory[/suggest]`, `/directory/1|saved|review`. */
function actingRoute([first, second, third, fourth, fifth]: string[]): Route | null {
  const id = (text: string | undefined) => (text && /^\d+$/.test(text) ? Number(text) : null);
  const eventId = id(second);
  if (first === 'events' && eventId !== null && (third === undefined || (third === 'edit' && !fourth)))
    return { page: 'event', id: eventId, edit: third === 'edit' };
  const [slug, rest] = first === 'c' && second ? [second, [third, fourth, fifth]] : [null, [first, second, third]];
  if (slug && rest[0] === 'events' && !rest[2] && (rest[1] === undefined || rest[1] === 'new'))
    return { page: 'events', slug, create: rest[1] === 'new' };
  if (rest[0] !== 'directory' || rest[2]) return null;
  if (rest[1] === undefined || rest[1] === 'suggest') return { page: 'directory', slug, view: rest[1] ? 'suggest' : 'search' };
  if (slug) return null;
  if (rest[1] === 'saved' || rest[1] === 'review') return { page: 'directory-list', view: rest[1] };
  const entryId = id(rest[1]);
  return entryId === null ? null : { page: 'directory-entry', id: entryId };
}

export function navigate(to: string, { replace = false } = {}): void {
  const url = new URL(to, window.location.href);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  place.path = url.pathname;
  place.search = url.search;
  window.scrollTo(0, 0);
}

/** A query parameter of the current address. */
export function param(name: string): string | null {
  return new URLSearchParams(place.search).get(name);
}

/** The address to come back to after signing in: a path on this site only. */
export function returnPath(): string {
  const next = param('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function startRouter(): void {
  window.addEventListener('popstate', () => {
    place.path = window.location.pathname;
    place.search = window.location.search;
  });
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return;
    if (url.pathname === window.location.pathname && url.hash) return;
    event.preventDefault();
    navigate(url.href);
  });
}
