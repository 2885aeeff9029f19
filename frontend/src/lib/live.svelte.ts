/**
 * Live chat over the tab's one websocket (docs/live.md). The socket opens
 * when a chat screen joins a room and closes soon after the last one
 * leaves. For each joined room it keeps the messages in sequence order,
 * who is here, who is typing, and the member's own messages until the
 * server has stored them. A dropped connection is retried with backoff,
 * and every room resumes after the last message it holds, so nothing is
 * missed or shown twice; unsent messages are sent again with the same
 * `client_id`, which the server stores only once. Listeners (the inbox)
 * keep the socket open while signed in, hear `notification` frames, and
 * are told when it opens so they can catch up on what they missed.
 */
import { api, messageOf } from './api';
import { refreshMe, session } from './session.svelte';
import { offerSupport } from './support.svelte';
import type { Author, ChatMessage, Notification } from './types';

/** One of the member's messages, until it shows up in the room. */
export interface Outgoing {
  client_id: string;
  body: string;
  /** From the server's ack; the entry goes once the message with this number is in the list. */
  seq: number | null;
  /** The server's sentence if it refused the message; it is then sent again only on request. */
  error: string;
  /** Stored, but waiting for a moderator's approval: only its author sees it, here. */
  held?: boolean;
}

export interface Typist extends Author {
  /** When to stop showing them as typing (ms since the epoch). */
  until: number;
}

export interface Room {
  /** In sequence order, each `seq` once. */
  messages: ChatMessage[];
  /** The newest `seq` held, or null before the first catch-up. */
  lastSeq: number | null;
  /** False until the first catch-up is complete. */
  ready: boolean;
  present: Author[];
  typing: Typist[];
  outbox: Outgoing[];
}

export type Status = 'idle' | 'connecting' | 'open' | 'reconnecting';

export const live = $state<{ status: Status; notice: string; rooms: Record<number, Room> }>({
  status: 'idle',
  notice: '',
  rooms: {},
});

/** The server passes on typing at most every 2 seconds; we send no more often than that. */
const TYPING_EVERY = 2_500;
/** How long someone shows as typing after their last typing frame. */
const TYPING_SHOWN = 5_000;
/** The history endpoint's largest page. */
const PAGE = 200;
/** The most messages kept per room; older ones drop off the top. */
const KEPT = 500;
const RETRY_FIRST = 1_000;
const RETRY_MOST = 30_000;
/** A screen switching rooms leaves one and joins the next: keep the socket that long. */
const CLOSE_AFTER = 2_000;

let socket: WebSocket | null = null;
/** Failed attempts since the socket was last open, for the backoff. */
let failures = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let closeTimer: ReturnType<typeof setTimeout> | undefined;
const typingSent = new Map<number, number>();
/** Rooms being filled from the history endpoint after a `resync`: where the gap now starts. */
const gaps = new Map<number, number>();

/** What a listener hears: frames that belong to no room, and each (re)opening of the socket. */
export interface Listener {
  notification(frame: { notification: Notification; unread_count: number }): void;
  opened(): void;
}

const listeners = new Set<Listener>();

/** Keeps the socket open for a listener until the returned function is called. */
export function listen(listener: Listener): () => void {
  listeners.add(listener);
  clearTimeout(closeTimer);
  if (!socket) connect();
  else if (socket.readyState === WebSocket.OPEN) listener.opened();
  return () => {
    listeners.delete(listener);
    closeWhenUnused();
  };
}

/** The thread open on screen, told of each new reply (its post id). */
let watched: { thread: number; onReply: (postId: number) => void } | null = null;

/** Hears of new replies to a thread while the returned function is not called (re-watching after a reconnect). */
export function watchThread(thread: number, onReply: (postId: number) => void): () => void {
  watched = { thread, onReply };
  const stop = listen({
    notification() {},
    opened() {
      if (watched?.thread === thread) transmit({ type: 'watch_thread', thread });
    },
  });
  return () => {
    if (watched?.thread === thread) {
      watched = null;
      transmit({ type: 'unwatch_thread' });
    }
    stop();
  };
}

/** Joins a room (opening the socket if need be) and returns its live state. */
export function join(roomId: number): Room {
  clearTimeout(closeTimer);
  live.rooms[roomId] ??= { messages: [], lastSeq: null, ready: false, present: [], typing: [], outbox: [] };
  if (socket) subscribe(roomId);
  else connect();
  return live.rooms[roomId];
}

/** Leaves a room; the socket closes once no room is joined. */
export function leave(roomId: number): void {
  transmit({ type: 'unsubscribe', room: roomId });
  delete live.rooms[roomId];
  gaps.delete(roomId);
  typingSent.delete(roomId);
  closeWhenUnused();
}

/** Closes the socket soon once no room is joined and no one listens. */
function closeWhenUnused(): void {
  if (Object.keys(live.rooms).length > 0 || listeners.size > 0) return;
  clearTimeout(closeTimer);
  closeTimer = setTimeout(() => {
    clearTimeout(retryTimer);
    const closing = socket;
    socket = null;
    closing?.close();
    live.status = 'idle';
    live.notice = '';
  }, CLOSE_AFTER);
}

/** Sends a message; it shows as pending until the server acknowledges it. */
export function say(roomId: number, body: string): void {
  const room = live.rooms[roomId];
  if (!room) return;
  const message: Outgoing = { client_id: newClientId(), body, seq: null, error: '' };
  room.outbox.push(message);
  sendMessage(roomId, message);
}

/** Takes a refused message back out of the outbox, so its text can be changed. */
export function withdraw(roomId: number, clientId: string): string {
  const room = live.rooms[roomId];
  const message = room?.outbox.find((entry) => entry.client_id === clientId);
  if (!room || !message) return '';
  room.outbox = room.outbox.filter((entry) => entry !== message);
  return message.body;
}

/** Sends a refused message again, with the same `client_id`. */
export function retry(roomId: number, clientId: string): void {
  const message = live.rooms[roomId]?.outbox.find((entry) => entry.client_id === clientId);
  if (!message) return;
  message.error = '';
  sendMessage(roomId, message);
}

/** Tells the room the member is typing, at most every few seconds. */
export function typing(roomId: number): void {
  const now = Date.now();
  if (now - (typingSent.get(roomId) ?? 0) < TYPING_EVERY) return;
  if (transmit({ type: 'typing', room: roomId })) typingSent.set(roomId, now);
}

function sendMessage(roomId: number, message: Outgoing): void {
  // When the socket is down, the message goes out again on reconnecting.
  transmit({ type: 'send', room: roomId, body: message.body, client_id: message.client_id });
}

/** 32 random hex digits (crypto.randomUUID needs a secure context; an instance may be on plain HTTP). */
function newClientId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function transmit(frame: object): boolean {
  if (socket?.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify(frame));
  return true;
}

function subscribe(roomId: number): void {
  const room = live.rooms[roomId];
  const after = gaps.get(roomId) ?? room?.lastSeq;
  transmit(after == null ? { type: 'subscribe', room: roomId } : { type: 'subscribe', room: roomId, after });
}

function connect(): void {
  clearTimeout(retryTimer);
  const url = new URL('/api/v1/live', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const opening = new WebSocket(url);
  socket = opening;
  live.status = failures === 0 ? 'connecting' : 'reconnecting';
  opening.onopen = () => {
    failures = 0;
    live.status = 'open';
    live.notice = '';
    for (const [id, room] of Object.entries(live.rooms)) {
      subscribe(Number(id));
      for (const message of room.outbox) if (message.seq === null && !message.error) sendMessage(Number(id), message);
    }
    for (const listener of listeners) listener.opened();
  };
  opening.onmessage = (event) => receive(JSON.parse(event.data));
  opening.onclose = (event) => {
    if (socket !== opening) return; // closed on purpose
    socket = null;
    if (event.reason === 'session ended') {
      // Reconnecting would be refused: learn that the member is signed out instead.
      live.status = 'idle';
      void refreshMe().catch(() => {});
      return;
    }
    live.status = 'reconnecting';
    const delay = Math.min(RETRY_MOST, RETRY_FIRST * 2 ** failures) * (0.5 + Math.random() / 2);
    failures += 1;
    retryTimer = setTimeout(connect, delay);
  };
}

// Back online: don't wait for the backoff.
window.addEventListener('online', () => {
  if (live.status === 'reconnecting' && !socket) connect();
});

/** A frame from the server. */
function receive(frame: any): void {
  const room: Room | undefined = live.rooms[frame.room];
  switch (frame.type) {
    case 'message':
      if (room) add(room, frame);
      break;
    case 'subscribed':
      if (!room) break;
      room.ready = true;
      room.lastSeq = Math.max(room.lastSeq ?? 0, frame.last_seq);
      break;
    case 'ack': {
      const message = room?.outbox.find((entry) => entry.client_id === frame.client_id);
      offerSupport(frame.support);
      if (!room || !message) break;
      message.seq = frame.seq;
      // A held message never arrives in the room; it stays here, marked, until the page is left.
      if (frame.held) message.held = true;
      else settle(room);
      break;
    }
    case 'error': {
      const refused = Object.values(live.rooms)
        .flatMap((each) => each.outbox)
        .find((entry) => frame.client_id && entry.client_id === frame.client_id);
      if (refused) refused.error = frame.message;
      else live.notice = frame.message;
      break;
    }
    case 'presence':
      if (room) room.present = frame.members;
      break;
    case 'typing':
      if (room && frame.username !== session.me?.username) showTyping(room, frame);
      break;
    case 'deleted': {
      const message = room?.messages.find((each) => each.id === frame.id);
      if (message) {
        message.deleted = true;
        message.body_html = null;
      }
      break;
    }
    case 'shown':
      if (room) void showApproved(frame.room, frame.seq);
      break;
    case 'resync':
      if (room) void fillGap(frame.room, frame.after);
      break;
    case 'notification':
      for (const listener of listeners) listener.notification(frame);
      break;
    case 'thread_reply':
      if (watched && watched.thread === frame.thread) watched.onReply(frame.post_id);
      break;
  }
}

/** Puts a message in its place by `seq`, once. */
function add(room: Room, message: ChatMessage): void {
  const list = room.messages;
  let at = list.length;
  while (at > 0 && list[at - 1].seq > message.seq) at--;
  if (at > 0 && list[at - 1].seq === message.seq) return;
  list.splice(at, 0, message);
  if (list.length > KEPT) list.splice(0, list.length - KEPT);
  room.lastSeq = Math.max(room.lastSeq ?? 0, message.seq);
  room.typing = room.typing.filter((typist) => typist.username !== message.author?.username);
  const mine = message.client_id && message.author?.username === session.me?.username;
  if (mine) {
    const sent = room.outbox.find((entry) => entry.client_id === message.client_id);
    if (sent) sent.seq = message.seq;
  }
  settle(room);
}

/** Drops pending messages that are now in the list. */
function settle(room: Room): void {
  if (room.outbox.length === 0) return;
  const shown = new Set(room.messages.map((message) => message.seq));
  if (room.outbox.some((entry) => entry.seq !== null && shown.has(entry.seq))) {
    room.outbox = room.outbox.filter((entry) => entry.seq === null || !shown.has(entry.seq));
  }
}

function showTyping(room: Room, who: Author): void {
  const until = Date.now() + TYPING_SHOWN;
  room.typing = [
    ...room.typing.filter((typist) => typist.username !== who.username),
    { username: who.username, display_name: who.display_name, until },
  ];
  setTimeout(() => {
    room.typing = room.typing.filter((typist) => typist.until > Date.now());
  }, TYPING_SHOWN + 50);
}

/** Loads a message that became visible (approved, or a removal reversed) and puts it in its place. */
async function showApproved(roomId: number, seq: number): Promise<void> {
  try {
    const [message] = await api.messagesAfter(roomId, seq - 1, 1);
    const room = live.rooms[roomId];
    if (!room || message?.seq !== seq) return;
    const at = room.messages.findIndex((each) => each.seq === seq);
    if (at < 0) return add(room, message);
    room.messages[at] = message;
    settle(room);
  } catch (error) {
    live.notice = messageOf(error);
  }
}

/**
 * After a `resync`, fetches what the socket skipped, a page at a time; live
 * messages carry on meanwhile and duplicates are dropped by `seq`. Until the
 * gap is filled, a reconnect resumes from where it starts. If fetching
 * fails, the gap is kept and the next reconnect asks the socket for it.
 */
async function fillGap(roomId: number, after: number): Promise<void> {
  gaps.set(roomId, after);
  try {
    for (;;) {
      const page = await api.messagesAfter(roomId, after, PAGE);
      const room = live.rooms[roomId];
      if (!room) return;
      for (const message of page) add(room, message);
      if (page.length < PAGE) break;
      after = page[page.length - 1].seq;
      gaps.set(roomId, after);
    }
    gaps.delete(roomId);
  } catch (error) {
    live.notice = messageOf(error);
  }
}
