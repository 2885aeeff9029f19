/**
 * A list loaded a page at a time behind a "Load more" button, shared by the
 * inbox, search and the moderators' log and queue so each keeps only what
 * differs: how a page is fetched. A fresh load supersedes one in flight, so
 * a stale answer never overwrites a newer list.
 */
import { messageOf } from './api';

export interface Page<T, C> {
  items: T[];
  /** Where the next page starts; null on the last page. */
  next: C | null;
}

export class Pager<T, C> {
  /** Null until the first page has answered (or failed). */
  items = $state<T[] | null>(null);
  next = $state<C | null>(null);
  error = $state('');
  loading = $state(false);

  readonly #fetch: (cursor: C | null) => Promise<Page<T, C>>;
  readonly #key: (item: T) => unknown;
  #generation = 0;

  /** `key` tells items apart, so one that moved to a later page is not shown twice. */
  constructor(fetch: (cursor: C | null) => Promise<Page<T, C>>, key: (item: T) => unknown) {
    this.#fetch = fetch;
    this.#key = key;
  }

  /** The first page again, or with `more` the next one. */
  async load(more = false): Promise<void> {
    if (more && (this.loading || this.next === null)) return;
    const generation = ++this.#generation;
    this.loading = true;
    this.error = '';
    try {
      const page = await this.#fetch(more ? this.next : null);
      if (generation !== this.#generation) return;
      if (more) {
        const known = new Set((this.items ?? []).map(this.#key));
        this.items = [...(this.items ?? []), ...page.items.filter((item) => !known.has(this.#key(item)))];
      } else {
        this.items = page.items;
      }
      this.next = page.next;
    } catch (failure) {
      if (generation !== this.#generation) return;
      this.error = messageOf(failure);
      this.items ??= [];
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}
