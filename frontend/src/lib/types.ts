// The shapes the JSON API sends and accepts, as described by /api/v1/openapi.json.

export type CommunityKind = 'condition' | 'place';
export type Visibility = 'public' | 'members' | 'approval';
export type Membership = 'none' | 'pending' | 'refused' | 'member' | 'moderator';

export interface InstanceDocument {
  version: string;
  html: string;
}

export interface Instance {
  name: string;
  guidelines: InstanceDocument;
  health_data_consent: InstanceDocument;
  content_warnings: { id: string; label: string }[];
  reactions: { kind: string; label: string }[];
  max_reply_depth: number;
}

export interface Me {
  username: string;
  display_name: string;
  is_admin: boolean;
}

export interface Place {
  name: string;
  region: string | null;
}

export interface Community {
  slug: string;
  name: string;
  kind: CommunityKind;
  place: Place | null;
  description_html: string;
  rules_html: string;
  banner: string;
  visibility: Visibility;
  member_count: number;
  created_at: string;
  /** Absent for visitors. */
  membership: Membership | null;
}

export interface Author {
  username: string;
  display_name: string;
}

export interface ThreadSummary {
  id: number;
  title: string;
  author: Author;
  created_at: string;
  last_activity_at: string;
  reply_count: number;
}

export interface ThreadList {
  threads: ThreadSummary[];
  next_cursor: string | null;
}

export interface ContentWarning {
  /** One of the instance's content-warning ids. */
  label: string;
  note: string | null;
}

export interface Reaction {
  kind: string;
  count: number;
  mine: boolean;
}

export interface Post {
  id: number;
  thread_id: number;
  parent_id: number | null;
  depth: number;
  author: Author | null;
  /** Sanitised by the server: the only HTML the client renders. */
  body_html: string | null;
  /** Sent only to the author, for editing. */
  body_markdown: string | null;
  deleted: boolean;
  /** Collapsed: the reader blocked the author, or the author blocked them. */
  blocked: boolean;
  content_warning: ContentWarning | null;
  created_at: string;
  edited_at: string | null;
  reactions: Reaction[];
}

export interface Thread {
  id: number;
  community: string;
  title: string;
  author: Author;
  created_at: string;
  last_activity_at: string;
  reply_count: number;
}

export interface ThreadPage {
  thread: Thread;
  posts: Post[];
  next_cursor: string | null;
}

/** What a member writes: a post's text and optional content warning. */
export interface PostDraft {
  body: string;
  content_warning: ContentWarning | null;
}

export interface ChatRoom {
  id: number;
  name: string;
  /** The community's own room. */
  is_default: boolean;
  last_seq: number;
  created_at: string;
}

/** A chat message, from the history endpoint or the live socket. */
export interface ChatMessage {
  id: number;
  room: number;
  /** The room's sequence number: messages are shown in this order. */
  seq: number;
  /** Null when a block hides the message. */
  author: Author | null;
  /** Sanitised by the server; null once deleted or when a block hides it. */
  body_html: string | null;
  deleted: boolean;
  /** Collapsed: the reader blocked the author, or the author blocked them. */
  blocked: boolean;
  created_at: string;
  /** The sender's own id for it; only on the socket. */
  client_id?: string;
}

export interface Registration {
  username: string;
  display_name: string;
  password: string;
  guidelines_version: string;
  health_data_consent: true;
}
