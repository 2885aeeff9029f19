/**
 * The token of a mailed link (`/verify-email#token=...`): it travels after
 * the `#` so it never reaches a server log. Read once, then wiped from the
 * address bar and the history, so it isn't left lying around.
 */
export function takeToken(): string | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const token = fragment.get('token') ?? (window.location.hash.length > 1 && !window.location.hash.includes('=') ? window.location.hash.slice(1) : null);
  if (window.location.hash) history.replaceState(history.state, '', window.location.pathname + window.location.search);
  return token || null;
}
