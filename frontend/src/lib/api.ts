/**
 * The one way the client talks to the server: JSON in and out, and every
 * failure turned into the sentence the server wrote for members. Requests
 * are same-origin fetches, so the browser sends the session cookie and, on
 * writes, the `Origin` header the server's CSRF rule checks.
 */
import type {
  ChatMessage,
  ChatRoom,
  Community,
  Instance,
  Me,
  Membership,
  Post,
  PostDraft,
  Registration,
  ThreadList,
  ThreadPage,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const OFFLINE = "We couldn't reach the server. Please check your connection and try again.";

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'offline', OFFLINE);
  }
  if (response.status === 204) return undefined as T;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = data?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'unknown',
      error?.message ?? 'Something went wrong on our side. Please try again in a moment.',
    );
  }
  return data as T;
}

/** `?cursor=...` when there is a cursor. */
function page(cursor?: string | null): string {
  return cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
}

const at = encodeURIComponent;

export const api = {
  instance: () => request<Instance>('GET', '/instance'),
  me: () => request<Me>('GET', '/me'),
  register: (registration: Registration) => request<unknown>('POST', '/accounts', registration),
  signIn: (username: string, password: string) => request<unknown>('POST', '/sessions', { username, password }),
  signOut: () => request<void>('DELETE', '/sessions/current'),

  communities: () => request<Community[]>('GET', '/communities'),
  community: (slug: string) => request<Community>('GET', `/communities/${at(slug)}`),
  join: (slug: string) => request<{ membership: Membership }>('POST', `/communities/${at(slug)}/membership`),
  leave: (slug: string) => request<void>('DELETE', `/communities/${at(slug)}/membership`),

  threads: (slug: string, cursor?: string | null) =>
    request<ThreadList>('GET', `/communities/${at(slug)}/threads${page(cursor)}`),
  startThread: (slug: string, title: string, draft: PostDraft) =>
    request<ThreadPage>('POST', `/communities/${at(slug)}/threads`, { title, ...draft }),
  thread: (id: number, cursor?: string | null) => request<ThreadPage>('GET', `/threads/${id}${page(cursor)}`),
  reply: (threadId: number, parentId: number, draft: PostDraft) =>
    request<Post>('POST', `/threads/${threadId}/posts`, { parent_id: parentId, ...draft }),

  editPost: (id: number, draft: PostDraft) => request<Post>('PATCH', `/posts/${id}`, draft),
  deletePost: (id: number) => request<void>('DELETE', `/posts/${id}`),
  react: (id: number, kind: string, on: boolean) =>
    request<Post>(on ? 'PUT' : 'DELETE', `/posts/${id}/reactions/${at(kind)}`),

  rooms: (slug: string) => request<ChatRoom[]>('GET', `/communities/${at(slug)}/rooms`),
  /** Up to `limit` messages after a sequence number, oldest first. */
  messagesAfter: (room: number, after: number, limit: number) =>
    request<ChatMessage[]>('GET', `/rooms/${room}/messages?after=${after}&limit=${limit}`),
};

/** The sentence to show for any failure. */
export function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong. Please try again.';
}
