// The chat client: turns server frames into room state and user intents into frames.
// It owns the rooms and the connection and tells the view what to repaint.

import { Connection } from './connection.js';
import { joinFrame, leaveFrame, sendFrame, typingFrame } from './frames.js';
import { Room } from './store.js';
import { MaxFrameBytes, MaxTextLength, errorText, frameBytes, isValidRoom, newMessageId, textLength } from './rules.js';
import { tokenProblem } from './token.js';

const TypingSendEveryMs = 2_000;
const TypingShownMs = 4_000;
const RejoinAfterUnavailableMs = 2_000;
const UnrecoveredNotice = 'Some messages could not be recovered; showing the most recent ones.';
const OlderPageSize = 50;

/** Same-origin socket URL; a token from the page URL replaces the name when present. */
export function socketUrl({ name, token }) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const query = token ? `token=${encodeURIComponent(token)}` : `name=${encodeURIComponent(name)}`;
  return `${scheme}://${location.host}/ws?${query}`;
}

/** A signed-in chat session: the rooms it is in, across any number of reconnects. */
export class ChatClient {
  #view;
  #connection;
  #rooms = new Map();   // in the order joined, which is the order of the side list
  #current = null;
  #me = null;
  #connected = false;   // a `welcome` arrived on the socket that is open now
  #typingTimer = null;
  #identity;
  #authFailed;

  /** `authFailed(problem)` is told when a token cannot work ('expired' or 'refused'); the page stops trying. */
  constructor(view, identity, { authFailed = () => { } } = {}) {
    this.#view = view;
    this.#identity = identity;
    this.#authFailed = authFailed;
    this.#connection = new Connection(() => socketUrl(identity), {
      onFrame: frame => this.#onFrame(frame),
      onDrop: drop => this.#onDrop(drop),
      onFatal: fatal => this.#onFatal(fatal),
    });
  }

  start() {
    this.#view.setStatus('disconnected', 'Connecting…');
    this.#connection.start();
  }

  /** Joins a room (or switches to it when already in it). False when the name is invalid. */
  join(name) {
    if (!isValidRoom(name)) {
      this.#view.toast('Room names are 1–64 characters: letters, digits, _ . - (starting with a letter or digit).');
      return false;
    }
    if (!this.#rooms.has(name)) {
      const room = new Room(name);
      this.#rooms.set(name, room);
      if (this.#connected) {
        this.#sendJoin(room);
      }
    }
    this.select(name);
    return true;
  }

  leave(name) {
    const room = this.#rooms.get(name);
    if (!room) {
      return;
    }
    // Sent even while the join is still on its way, so the gateway does not keep us in it.
    if (this.#connected) {
      this.#connection.send(leaveFrame(name));
    }
    this.#forget(room);
  }

  #forget(room) {
    this.#rooms.delete(room.name);
    this.#view.forgetRoom(room.name);
    if (room === this.#current) {
      this.#current = null;
      this.select(this.#rooms.keys().next().value ?? null);
    } else {
      this.#renderRooms();
    }
  }

  select(name) {
    const room = name === null ? null : this.#rooms.get(name) ?? null;
    this.#current = room;
    if (room) {
      room.unread = 0;
    }
    this.#view.showRoom(room);
    this.#renderTyping();
    this.#renderRooms();
  }

  /** Sends to the current room. False leaves the text in the box (nothing was sent). */
  send(text) {
    const room = this.#current;
    if (text.trim() === '') {
      return false;
    }
    if (!room) {
      this.#view.toast('Join a room first.');
      return false;
    }
    if (!this.#connected) {
      this.#view.toast('Not connected; your message is still in the box. Send it again once connected.');
      return false;
    }
    const id = newMessageId();
    if (textLength(text) > MaxTextLength || frameBytes(sendFrame(room.name, id, text)) > MaxFrameBytes) {
      this.#view.toast(errorText('too_long'));
      return false;
    }
    const entry = room.addOwn(id, text, this.#me);
    // The message ends our typing hint on the other pages, so the next keystroke may
    // announce the next message at once instead of up to 2 s later.
    room.typingSentAt = 0;
    // Until `joined` arrives the message waits in the outbox and goes out right after it.
    if (room.joined) {
      this.#transmit(room, entry);
    }
    this.#view.renderMessages(room, { toBottom: true });
    return true;
  }

  /** Sends a failed message again under the same id, so it is stored at most once. */
  retry(entry) {
    const room = this.#rooms.get(entry.room);
    if (!room || entry.state !== 'failed') {
      return;
    }
    Object.assign(entry, { state: 'pending', error: null, autoRetry: false, inFlight: false });
    entry.rev += 1;
    if (this.#connected && room.joined) {
      this.#transmit(room, entry);
    }
    this.#renderIfCurrent(room);
  }

  discard(entry) {
    const room = this.#rooms.get(entry.room);
    if (room && entry.state === 'failed') {
      room.discard(entry);
      this.#renderIfCurrent(room);
    }
  }

  typed() {
    const room = this.#current;
    const now = Date.now();
    if (this.#connected && room?.joined && now - room.typingSentAt >= TypingSendEveryMs) {
      room.typingSentAt = now;
      this.#connection.send(typingFrame(room.name));
    }
  }

  /**
   * Loads the page of messages just before the oldest one shown (`before=`) into the current
   * room. Seqs already shown are skipped by the room, so overlapping pages show nothing twice.
   */
  async loadOlder() {
    const room = this.#current;
    if (!room || room.loadingOlder || !room.hasOlder()) {
      return;
    }
    room.loadingOlder = true;
    this.#view.renderOlder(room);
    try {
      const headers = this.#identity.token ? { Authorization: `Bearer ${this.#identity.token}` } : {};
      const response = await fetch(
        `/api/rooms/${encodeURIComponent(room.name)}/messages?before=${room.firstSeq()}&limit=${OlderPageSize}`,
        { headers, cache: 'no-store' });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      const page = await response.json();
      if (this.#rooms.get(room.name) === room) {
        room.receiveOlder(Array.isArray(page.messages) ? page.messages : [], page.oldest, this.#me);
      }
    } catch (error) {
      this.#view.toast(`Could not load older messages (${error.message}); try again.`);
    } finally {
      room.loadingOlder = false;
      if (room === this.#current) {
        this.#view.renderMessages(room, { keepTop: true });
      }
    }
  }

  #transmit(room, entry) {
    entry.state = 'pending';
    entry.inFlight = this.#connection.send(sendFrame(room.name, entry.id, entry.text));
    entry.rev += 1;
  }

  // A re-join asks for everything after the last seq seen, under the epoch it was seen in.
  #sendJoin(room) {
    room.rejoining = room.epoch !== null;
    this.#connection.send(room.rejoining ? joinFrame(room.name, room.lastSeq, room.epoch) : joinFrame(room.name));
  }

  #onFrame(frame) {
    switch (frame.type) {
      case 'welcome': return this.#onWelcome(frame);
      case 'joined': return this.#onJoined(frame);
      case 'message': return this.#onMessage(frame);
      case 'ack': return this.#onAck(frame);
      case 'presence': return this.#onPresence(frame);
      case 'typing': return this.#onTyping(frame);
      case 'error': return this.#onError(frame);
      default: return undefined; // pong, left, and anything newer than this page
    }
  }

  #onWelcome(frame) {
    this.#me = frame.user;
    this.#connected = true;
    this.#view.setIdentity(frame.user);
    this.#view.setStatus('connected', '');
    for (const room of this.#rooms.values()) {
      this.#sendJoin(room);
    }
  }

  #onJoined(frame) {
    const room = this.#rooms.get(frame.room);
    if (!room) {
      return; // left while the join was on its way
    }
    const rejoin = room.rejoining;
    if (rejoin && frame.recovered === false) {
      room.restart(UnrecoveredNotice);
    }
    room.rejoining = false;
    room.joined = true;
    room.epoch = frame.epoch ?? null;
    if (Number.isInteger(frame.oldest)) {
      room.oldest = frame.oldest;
    }
    room.members = new Set(Array.isArray(frame.members) ? frame.members : []);
    for (const message of Array.isArray(frame.history) ? frame.history : []) {
      const { entry, fresh } = room.receive(message, this.#me);
      // On a first join the history is old news; after a drop it is what was missed.
      if (fresh && rejoin && room !== this.#current && !entry.own) {
        room.unread += 1;
      }
    }
    // History first: it may already hold messages whose ack the drop swallowed, and
    // those must not be sent again.
    for (const entry of room.toSend()) {
      this.#transmit(room, entry);
    }
    if (room === this.#current) {
      this.#view.renderMessages(room);
      this.#view.renderMembers(room);
    }
    this.#renderRooms();
  }

  #onMessage(frame) {
    const room = this.#rooms.get(frame.room);
    if (!room) {
      return;
    }
    const { entry, fresh } = room.receive(frame, this.#me);
    if (!entry) {
      return;
    }
    if (room.typing.delete(entry.user) && room === this.#current) {
      this.#renderTyping();
    }
    if (room === this.#current) {
      this.#view.renderMessages(room);
    } else if (fresh && !entry.own) {
      room.unread += 1;
      this.#renderRooms();
    }
  }

  #onAck(frame) {
    const room = this.#rooms.get(frame.room);
    if (room?.ack(frame.id, frame.seq)) {
      this.#renderIfCurrent(room);
    }
  }

  #onPresence(frame) {
    const room = this.#rooms.get(frame.room);
    if (!room || typeof frame.user !== 'string') {
      return;
    }
    if (frame.event === 'join') {
      room.members.add(frame.user);
    } else if (frame.event === 'leave') {
      room.members.delete(frame.user);
      room.typing.delete(frame.user);
    }
    if (room === this.#current) {
      this.#view.renderMembers(room);
      this.#renderTyping();
    }
  }

  #onTyping(frame) {
    const room = this.#rooms.get(frame.room);
    if (!room || typeof frame.user !== 'string' || frame.user === this.#me) {
      return; // own name: another tab of the same user
    }
    room.setTyping(frame.user, Date.now() + TypingShownMs);
    if (room === this.#current) {
      this.#renderTyping();
    }
  }

  #onError(frame) {
    const code = String(frame.code ?? 'error');
    const room = typeof frame.room === 'string' ? this.#rooms.get(frame.room) : undefined;
    if (code === 'not_joined' && typeof frame.room === 'string' && !room) {
      return; // about a room this page has just left; nothing the user needs to hear
    }
    this.#view.toast(`${errorText(code, frame.message)} (${code})`);
    if (frame.id !== undefined && frame.id !== null) {
      // Ids are unique per sender, so without a room any room holding the id is the one.
      const rooms = room ? [room] : [...this.#rooms.values()];
      const failed = rooms.map(r => r.fail(frame.id, frame.message || code)).find(Boolean);
      if (failed) {
        this.#renderIfCurrent(this.#rooms.get(failed.room));
      }
      return;
    }
    if (!room || room.joined) {
      return;
    }
    // A join that failed: drop the room when it can never work, try again when it might.
    if (code === 'bad_room' || code === 'too_many_rooms' || code === 'forbidden') {
      this.#forget(room);
    } else if (code === 'unavailable') {
      setTimeout(() => {
        if (this.#connected && this.#rooms.get(room.name) === room && !room.joined) {
          this.#sendJoin(room);
        }
      }, RejoinAfterUnavailableMs);
    }
  }

  #onDrop({ retryInMs }) {
    const welcomed = this.#connected;
    this.#disconnected();
    if (this.#identity.token) {
      // A refused upgrade (401) reaches a browser as a plain drop: check the token before retrying.
      const problem = tokenProblem(this.#identity.token);
      if (problem !== null) {
        this.#giveUp(problem);
        return;
      }
      if (!welcomed) {
        this.#probeToken();
      }
    }
    const seconds = Math.max(1, Math.round(retryInMs / 1000));
    this.#view.setStatus('reconnecting', `Connection lost; trying again in about ${seconds} s.`);
  }

  #giveUp(problem) {
    this.#connection.stop();
    this.#view.setStatus('disconnected', 'Not signed in.');
    this.#authFailed(problem);
  }

  // Asks an endpoint that checks the token the same way: 401 means it will never connect.
  async #probeToken() {
    try {
      const response = await fetch(`/api/rooms/${encodeURIComponent(this.#rooms.keys().next().value ?? 'lobby')}/members`,
        { headers: { Authorization: `Bearer ${this.#identity.token}` }, cache: 'no-store' });
      if (response.status === 401 && !this.#connected) {
        this.#giveUp('refused');
      }
    } catch {
      // The gateway is unreachable: keep retrying the socket.
    }
  }

  #onFatal({ reason }) {
    if (this.#identity.token) {
      this.#disconnected();
      this.#view.setStatus('disconnected', reason ? `Disconnected: ${reason}` : 'Disconnected.');
      this.#authFailed(reason === 'token expired' ? 'expired' : 'refused');
      return;
    }
    this.#disconnected();
    this.#view.setStatus('disconnected', reason ? `Disconnected: ${reason}` : 'Disconnected: not allowed to connect.');
  }

  #disconnected() {
    this.#connected = false;
    for (const room of this.#rooms.values()) {
      room.disconnected();
    }
    if (this.#current) {
      this.#view.renderMessages(this.#current);
    }
    this.#renderTyping();
    this.#renderRooms();
  }

  #renderIfCurrent(room) {
    if (room && room === this.#current) {
      this.#view.renderMessages(room);
    }
  }

  #renderRooms() {
    this.#view.renderRooms(this.#rooms.values(), this.#current);
  }

  // Shows who is typing now, and comes back when the next hint expires.
  #renderTyping() {
    clearTimeout(this.#typingTimer);
    this.#typingTimer = null;
    const room = this.#current;
    if (!room) {
      this.#view.renderTyping([]);
      return;
    }
    const now = Date.now();
    const { names, nextChange } = room.typers(now);
    this.#view.renderTyping(names);
    if (nextChange !== Infinity) {
      this.#typingTimer = setTimeout(() => this.#renderTyping(), nextChange - now + 50);
    }
  }
}
