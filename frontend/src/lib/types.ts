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
  /** The header's wordmark (the name unless the instance sets one). */
  logo_text: string;
  guidelines: InstanceDocument;
  health_data_consent: InstanceDocument;
  content_warnings: { id: string; label: string }[];
  reactions: { kind: string; label: string }[];
  max_reply_depth: number;
  /** Where to get help: the "Get help" page, and shown at once after a post that suggests a crisis. */
  support: Support;
  /** How people join: `open` (anyone registers). */
  joining: string;
  /** The texts at the foot of every page, as safe HTML. */
  footer: { id: 'operator' | 'privacy' | 'contact' | 'accessibility' | 'terms'; html: string }[];
}

export interface Helpline {
  name: string;
  /** A number to call. */
  phone: string | null;
  /** How to reach it by text message. */
  text: string | null;
  hours: string;
  url: string;
  description: string;
  /** A `tel:` link that calls `phone`. */
  phone_link: string | null;
  /** An `sms:` link that starts the text message `text` describes. */
  text_link: string | null;
}

export interface Support {
  message: string;
  helplines: Helpline[];
  /** After a crisis post or message: whether a trained safeguarding lead was told. */
  alerted?: boolean;
  /** After a crisis post or message: what happens next, for its author. */
  what_happens_next?: string;
}

export interface Consent {
  kind: string;
  version: string;
  /** When it was given (or withdrawn). */
  accepted_at: string;
  /** This row records withdrawing the consent. */
  withdrawn: boolean;
}

export interface Me {
  username: string;
  display_name: string;
  is_admin: boolean;
  /** Opens consultations and publishes their responses (an admin, or the organisation's staff). */
  speaks_for_institution: boolean;
  /** Receives urgent moderation items from every community. */
  is_safeguarding_lead: boolean;
  /** Slugs of the communities the member moderates. */
  moderates: string[];
  /** Slugs of the communities the member is safeguarding lead of. */
  safeguards?: string[];
  /** Requests to join waiting in the communities the member moderates (all of them for an admin). */
  join_requests?: number;
  /** Applications to join the instance waiting for an admin (0 for others). */
  applications?: number;
  email: string | null;
  email_verified: boolean;
  consents: Consent[];
  /** `guidelines` and/or `health_data`: to accept again before posting. */
  needs_acceptance: string[];
  /** When the member withdrew the health-data consent (they read, but do not post, until they give it again). */
  consent_withdrawn_at: string | null;
  /** Welcome the member: just joined, no email yet, the welcome not put away. */
  welcome: boolean;
}

/** One change of a member's display name. */
export interface NameChange {
  previous_name: string;
  new_name: string;
  changed_at: string;
}

export interface Place {
  name: string;
  region: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

/** The community finder's filters, as the list's query takes them. */
export interface CommunityFilters {
  kind?: CommunityKind | '';
  region?: string;
  latitude?: string;
  longitude?: string;
  within_km?: string;
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
  /** Archived by an admin: readable, but it takes no posts, replies, chat or reactions. */
  archived?: boolean;
  /** From the place given to the finder, in kilometres. */
  distance_km?: number | null;
}

/** A badge an admin granted, shown beside the name. */
export interface Badge {
  kind: 'staff' | 'clinician' | 'partner' | 'link_worker' | 'peer_supporter';
  /** A clinician's profession or a partner organisation's name. */
  detail?: string;
  /** How it reads: "Clinician: Nurse". */
  label: string;
}

export interface Author {
  username: string;
  display_name: string;
  /** Beside the name on posts, chat messages and member pages; absent when none. */
  badges?: Badge[];
}

/** What a signed-in member may see of another: `GET /members/{username}`. */
export interface MemberProfile extends Author {
  joined_at: string;
}

export interface ThreadSummary {
  id: number;
  title: string;
  author: Author;
  created_at: string;
  last_activity_at: string;
  reply_count: number;
  locked?: boolean;
  pinned?: boolean;
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

/** One version of a post, as its author and moderators may read it. */
export interface Revision {
  body_markdown: string;
  content_warning?: ContentWarning | null;
  written_at: string;
  /** Absent for the current version. */
  replaced_at?: string | null;
}

export interface Post {
  id: number;
  thread_id: number;
  /** Absent for a thread's first post. What is absent or false on most posts is left out of the JSON. */
  parent_id?: number | null;
  depth: number;
  author?: Author | null;
  /** Sanitised by the server: the only HTML the client renders. */
  body_html?: string | null;
  /** Sent only to the author, in answer to writing, editing or reacting; thread pages leave it out (see `api.postSource`). */
  body_markdown?: string | null;
  deleted?: boolean;
  /** Collapsed: the reader blocked the author, or the author blocked them. */
  blocked?: boolean;
  /** Shown to signed-in members only: it screened as a crisis, and the reader is signed out. */
  members_only?: boolean;
  content_warning?: ContentWarning | null;
  created_at: string;
  edited_at?: string | null;
  reactions: Reaction[];
  /** Present when moderators held, hid or removed it; the reason only for its author and moderators. */
  moderation?: ModerationNotice;
  /** Helplines for the author, right after writing, when screening asked for them. */
  support?: Support;
}

export type ContentState = 'visible' | 'held' | 'hidden' | 'removed';

export interface ModerationNotice {
  state: ContentState;
  reason: string | null;
}

export interface Thread {
  id: number;
  community: string;
  title: string;
  author: Author;
  created_at: string;
  last_activity_at: string;
  reply_count: number;
  /** Only moderators may reply while a thread is locked. */
  locked: boolean;
  pinned: boolean;
  /** Present when the thread is a story. */
  story?: StoryView;
}

/** How far a story may travel: this community, every signed-in member, or the public web. */
export type Reach = 'community' | 'instance' | 'public';

/** How far a story travels, and whether this reader sees the story alone (its replies are the community's). */
export interface StoryView {
  reach: Reach;
  replies_hidden: boolean;
}

export interface ThreadPage {
  thread: Thread;
  posts: Post[];
  next_cursor: string | null;
  /** Helplines for the author, when the first post suggests they may be at risk. */
  support?: Support;
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
  /** Shown to signed-in members only (it screened as a crisis); absent on the socket. */
  members_only?: boolean;
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
  /** The code of the invitation link they came by. */
  invitation?: string;
  /** Kept unverified; when joining is by approval the decision is mailed here. */
  email?: string;
  /** When joining is by approval: a few words for the admins. */
  note?: string;
}

/** How `open`, `invitation` or `approval` answered a registration. */
export type Registered = { token: string } | { status: 'pending'; message: string };

/** One of the member's invitation links. */
export interface InvitationLink {
  id: number;
  code: string;
  /** The page to share: `/join?invitation=CODE`. */
  path: string;
  created_at: string;
  expires_at: string | null;
  state: 'usable' | 'expired' | 'revoked';
  joined: number;
}

export interface MyInvitations {
  brought: number;
  links: InvitationLink[];
}

/** Who made a link, checked before registering with it. */
export interface InvitationCheck {
  invited_by: string;
  expires_at: string | null;
  joining: 'open' | 'approval' | 'invitation';
}

// Reports, moderation and the member's own account.

export type ReportReason = 'spam' | 'harassment' | 'misinformation' | 'risk_of_harm' | 'worried_about_person' | 'other';

/** Exactly one of `post_id`, `message_id` and `member`. */
export interface ReportDraft {
  post_id?: number;
  message_id?: number;
  member?: string;
  reason: ReportReason;
  details: string;
}

export interface MyReport {
  id: number;
  subject: Subject;
  subject_id: number;
  reason: ReportReason;
  created_at: string;
  status: 'open' | 'resolved';
}

export type Subject = 'post' | 'message' | 'thread' | 'member';

export interface Screening {
  filters?: string[];
  crisis?: string | null;
  crisis_patterns?: string[];
  new_member_hold?: boolean;
}

export interface QueueItem {
  id: number;
  subject: Subject;
  subject_id: number;
  community: string | null;
  author: string;
  /** Crisis screening or a risk-of-harm report: for the safeguarding lead first. */
  urgent: boolean;
  held: boolean;
  screening: Screening | null;
  report_count: number;
  report_weight: number;
  opened_at: string;
  claimed_by: string | null;
  claim_expires_at: string | null;
  content: {
    body_html: string | null;
    state: ContentState | null;
    thread_id: number | null;
    thread_title: string | null;
    room_id: number | null;
    created_at: string | null;
  };
  /**
   * The actions offered: an urgent item offers supportive outcomes instead of sanctions; on one item,
   * `ban` and `suspend` (which also stands for a ban from the instance) where the reader may impose them.
   */
  offered?: string[];
}

export interface QueuePage {
  items: QueueItem[];
  next_offset: number | null;
}

export interface ContextLine {
  subject: Subject;
  id: number;
  author: string;
  body_html: string;
  state: ContentState;
  created_at: string;
}

export interface Note {
  id: number;
  author: string;
  community: string | null;
  body: string;
  created_at: string;
}

export type LogAction =
  | 'approve'
  | 'hide'
  | 'remove'
  | 'restore'
  | 'edit'
  | 'lock'
  | 'unlock'
  | 'pin'
  | 'unpin'
  | 'move'
  | 'retitle'
  | 'warn'
  | 'mute'
  | 'suspend'
  | 'ban'
  | 'lift'
  | 'dismiss'
  | 'hold'
  | 'reopen'
  | 'reached_out'
  | 'escalated_to_emergency_services'
  | 'no_risk_on_review';

export interface LogEntry {
  id: number;
  action: LogAction;
  /** Who acted: moderators only. */
  actor: string | null;
  community: string | null;
  subject: Subject;
  subject_id: number;
  member: string | null;
  reason: string;
  details?: unknown;
  ends_at: string | null;
  /** The entry this one reverses. */
  reverses: number | null;
  created_at: string;
}

export interface ItemDetail {
  item: QueueItem;
  reports: { reporter: string; reason: string; details: string; created_at: string }[];
  context: ContextLine[];
  history: ContextLine[];
  actions: LogEntry[];
  notes: Note[];
}

export interface LogPage {
  entries: LogEntry[];
  next_before: number | null;
}

/** One moderation action, as `POST /moderation/actions` takes it. */
export type ModerationCommand =
  | { action: 'approve'; post_id?: number; message_id?: number; reason?: string }
  | { action: 'hide' | 'remove' | 'restore'; post_id?: number; message_id?: number; reason: string }
  | { action: 'edit'; post_id: number; body: string; reason: string }
  | { action: 'lock' | 'unlock' | 'pin' | 'unpin'; thread_id: number; reason: string }
  | { action: 'move'; thread_id: number; to_community: string; reason: string }
  | { action: 'retitle'; thread_id: number; title: string; reason: string }
  | { action: 'warn'; member: string; community?: string; item_id?: number; reason: string }
  | {
      action: 'mute';
      member: string;
      community: string;
      room_id?: number;
      item_id?: number;
      minutes: number;
      reason: string;
    }
  | { action: 'suspend'; member: string; minutes: number; reason: string }
  | { action: 'ban'; member: string; community?: string; minutes?: number; reason: string }
  | { action: 'dismiss' | SupportiveOutcome; item_id: number; reason: string };

/** The outcomes of an urgent (crisis) item. */
export type SupportiveOutcome = 'reached_out' | 'escalated_to_emergency_services' | 'no_risk_on_review';

export type AppealStatus = 'open' | 'upheld' | 'overturned';

export interface Appeal {
  id: number;
  log_id: number;
  body: string;
  status: AppealStatus;
  decision_reason: string | null;
  created_at: string;
  decided_at: string | null;
}

export interface AppealCase {
  appeal: Appeal;
  member: string;
  entry: LogEntry;
}

export interface MyModeration {
  entries: LogEntry[];
  appeals: Appeal[];
}

export type FilterAction = 'block' | 'hold' | 'flag' | 'replace';

export interface Filter {
  id: number;
  community: string | null;
  term: string;
  action: FilterAction;
  message: string | null;
  replacement: string | null;
  created_at: string;
}

export interface FilterDraft {
  community?: string;
  term: string;
  action: FilterAction;
  message?: string;
  replacement?: string;
}

export interface SessionInfo {
  id: number;
  created_at: string;
  last_used_at: string;
  /** A coarse description, e.g. "Firefox on Linux". */
  device: string;
  /** The session this page uses. */
  current: boolean;
}

export interface BlockInfo {
  member: Author;
  blocked_at: string;
}

export interface ExportStatus {
  status: 'pending' | 'ready' | 'failed';
  created_at: string;
  expires_at: string;
}

/** How closely a member follows a thread or community. */
export type FollowLevel = 'watching' | 'normal' | 'muted';

export type NotificationKind =
  | 'reply'
  | 'mention'
  | 'new_post'
  | 'report_resolved'
  | 'moderation'
  | 'safeguarding_alert'
  | 'safeguarding_escalation'
  | 'support_message'
  | 'join_request'
  | 'join_decided'
  | 'consultation_response'
  | 'event_place_offered'
  | 'event_cancelled'
  | 'event_reminder'
  | 'goal_milestone';

/** One line of the inbox, as `GET /notifications` and the live `notification` frame carry it. */
export interface Notification {
  id: number;
  kind: NotificationKind;
  count: number;
  read: boolean;
  /** Plain text, written by the server. */
  summary: string;
  thread?: { id: number; title: string };
  room?: { id: number; name: string };
  community?: string;
  post_id?: number;
  message_id?: number;
  log_id?: number;
  report_id?: number;
  /** The urgent queue item a safeguarding alert is about. */
  item_id?: number;
  /** The private support conversation a message is in. */
  conversation_id?: number;
  /** The consultation the organisation responded in. */
  consultation_id?: number;
  /** The event an RSVP, reminder or cancellation is about. */
  event_id?: number;
  /** The goal that reached a milestone. */
  goal_id?: number;
  actor?: Author;
  created_at: string;
  updated_at: string;
}

export interface Inbox {
  notifications: Notification[];
  unread_count: number;
  next_cursor: string | null;
}

export interface SearchResult {
  kind: 'thread' | 'post' | 'message';
  id: number;
  thread?: { id: number; title: string };
  room?: { id: number; name: string };
  community: string;
  author: Author;
  created_at: string;
  /** Escaped text with matched words in `<mark>`: rebuilt by lib/snippet.ts, never inserted as HTML. */
  snippet_html: string;
}

export interface SearchResults {
  results: SearchResult[];
  next_cursor: string | null;
}

/** A message in a private support conversation. */
export interface SupportMessage {
  id: number;
  author: string;
  author_display_name: string;
  /** Written by a safeguarding lead rather than the member. */
  from_lead: boolean;
  body_html: string;
  created_at: string;
  /** To the member, after words that suggest a crisis: helplines, and whether a lead was alerted. */
  support?: Support;
}

/** A private support conversation: seen only by its member and the safeguarding leads. */
export interface SupportConversation {
  id: number;
  member: string;
  community: string | null;
  opened_at: string;
  /** When a safeguarding lead closed it; the next message opens it again. */
  closed_at: string | null;
  messages: SupportMessage[];
}

/** How often a kind of news is mailed. */
export type Cadence = 'immediately' | 'daily' | 'weekly' | 'never';

/** The kinds of news a member chooses a cadence for. */
export type MailKind = 'replies' | 'mentions' | 'watched' | 'moderation' | 'events';

export interface MailPreferences {
  kinds: Record<MailKind, Cadence>;
  /** Whether letters name the community, thread, author and quote the post. */
  include_details: boolean;
  /** The member's time zone for digests; null: the instance's. */
  time_zone: string | null;
  instance_time_zone: string;
  /** The local hour digests are sent at. */
  digest_hour: number;
  /** A daily count of the moderation queue (for moderators). */
  moderator_digest: boolean;
  /** Mail goes only to a confirmed address. */
  email_verified: boolean;
}

/** Where the reader is in a thread (`GET /threads/{id}/reading`). */
export interface ThreadReading {
  last_read_post_id: number | null;
  /** The oldest post by someone else since the last visit. */
  first_unread_post_id: number | null;
  unread_count: number;
  newest_post_id: number | null;
}
