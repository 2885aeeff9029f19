/**
 * The member's unread count and newest notification, kept live for the
 * header and the inbox: fetched from `GET /notifications` whenever the live
 * socket (re)opens, since frames missed while it was down are not replayed,
 * then updated by each `notification` frame.
 */
import { inboxApi } from './api';
import { listen } from './live.svelte';
import type { Notification } from './types';

export const inbox = $state<{
  /** Null until known. */
  unread: number | null;
  /** The line the latest frame carried, for the inbox to put at its top. */
  latest: Notification | null;
}>({ unread: null, latest: null });

async function refresh(): Promise<void> {
  try {
    inbox.unread = (await inboxApi.inbox(null, 1)).unread_count;
  } catch {
    // The count stays as it was; the next frame or reconnect sets it.
  }
}

/** Follows the inbox while signed in; returns the function that stops it (on signing out). */
export function followInbox(): () => void {
  const stop = listen({
    opened: () => void refresh(),
    notification({ notification, unread_count }) {
      inbox.unread = unread_count;
      inbox.latest = notification;
    },
  });
  return () => {
    stop();
    inbox.unread = null;
    inbox.latest = null;
  };
}

