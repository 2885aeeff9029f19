/**
 * What a post on the thread screen may do to the thread it sits in, shared
 * through Svelte's context so callbacks need not be passed down every level
 * of the reply tree.
 */
import { getContext, setContext } from 'svelte';
import type { Post } from './types';

export interface ThreadActions {
  readonly id: number;
  /** Whether the reader may reply and react here (a member, or an admin). */
  readonly canPost: boolean;
  /** Whether the reader moderates this thread's community (or is an admin). */
  readonly moderates: boolean;
  /** Whether the thread is locked (only moderators may reply). */
  readonly locked: boolean;
  /** The first post the reader has not read, marked as such. */
  readonly firstUnread: number | null;
  /** The post a link or a jump led to, highlighted. */
  readonly highlighted: number | null;
  /** Puts the server's new version of a post in place of the old one. */
  replace(post: Post): void;
  /** Adds a new reply under its parent. */
  add(post: Post): void;
  /** Shows a deleted post as a placeholder (or leaves a thread that is gone). */
  deleted(post: Post): void;
  /** Collapses every post by a member the reader just blocked. */
  blocked(username: string): void;
  /** Tells screen-reader users what just happened. */
  announce(message: string): void;
}

const KEY = Symbol('thread');

export function provideThread(actions: ThreadActions): void {
  setContext(KEY, actions);
}

export function useThread(): ThreadActions {
  return getContext<ThreadActions>(KEY);
}
