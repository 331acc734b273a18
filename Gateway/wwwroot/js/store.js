// What the page knows about each joined room, kept apart from the DOM so the ordering and
// de-duplication rules can be read (and tested) on their own.

/** Oldest messages beyond this many per room are forgotten, to bound memory. */
export const MaxKeptPerRoom = 2000;

let nextKey = 0;

/**
 * One line of a room: a stored message (seq set) or an own message still on its way.
 * `rev` goes up on every change so the view knows when to repaint the line.
 * `state` is set only on own messages sent from this page: pending | sent | failed.
 */
function makeEntry(fields) {
  nextKey += 1;
  return {
    key: nextKey, rev: 0, room: '', seq: null, id: null, user: '', text: '', ts: null,
    own: false, state: null, error: null, inFlight: false, autoRetry: false,
    ...fields,
  };
}

/** Client-side state of one room. */
export class Room {
  #bySeq = new Map();
  #ownById = new Map();    // own entries by client id, confirmed or not
  #forgottenUpTo = 0;      // seqs at or below this were trimmed; never re-add them

  constructor(name) {
    this.name = name;
    /** Epoch from the last `joined`; null until the room was joined once. */
    this.epoch = null;
    /** Highest seq received in a `message` or history; the `since` of a re-join. */
    this.lastSeq = 0;
    /** Joined on the current socket (a `joined` arrived since it opened). */
    this.joined = false;
    /** The last join asked for `since`, so `recovered` in the reply means something. */
    this.rejoining = false;
    this.unread = 0;
    /** Shown at the top of the room, e.g. after history could not be recovered. */
    this.notice = null;
    this.members = new Set();
    /** user -> time (ms) after which the typing hint goes away */
    this.typing = new Map();
    /** When this page last sent `typing` for the room (ms); 0 lets the next one go at once. */
    this.typingSentAt = 0;
    /** Lowest seq the gateway still keeps for the room (0: none), from `joined` or a page of history; null until known. */
    this.oldest = null;
    /** A page of older messages is on its way. */
    this.loadingOlder = false;
    this.confirmed = [];       // entries with a seq, ascending
    this.outbox = [];          // own entries without a seq yet, in the order written
  }

  /** Someone else is typing; the hint lasts until `until` (ms) unless renewed. */
  setTyping(user, until) {
    this.typing.set(user, until);
  }

  /** Who is typing at `now`, forgetting expired hints; `nextChange` is when that changes. */
  typers(now) {
    let nextChange = Infinity;
    for (const [user, until] of this.typing) {
      if (until <= now) {
        this.typing.delete(user);
      } else {
        nextChange = Math.min(nextChange, until);
      }
    }
    return { names: [...this.typing.keys()], nextChange };
  }

  /** Lines in display order: stored messages by seq, then own ones not yet stored. */
  entries() {
    return this.outbox.length === 0 ? this.confirmed : this.confirmed.concat(this.outbox);
  }

  /**
   * Takes a stored message (live or from history). Returns the entry and whether it is
   * a line the reader has not seen before. An own message replaces its pending line;
   * a seq already known is ignored, which is what makes re-joins safe to overlap.
   */
  receive(message, me) {
    const { seq } = message;
    if (!Number.isInteger(seq) || seq <= this.#forgottenUpTo) {
      return { entry: null, fresh: false };
    }
    this.lastSeq = Math.max(this.lastSeq, seq);
    const known = this.#bySeq.get(seq);
    if (known) {
      // Reached via ack first; the message frame brings the server's timestamp.
      if (known.ts !== message.ts) {
        known.ts = message.ts;
        known.rev += 1;
      }
      return { entry: known, fresh: false };
    }
    const mine = message.user === me ? this.#ownById.get(message.id) : undefined;
    if (mine && mine.seq === null) {
      mine.ts = message.ts;
      this.#confirm(mine, seq);
      return { entry: mine, fresh: false };
    }
    const entry = makeEntry({
      room: this.name, seq, id: message.id ?? null, user: String(message.user ?? ''),
      text: String(message.text ?? ''), ts: message.ts ?? null, own: message.user === me,
    });
    this.#insert(entry);
    return { entry, fresh: true };
  }

  /** Seq of the oldest message shown, or null when none is. */
  firstSeq() {
    return this.confirmed.length === 0 ? null : this.confirmed[0].seq;
  }

  /**
   * Whether the gateway keeps messages older than the oldest shown. Once the page trimmed a
   * room (over MaxKeptPerRoom), older pages would be trimmed again at once, so it stops there.
   */
  hasOlder() {
    const first = this.firstSeq();
    if (first === null || this.#forgottenUpTo > 0) {
      return false;
    }
    return first > Math.max(1, this.oldest ?? 1);
  }

  /** A page of older history (`before=`): each message not already shown, and the gateway's `oldest`. */
  receiveOlder(messages, oldest, me) {
    for (const message of messages) {
      this.receive(message, me);
    }
    if (Number.isInteger(oldest)) {
      this.oldest = oldest;
    }
    // An empty page means nothing older is kept, whatever `oldest` said before.
    if (messages.length === 0 && this.firstSeq() !== null) {
      this.oldest = this.firstSeq();
    }
  }

  /** The gateway stored an own message under `seq`. Returns the entry, if any changed. */
  ack(id, seq) {
    const entry = this.#ownById.get(id);
    if (!entry || entry.seq !== null || !Number.isInteger(seq) || this.#bySeq.has(seq)) {
      return null;
    }
    // lastSeq stays put: messages before this one may still be on their way, and a
    // re-join must not skip them.
    this.#confirm(entry, seq);
    return entry;
  }

  /** A line for a message the user just wrote, shown at once as pending. */
  addOwn(id, text, me) {
    const entry = makeEntry({ room: this.name, id, user: me, text, own: true, state: 'pending' });
    this.outbox.push(entry);
    this.#ownById.set(id, entry);
    return entry;
  }

  findOwn(id) {
    return this.#ownById.get(id) ?? null;
  }

  /** Marks a pending own message failed; an already stored one stays stored. */
  fail(id, error) {
    const entry = this.#ownById.get(id);
    if (!entry || entry.state !== 'pending') {
      return null;
    }
    Object.assign(entry, { state: 'failed', error, inFlight: false, autoRetry: false });
    entry.rev += 1;
    return entry;
  }

  /** Drops an own message that was never stored (the user gave up on it). */
  discard(entry) {
    const index = this.outbox.indexOf(entry);
    if (index >= 0) {
      this.outbox.splice(index, 1);
      this.#ownById.delete(entry.id);
    }
  }

  /**
   * The socket went away. Whatever was in flight is shown failed, and is sent again by
   * itself after the re-join (same id, so the gateway stores it at most once). A pending
   * message that never went out (retried while disconnected, or written while the join
   * was on its way) was not lost, so it stays pending through failed reconnect attempts.
   */
  disconnected() {
    this.joined = false;
    this.typing.clear();
    for (const entry of this.outbox) {
      if (entry.state === 'pending' && entry.inFlight) {
        Object.assign(entry, { state: 'failed', error: 'Connection lost', inFlight: false, autoRetry: true });
        entry.rev += 1;
      }
    }
  }

  /** Own messages to send now that the room is joined on this socket. */
  toSend() {
    return this.outbox.filter(e => (e.state === 'pending' && !e.inFlight) || (e.state === 'failed' && e.autoRetry));
  }

  /** The gap since the last visit was too wide: start over from the history window. */
  restart(notice) {
    for (const entry of this.confirmed) {
      if (entry.id !== null && this.#ownById.get(entry.id) === entry) {
        this.#ownById.delete(entry.id);
      }
    }
    this.confirmed = [];
    this.#bySeq.clear();
    this.lastSeq = 0;
    this.#forgottenUpTo = 0;
    this.notice = notice;
  }

  #confirm(entry, seq) {
    const index = this.outbox.indexOf(entry);
    if (index >= 0) {
      this.outbox.splice(index, 1);
    }
    Object.assign(entry, { seq, state: 'sent', error: null, inFlight: false, autoRetry: false });
    entry.rev += 1;
    this.#insert(entry);
  }

  // Live messages almost always belong at the end; the search only matters when history
  // and live frames interleave around a re-join.
  #insert(entry) {
    const list = this.confirmed;
    let low = 0;
    let high = list.length;
    if (high === 0 || list[high - 1].seq < entry.seq) {
      low = high;
    } else {
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (list[mid].seq < entry.seq) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
    }
    list.splice(low, 0, entry);
    this.#bySeq.set(entry.seq, entry);
    if (list.length > MaxKeptPerRoom) {
      for (const old of list.splice(0, list.length - MaxKeptPerRoom)) {
        this.#bySeq.delete(old.seq);
        if (old.id !== null && this.#ownById.get(old.id) === old) {
          this.#ownById.delete(old.id);
        }
        this.#forgottenUpTo = Math.max(this.#forgottenUpTo, old.seq);
      }
    }
  }
}
