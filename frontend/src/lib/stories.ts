/**
 * Stories: threads started as stories, and how far each may travel. Types,
 * the plain-words meaning of each reach, and the calls for the story screens.
 */
import { request } from './api';
import type { Author, Reach } from './types';

export type { Reach };

/** Narrowest first. */
export const REACHES: Reach[] = ['community', 'instance', 'public'];

export const REACH_LABEL: Record<Reach, string> = {
  community: 'This community',
  instance: 'Everyone signed in here',
  public: 'The public web',
};

/** What each reach means, in the words the sharing choice uses. */
export const REACH_EXPLAINED: Record<Reach, string> = {
  community: 'Only people who can read this community can read it, like any conversation here.',
  instance: 'Anyone signed in to this site can read the story itself, even if they are not a member here.',
  public: 'Anyone can read the story itself at its link, without signing in, and find it in search.',
};

export interface StorySummary {
  id: number;
  title: string;
  community: string;
  community_name: string;
  author: Author;
  reach: Reach;
  created_at: string;
  last_activity_at: string;
  reply_count: number;
}

export interface StoryList {
  stories: StorySummary[];
  next_cursor: string | null;
}

const page = (cursor?: string | null, limit?: number) => {
  const query = new URLSearchParams();
  if (cursor) query.set('cursor', cursor);
  if (limit) query.set('limit', String(limit));
  const text = query.toString();
  return text ? `?${text}` : '';
};

export const storyApi = {
  community: (slug: string, cursor?: string | null, limit?: number) =>
    request<StoryList>('GET', `/communities/${encodeURIComponent(slug)}/stories${page(cursor, limit)}`),
  setReach: (threadId: number, reach: Reach) => request<{ reach: Reach }>('PUT', `/threads/${threadId}/story`, { reach }),
};
