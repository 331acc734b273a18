// The socket and nothing else: open it, keep it alive, notice when it is dead, and open
// a new one with backoff. What the frames mean is chat.js's business.

import { encodeClientFrame, parseServerFrame, pingFrame } from './frames.js';

const BackoffBaseMs = 250;
const BackoffCapMs = 10_000;
const PingEveryMs = 20_000;
const SilenceLimitMs = 45_000;
const ConnectTimeoutMs = 15_000;
// A connection that lived this long counts as a success, so the next drop starts the
// backoff from the bottom again; shorter ones keep climbing, which stops a server that
// accepts and then immediately closes from being hammered.
const StableAfterMs = 5_000;
const TickMs = 1_000;

/** Close code the gateway uses for auth/policy failures; retrying cannot help. */
export const PolicyViolation = 1008;

/** Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^attempt)). */
export function backoffDelay(attempt, random = Math.random) {
  return Math.floor(random() * Math.min(BackoffCapMs, BackoffBaseMs * 2 ** attempt));
}

/**
 * One logical connection to the gateway that survives socket drops.
 * Handlers: onFrame(frame), onDrop({ code, reason, retryInMs }), onFatal({ code, reason }).
 */
export class Connection {
  #url;
  #handlers;
  #ws = null;
  #attempt = 0;
  #retryTimer = null;
  #tickTimer = null;
  #startedAt = 0;
  #openedAt = 0;
  #lastFrameAt = 0;
  #lastPingAt = 0;
  #stopped = true;

  /** @param url a function, so a retry picks up whatever the URL should be now */
  constructor(url, handlers) {
    this.#url = url;
    this.#handlers = handlers;
    // Coming back online is a better moment to retry than whatever the backoff picked.
    window.addEventListener('online', () => {
      if (this.#retryTimer !== null) {
        this.#open();
      }
    });
  }

  get isOpen() {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  start() {
    this.#stopped = false;
    this.#open();
  }

  /** Gives up for good: no more retries (the sign-in cannot work). */
  stop() {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  /** Sends a frame; false when there is no open socket to send it on. */
  send(frame) {
    if (!this.isOpen) {
      return false;
    }
    this.#ws.send(encodeClientFrame(frame));
    return true;
  }

  #open() {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    let ws;
    try {
      ws = new WebSocket(this.#url());
    } catch {
      this.#retry(1006, '');
      return;
    }
    this.#ws = ws;
    this.#startedAt = Date.now();
    this.#openedAt = 0;
    this.#lastFrameAt = this.#startedAt;
    this.#lastPingAt = 0;

    // Every handler checks it still belongs to the current socket: an abandoned socket
    // may still deliver events long after we gave up on it.
    ws.onopen = () => {
      if (ws === this.#ws) {
        this.#openedAt = Date.now();
        this.#lastPingAt = this.#openedAt;
      }
    };
    ws.onmessage = event => {
      if (ws !== this.#ws) {
        return;
      }
      this.#lastFrameAt = Date.now();
      const frame = parseServerFrame(event.data);
      if (frame !== null) {
        this.#handlers.onFrame(frame);
      }
    };
    ws.onclose = event => this.#lost(ws, event.code, event.reason);
    ws.onerror = () => { }; // a close event always follows; that is where we act

    clearInterval(this.#tickTimer);
    this.#tickTimer = setInterval(() => this.#tick(), TickMs);
  }

  // Browsers cannot send WebSocket pings, so liveness is judged from application frames.
  #tick() {
    const ws = this.#ws;
    if (ws === null) {
      return;
    }
    const now = Date.now();
    if (ws.readyState === WebSocket.CONNECTING) {
      if (now - this.#startedAt > ConnectTimeoutMs) {
        this.#abandon(ws, 'connect timed out');
      }
      return;
    }
    if (ws.readyState !== WebSocket.OPEN) {
      return;
    }
    // Dead only if we asked (a ping went out after the last frame) and nothing answered.
    // Requiring the unanswered ping avoids a false alarm when a background tab's timers
    // were throttled and no ping went out for a long while.
    const silent = now - this.#lastFrameAt > SilenceLimitMs;
    if (silent && this.#lastPingAt > this.#lastFrameAt && now - this.#lastPingAt > TickMs) {
      this.#abandon(ws, 'no response from server');
      return;
    }
    if (now - this.#lastPingAt >= PingEveryMs) {
      this.#lastPingAt = now;
      ws.send(encodeClientFrame(pingFrame()));
    }
  }

  // A half-open socket can take minutes to report its close, so stop listening to it
  // and move on at once.
  #abandon(ws, reason) {
    this.#lost(ws, 4000, reason);
    try {
      ws.close(4000, reason);
    } catch {
      // Already closing; nothing more to do.
    }
  }

  #lost(ws, code, reason) {
    if (ws !== this.#ws) {
      return;
    }
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    this.#ws = null;
    clearInterval(this.#tickTimer);
    this.#tickTimer = null;
    if (this.#openedAt !== 0 && Date.now() - this.#openedAt >= StableAfterMs) {
      this.#attempt = 0;
    }
    if (code === PolicyViolation) {
      this.#stopped = true;
      this.#handlers.onFatal({ code, reason });
      return;
    }
    this.#retry(code, reason);
  }

  #retry(code, reason) {
    if (this.#stopped) {
      return;
    }
    const retryInMs = backoffDelay(this.#attempt);
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => this.#open(), retryInMs);
    this.#handlers.onDrop({ code, reason, retryInMs });
  }
}
