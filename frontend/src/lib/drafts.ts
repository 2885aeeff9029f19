/**
 * Unsent writing, kept in localStorage so a half-written post survives a
 * reload or a dropped connection; cleared once the server has accepted it.
 * Storage can be full or switched off: then drafts quietly aren't kept.
 */

export interface Draft {
  title: string;
  body: string;
  /** A content-warning id, or '' for none. */
  warning: string;
  note: string;
}

export const EMPTY_DRAFT: Draft = { title: '', body: '', warning: '', note: '' };

const PREFIX = 'kindred:draft:';

/** Where each kind of draft is kept. */
export const draftKeys = {
  reply: (threadId: number, parentId: number) => `reply:${threadId}:${parentId}`,
  edit: (postId: number) => `edit:${postId}`,
  thread: (slug: string) => `thread:${slug}`,
  /** Only the body is used. */
  chat: (roomId: number) => `chat:${roomId}`,
};

export function sameDraft(a: Draft, b: Draft): boolean {
  return a.title === b.title && a.body === b.body && a.warning === b.warning && a.note === b.note;
}

export function loadDraft(key: string): Draft | null {
  try {
    const text = localStorage.getItem(PREFIX + key);
    return text ? { ...EMPTY_DRAFT, ...JSON.parse(text) } : null;
  } catch {
    return null;
  }
}

export function saveDraft(key: string, draft: Draft): void {
  try {
    if (draft.title.trim() || draft.body.trim()) localStorage.setItem(PREFIX + key, JSON.stringify(draft));
    else localStorage.removeItem(PREFIX + key);
  } catch {
    // Storage is full or disabled; the text is still in the form.
  }
}

export function clearDraft(key: string): void {
  try {
    localStorage.removeItem(PREFIX + key);
  } catch {
    // Nothing was kept.
  }
}
