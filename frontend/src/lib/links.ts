// Where a notification or a search hit takes the reader: one place decides the address of a post, thread or chat message.
import type { Notification, SearchResult } from './types';

/** A thread, at one post when given. */
export function threadHref(threadId: number, postId?: number): string {
  return postId ? `/t/${threadId}#post-${postId}` : `/t/${threadId}`;
}

/** A community's chat room, at one message when given. */
export function roomHref(community: string, roomId: number, messageId?: number): string {
  const room = `/c/${encodeURIComponent(community)}/chat/${roomId}`;
  return messageId ? `${room}#message-${messageId}` : room;
}

/** What a notification is about; moderation news and reports live on the account page. */
export function notificationHref(line: Notification): string {
  if (line.kind === 'consultation_response' && line.consultation_id) return `/consultations/${line.consultation_id}`;
  if (line.event_id) return `/events/${line.event_id}`;
  if (line.kind === 'goal_milestone' && line.goal_id) return `/goals/${line.goal_id}`;
  if (line.thread) return threadHref(line.thread.id, line.post_id);
  if (line.room && line.community) return roomHref(line.community, line.room.id, line.message_id);
  if ((line.kind === 'safeguarding_alert' || line.kind === 'safeguarding_escalation') && line.item_id)
    return `/moderation/items/${line.item_id}`;
  if (line.kind === 'support_message' && line.conversation_id) return `/support/${line.conversation_id}`;
  if (line.kind === 'report_resolved') return '/account#reports';
  if (line.kind === 'join_request') return '/moderation/requests';
  if (line.kind === 'join_decided' && line.community) return `/c/${encodeURIComponent(line.community)}`;
  return '/account#moderation';
}

export function resultHref(hit: SearchResult): string {
  if (hit.kind === 'message' && hit.room) return roomHref(hit.community, hit.room.id, hit.id);
  if (hit.kind === 'post' && hit.thread) return threadHref(hit.thread.id, hit.id);
  return threadHref(hit.thread?.id ?? hit.id);
}
