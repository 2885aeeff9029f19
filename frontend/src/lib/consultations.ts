/**
 * Consultations: the organisation asks a community a question, members
 * answer and support answers, and the organisation publishes dated
 * responses. Types and calls for the consultation screens.
 */
import { request } from './api';
import type { Author, Post } from './types';

export type Stage = 'open' | 'awaiting_responses' | 'overdue' | 'responded';
export type ResponseStatus = 'adopted' | 'in_progress' | 'done' | 'not_taken_forward';

export interface ConsultationResponse {
  id: number;
  status: ResponseStatus;
  body_html: string;
  author: Author;
  created_at: string;
}

export interface Answer {
  post: Post;
  supports: number;
  supported_by_me: boolean;
  mine: boolean;
  response_owed: boolean;
  /** The response first, then its dated updates. */
  responses: ConsultationResponse[];
}

export interface Consultation {
  id: number;
  community: string;
  thread_id: number;
  question: string;
  background_html: string | null;
  author: Author;
  created_at: string;
  closes_at: string;
  respond_by: string;
  support_threshold: number;
  stage: Stage;
  responses_owed: number;
  answers: Answer[];
}

export interface ConsultationSummary {
  id: number;
  question: string;
  closes_at: string;
  respond_by: string;
  stage: Stage;
  responses_owed: number;
}

export interface ConsultationDraft {
  question: string;
  background: string;
  closes_at: string;
  respond_by: string;
  support_threshold?: number;
}

/** What each stage says, the same words for everyone. */
export const STAGE_LABEL: Record<Stage, string> = {
  open: 'Open for answers',
  awaiting_responses: 'Closed: responses due',
  overdue: 'Responses overdue',
  responded: 'Responded',
};

export const STATUS_LABEL: Record<ResponseStatus, string> = {
  adopted: 'Adopted',
  in_progress: 'In progress',
  done: 'Done',
  not_taken_forward: 'Not taken forward',
};

const at = encodeURIComponent;

export const consultationApi = {
  list: (slug: string) =>
    request<{ consultations: ConsultationSummary[] }>('GET', `/communities/${at(slug)}/consultations`),
  open: (slug: string, draft: ConsultationDraft) =>
    request<Consultation>('POST', `/communities/${at(slug)}/consultations`, draft),
  get: (id: number) => request<Consultation>('GET', `/consultations/${id}`),
  support: (id: number, postId: number, on: boolean) =>
    request<void>(on ? 'PUT' : 'DELETE', `/consultations/${id}/answers/${postId}/support`),
  respond: (id: number, postId: number, status: ResponseStatus, body: string) =>
    request<Consultation>('POST', `/consultations/${id}/answers/${postId}/responses`, { status, body }),
  answer: (threadId: number, body: string) =>
    request<Post>('POST', `/threads/${threadId}/posts`, { body }),
  exportHref: (id: number, format: 'csv' | 'json') => `/api/v1/consultations/${id}/export?format=${format}`,
};
