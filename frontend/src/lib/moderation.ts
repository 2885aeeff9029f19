// Words for moderation: report reasons, actions and states, as members and moderators read them.
import type { ContentState, LogAction, ModerationCommand, ReportReason, SupportiveOutcome } from './types';

/** One button of a moderation form. */
export interface Choice {
  label: string;
  /** The command, given the reason. */
  command: (reason: string) => ModerationCommand;
  /** Approving needs no reason. */
  reasonOptional?: boolean;
  danger?: boolean;
}

/** The actions on a post or chat message in the given state. */
export function contentChoices(target: { post_id: number } | { message_id: number }, state: ContentState): Choice[] {
  const choices: Choice[] = [];
  if (state === 'held') choices.push({ label: 'Approve', reasonOptional: true, command: (reason) => ({ action: 'approve', ...target, reason: reason || undefined }) });
  if (state === 'visible' || state === 'held') choices.push({ label: 'Hide', command: (reason) => ({ action: 'hide', ...target, reason }) });
  if (state !== 'removed') choices.push({ label: 'Remove', danger: true, command: (reason) => ({ action: 'remove', ...target, reason }) });
  if (state === 'hidden' || state === 'removed') choices.push({ label: 'Restore', command: (reason) => ({ action: 'restore', ...target, reason }) });
  return choices;
}

/** The state a content action leaves its subject in. */
export function stateAfter(action: LogAction, before: ContentState): ContentState {
  switch (action) {
    case 'approve':
    case 'restore':
      return 'visible';
    case 'hide':
      return 'hidden';
    case 'remove':
      return 'removed';
    default:
      return before;
  }
}

export const REPORT_REASONS: { id: ReportReason; label: string; hint: string }[] = [
  { id: 'worried_about_person', label: 'I’m worried about this person', hint: 'They may not be safe. A safeguarding lead is told at once.' },
  { id: 'risk_of_harm', label: 'Someone may be at risk', hint: 'They may harm themselves or someone else.' },
  { id: 'harassment', label: 'Harassment or bullying', hint: 'Unkind, threatening or targeting someone.' },
  { id: 'misinformation', label: 'Harmful health misinformation', hint: 'Advice that could hurt someone who follows it.' },
  { id: 'spam', label: 'Spam or advertising', hint: 'Selling, scams or repeated posting.' },
  { id: 'other', label: 'Something else', hint: 'Tell the moderators what worries you.' },
];

export function reasonLabel(reason: string): string {
  return REPORT_REASONS.find((each) => each.id === reason)?.label ?? reason;
}

const ACTIONS: Record<LogAction, string> = {
  approve: 'Approved',
  hide: 'Hidden',
  remove: 'Removed',
  restore: 'Restored',
  edit: 'Edited',
  lock: 'Thread locked',
  unlock: 'Thread unlocked',
  pin: 'Thread pinned',
  unpin: 'Thread unpinned',
  move: 'Thread moved',
  retitle: 'Thread retitled',
  warn: 'Warning',
  mute: 'Muted',
  suspend: 'Suspended',
  ban: 'Banned',
  lift: 'Sanction lifted',
  dismiss: 'Dismissed',
  hold: 'Held again',
  reopen: 'Reopened',
  reached_out: 'Reached out',
  escalated_to_emergency_services: 'Escalated to emergency services',
  no_risk_on_review: 'No risk on review',
};

/** The supportive outcomes of an urgent item, each closing it. */
export function supportiveChoices(item_id: number): Choice[] {
  const outcome = (action: SupportiveOutcome, label: string): Choice => ({
    label,
    command: (reason) => ({ action, item_id, reason }),
  });
  return [
    outcome('reached_out', 'Reached out'),
    outcome('escalated_to_emergency_services', 'Escalated to emergency services'),
    outcome('no_risk_on_review', 'No risk on review'),
  ];
}

export function actionLabel(action: LogAction): string {
  return ACTIONS[action] ?? action;
}

/** Actions a member may appeal: those that took something away. */
export const APPEALABLE: LogAction[] = ['hide', 'remove', 'edit', 'lock', 'move', 'warn', 'mute', 'suspend', 'ban'];

export function stateLabel(state: ContentState | null | undefined): string {
  switch (state) {
    case 'held':
      return 'Waiting for a moderator';
    case 'hidden':
      return 'Hidden by a moderator';
    case 'removed':
      return 'Removed by a moderator';
    default:
      return 'Visible';
  }
}

/** How long a sanction lasts, as moderators choose it; `null` (until lifted) only for a ban. */
export const DURATIONS: { label: string; minutes: number | null }[] = [
  { label: '1 hour', minutes: 60 },
  { label: '1 day', minutes: 60 * 24 },
  { label: '1 week', minutes: 60 * 24 * 7 },
  { label: '30 days', minutes: 60 * 24 * 30 },
  { label: 'until lifted', minutes: null },
];

/** The durations a mute or a suspension may have. */
export const TIMED_DURATIONS = DURATIONS.filter((each): each is { label: string; minutes: number } => each.minutes !== null);

export function durationLabel(minutes: number | null): string {
  return DURATIONS.find((each) => each.minutes === minutes)?.label ?? `${minutes} minutes`;
}

/** Reasons are 3 to 500 characters (the server says so too). */
export function checkReason(reason: string): string {
  const length = reason.trim().length;
  if (length < 3) return 'Please give a reason of at least 3 characters: the member is told it.';
  if (length > 500) return 'Please keep the reason under 500 characters.';
  return '';
}
