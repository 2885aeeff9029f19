/**
 * The one way the client talks to the server: JSON in and out, and every
 * failure turned into the sentence the server wrote for members. Requests
 * are same-origin fetches, so the browser sends the session cookie and, on
 * writes, the `Origin` header the server's CSRF rule checks.
 */
import type {
  AppealCase,
  Appeal,
  BlockInfo,
  ChatMessage,
  ExportStatus,
  Filter,
  FilterDraft,
  FollowLevel,
  Inbox,
  SearchResults,
  ItemDetail,
  LogEntry,
  LogPage,
  MailPreferences,
  ModerationCommand,
  MyModeration,
  MyReport,
  Note,
  QueuePage,
  ReportDraft,
  SessionInfo,
  ChatRoom,
  Community,
  CommunityFilters,
  Instance,
  Me,
  MemberProfile,
  NameChange,
  Membership,
  Post,
  PostDraft,
  Revision,
  Reach,
  Registration,
  Registered,
  InvitationCheck,
  InvitationLink,
  MyInvitations,
  SupportConversation,
  SupportMessage,
  ThreadList,
  ThreadPage,
  ThreadReading,
} from './types';

/** One wrong field of a form, as the server names it (`footer.contact`). */
export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** On a form's error: every wrong field, each with its own sentence. */
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

const OFFLINE = "We couldn't reach the server. Please check your connection and try again.";

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
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
      Array.isArray(error?.fields) ? error.fields : [],
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
  register: (registration: Registration) => request<Registered>('POST', '/accounts', registration),
  checkInvitation: (code: string) => request<InvitationCheck>('GET', `/invitations/${at(code)}`),
  signIn: (username: string, password: string) => request<unknown>('POST', '/sessions', { username, password }),
  signOut: () => request<void>('DELETE', '/sessions/current'),
  member: (username: string) => request<MemberProfile>('GET', `/members/${at(username)}`),
  /** The display names a member went by (for the member, admins, safeguarding leads and their moderators). */
  formerNames: (username: string) => request<NameChange[]>('GET', `/members/${at(username)}/names`),

  /** Every community, or those the finder's filters pass (nearest first when a place is given). */
  communities: (filters: CommunityFilters = {}) => request<Community[]>('GET', `/communities${query({ ...filters })}`),
  community: (slug: string) => request<Community>('GET', `/communities/${at(slug)}`),
  join: (slug: string) => request<{ membership: Membership }>('POST', `/communities/${at(slug)}/membership`),
  leave: (slug: string) => request<void>('DELETE', `/communities/${at(slug)}/membership`),

  threads: (slug: string, cursor?: string | null) =>
    request<ThreadList>('GET', `/communities/${at(slug)}/threads${page(cursor)}`),
  startThread: (slug: string, title: string, draft: PostDraft, story: Reach | null = null) =>
    request<ThreadPage>('POST', `/communities/${at(slug)}/threads`, { title, ...draft, story }),
  thread: (id: number, cursor?: string | null) => request<ThreadPage>('GET', `/threads/${id}${page(cursor)}`),
  reading: (id: number) => request<ThreadReading>('GET', `/threads/${id}/reading`),
  markRead: (id: number, post_id: number) => request<void>('PUT', `/threads/${id}/reading`, { post_id }),
  reply: (threadId: number, parentId: number, draft: PostDraft) =>
    request<Post>('POST', `/threads/${threadId}/posts`, { parent_id: parentId, ...draft }),

  editPost: (id: number, draft: PostDraft) => request<Post>('PATCH', `/posts/${id}`, draft),
  /** The Markdown of the author's own post as it now stands (its last version), for editing. */
  postSource: async (id: number) => (await request<Revision[]>('GET', `/posts/${id}/revisions`)).at(-1)?.body_markdown ?? '',
  deletePost: (id: number) => request<void>('DELETE', `/posts/${id}`),
  react: (id: number, kind: string, on: boolean) =>
    request<Post>(on ? 'PUT' : 'DELETE', `/posts/${id}/reactions/${at(kind)}`),

  rooms: (slug: string) => request<ChatRoom[]>('GET', `/communities/${at(slug)}/rooms`),
  /** Up to `limit` messages after a sequence number, oldest first. */
  messagesAfter: (room: number, after: number, limit: number) =>
    request<ChatMessage[]>('GET', `/rooms/${room}/messages?after=${after}&limit=${limit}`),
};

/** `?a=1&b=x` from the parameters that are set. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value != null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Private support conversations between a member and the safeguarding leads. */
export const supportApi = {
  open: (item_id: number) => request<SupportConversation>('POST', '/support-conversations', { item_id }),
  get: (id: number) => request<SupportConversation>('GET', `/support-conversations/${id}`),
  write: (id: number, body: string) =>
    request<SupportMessage>('POST', `/support-conversations/${id}/messages`, { body }),
  close: (id: number) => request<SupportConversation>('POST', `/support-conversations/${id}/close`),
};

/** Reporting, and the moderators' desk. */
export const moderationApi = {
  report: (draft: ReportDraft) => request<MyReport>('POST', '/reports', draft),
  myReports: () => request<MyReport[]>('GET', '/me/reports'),

  queue: (community?: string | null, offset?: number | null) =>
    request<QueuePage>('GET', `/moderation/queue${query({ community, offset })}`),
  item: (id: number) => request<ItemDetail>('GET', `/moderation/items/${id}`),
  claim: (id: number) => request<void>('PUT', `/moderation/items/${id}/claim`),
  unclaim: (id: number) => request<void>('DELETE', `/moderation/items/${id}/claim`),
  act: (command: ModerationCommand) => request<LogEntry>('POST', '/moderation/actions', command),
  /** A moderator's delete of someone's chat message: the logged `remove`. */
  deleteMessage: (id: number) => request<void>('DELETE', `/messages/${id}`),
  muteInRoom: (room: number, username: string, minutes: number, reason?: string) =>
    request<void>('PUT', `/rooms/${room}/mutes/${at(username)}`, { minutes, reason }),
  reverse: (logId: number, reason: string) => request<LogEntry>('POST', `/moderation/log/${logId}/reversal`, { reason }),
  log: (community?: string | null, before?: number | null) =>
    request<LogPage>('GET', `/moderation/log${query({ community, before })}`),
  addNote: (username: string, body: string, community?: string | null) =>
    request<Note>('POST', `/moderation/members/${at(username)}/notes`, { body, community: community ?? undefined }),

  filters: (community?: string | null) => request<Filter[]>('GET', `/moderation/filters${query({ community })}`),
  addFilter: (draft: FilterDraft) => request<Filter>('POST', '/moderation/filters', draft),
  deleteFilter: (id: number) => request<void>('DELETE', `/moderation/filters/${id}`),

  appeals: () => request<AppealCase[]>('GET', '/moderation/appeals'),
  decide: (id: number, outcome: 'uphold' | 'overturn', reason: string) =>
    request<Appeal>('POST', `/appeals/${id}/decision`, { outcome, reason }),
};

/** The member's own account: sessions, blocks, password, email, their data. */
export const accountApi = {
  sessions: () => request<SessionInfo[]>('GET', '/me/sessions'),
  endSession: (id: number) => request<void>('DELETE', `/me/sessions/${id}`),
  endOtherSessions: () => request<void>('DELETE', '/me/sessions'),
  changePassword: (current_password: string, new_password: string) =>
    request<void>('PUT', '/me/password', { current_password, new_password }),
  accept: (kind: string, version: string) => request<void>('POST', '/me/consents', { kind, version }),
  withdrawConsent: () => request<void>('DELETE', '/me/consents/health_data'),
  changeDisplayName: (display_name: string) =>
    request<{ display_name: string; support?: unknown }>('PUT', '/me/display-name', { display_name }),
  dismissWelcome: () => request<void>('DELETE', '/me/welcome'),

  blocks: () => request<BlockInfo[]>('GET', '/blocks'),
  block: (username: string) => request<void>('PUT', `/blocks/${at(username)}`),
  unblock: (username: string) => request<void>('DELETE', `/blocks/${at(username)}`),

  setEmail: (email: string) => request<void>('PUT', '/me/email', { email }),
  removeEmail: () => request<void>('DELETE', '/me/email'),
  verifyEmail: (token: string) => request<void>('POST', `/email-verifications/${at(token)}`),
  requestReset: (email: string) => request<void>('POST', '/password-resets', { email }),
  mailPreferences: () => request<MailPreferences>('GET', '/me/mail-preferences'),
  changeMailPreferences: (change: Partial<Omit<MailPreferences, 'kinds'>> & { kinds?: Partial<MailPreferences['kinds']> }) =>
    request<MailPreferences>('PATCH', '/me/mail-preferences', change),
  /** One-click unsubscribe from a letter's link: no session needed. */
  unsubscribe: (token: string) => request<{ topic: string }>('POST', `/mail-unsubscribe/${at(token)}`),
  resetPassword: (token: string, password: string) =>
    request<void>('POST', `/password-resets/${at(token)}`, { password }),

  startExport: () => request<ExportStatus>('POST', '/me/export'),
  /** The export's status while it is built (once ready, the address serves the document itself). */
  exportStatus: () => request<ExportStatus | Record<string, unknown>>('GET', '/me/export'),
  erase: (password: string) => request<void>('DELETE', '/me', { password }),

  myModeration: () => request<MyModeration>('GET', '/me/moderation'),

  invitations: () => request<MyInvitations>('GET', '/me/invitations'),
  makeInvitation: (expires_in_days: number | null) =>
    request<InvitationLink>('POST', '/me/invitations', expires_in_days === null ? {} : { expires_in_days }),
  withdrawInvitation: (id: number) => request<void>('DELETE', `/me/invitations/${id}`),
  appeal: (log_id: number, body: string) => request<Appeal>('POST', '/appeals', { log_id, body }),
};

/** A thread (by id) or a community (by slug), as following names them. */
export type Followed = { thread: number } | { community: string };

function followPath(followed: Followed): string {
  return 'thread' in followed ? `/threads/${followed.thread}/follow` : `/communities/${at(followed.community)}/follow`;
}

/** The inbox, following threads and communities, and search. */
export const inboxApi = {
  inbox: (cursor?: string | null, limit?: number) => request<Inbox>('GET', `/notifications${query({ cursor, limit })}`),
  markRead: (id: number) => request<void>('POST', `/notifications/${id}/read`),
  markAllRead: () => request<void>('POST', '/notifications/read-all'),

  followLevel: (followed: Followed) => request<{ level: FollowLevel }>('GET', followPath(followed)),
  follow: (followed: Followed, level: FollowLevel) => request<void>('PUT', followPath(followed), { level }),

  search: (q: string, cursor?: string | null) => request<SearchResults>('GET', `/search${query({ q, cursor })}`),
};

/** The sentence to show for any failure. */
export function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong. Please try again.';
}
