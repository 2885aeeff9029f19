/**
 * Goals and pledges: a community's shared target, the totals everyone sees
 * (never who gave what), and each member's own entries. Types and calls
 * for the goal screens.
 */
import { request } from './api';

export type GoalState = 'open' | 'ended' | 'closed';

export interface Goal {
  id: number;
  community: string;
  title: string;
  unit: string;
  target: number;
  /** The last day, YYYY-MM-DD (UTC). */
  ends_on: string;
  counts_recruits: boolean;
  state: GoalState;
  total: number;
  percent: number;
  milestone: number;
  pledgers: number;
  contributors: number;
  created_at: string;
  pledged: boolean;
  /** The reader's own total, when they pledged (only ever their own). */
  my_total?: number;
  may_pledge: boolean;
  may_organise: boolean;
}

export interface GoalDraft {
  title: string;
  unit: string;
  target: number;
  ends_on: string;
  counts_recruits: boolean;
}

export interface ProgressDay {
  day: string;
  added: number;
  cumulative: number;
}

export interface Progress {
  starts_on: string;
  ends_on: string;
  target: number;
  unit: string;
  days: ProgressDay[];
}

export interface Entry {
  id: number;
  amount: number;
  logged_at: string;
}

export const STATE_LABEL: Record<GoalState, string> = {
  open: 'Open',
  ended: 'Ended',
  closed: 'Closed',
};

/** A count as members read it: "1,000". */
export function figure(count: number): string {
  return count.toLocaleString();
}

const at = encodeURIComponent;

export const goalApi = {
  list: (slug: string) => request<{ goals: Goal[]; may_organise: boolean }>('GET', `/communities/${at(slug)}/goals`),
  create: (slug: string, draft: GoalDraft) => request<Goal>('POST', `/communities/${at(slug)}/goals`, draft),
  get: (id: number) => request<Goal>('GET', `/goals/${id}`),
  edit: (id: number, draft: GoalDraft) => request<Goal>('PUT', `/goals/${id}`, draft),
  close: (id: number) => request<void>('POST', `/goals/${id}/closure`, {}),
  pledge: (id: number) => request<Goal>('PUT', `/goals/${id}/pledge`),
  progress: (id: number) => request<Progress>('GET', `/goals/${id}/progress`),
  entries: (id: number) => request<{ entries: Entry[] }>('GET', `/goals/${id}/entries`),
  log: (id: number, amount: number) => request<{ entry: Entry; goal: Goal }>('POST', `/goals/${id}/entries`, { amount }),
  undo: (id: number, entry: number) => request<void>('DELETE', `/goals/${id}/entries/${entry}`),
};
