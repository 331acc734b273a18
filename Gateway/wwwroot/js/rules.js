// Limits and naming rules from the wire contract (shared/protocol.md). The gateway is the
// authority; checking here only spares the user a round trip, and in one case more: a bad
// name is refused with HTTP 400 before the upgrade, which a browser reports as a plain
// drop, so without this check the page would retry a name that can never work.

/** Longest message text the gateway accepts by default, in characters as `textLength` counts them. */
export const MaxTextLength = 4000;

/** Largest frame the gateway accepts by default; bigger ones close the socket with 1009. */
export const MaxFrameBytes = 16 * 1024;

// What each error code of the contract means to the person at the keyboard.
const ErrorTexts = {
  rate_limited: 'You are sending too fast; wait a moment.',
  too_long: `That message is too long (at most ${MaxTextLength} characters).`,
  not_joined: 'You are not in that room (yet).',
  too_many_rooms: 'You are in too many rooms; leave one first.',
  bad_room: 'That room name is not valid.',
  unavailable: 'The service is busy; try again in a moment.',
  forbidden: 'Your sign-in does not allow that room.',
  bad_token: 'The new sign-in token was not accepted.',
};

/** A readable sentence for an `error` frame's code, else the server's own message. */
export function errorText(code, serverMessage) {
  return ErrorTexts[code] ?? serverMessage ?? 'Something went wrong.';
}

const NamePattern = /^[\p{L}\p{Nd} _.-]{1,32}$/u;
const RoomPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const encoder = new TextEncoder();

/** The display name as the gateway will see it, or null when it would be refused. */
export function normalizeName(raw) {
  const name = (raw ?? '').trim();
  return NamePattern.test(name) ? name : null;
}

export function isValidRoom(room) {
  return typeof room === 'string' && RoomPattern.test(room);
}

/**
 * Length of a message text as the gateway counts it: Unicode code points, so an emoji is one
 * character although `text.length` (UTF-16 code units) says two.
 */
export function textLength(text) {
  return [...text].length;
}

/** Size of a frame on the wire, so an oversized one is refused here instead of costing the socket. */
export function frameBytes(frame) {
  return encoder.encode(JSON.stringify(frame)).length;
}

// Message ids must be unique per sender, and the same name may be open in several tabs, so
// each page load gets a random prefix and counts from there. randomUUID exists only in
// secure contexts; plain http on a LAN address falls back to getRandomValues.
const sessionPrefix = typeof crypto.randomUUID === 'function'
  ? crypto.randomUUID()
  : Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
let counter = 0;

/** A fresh client-side message id (well under the 64-character limit). */
export function newMessageId() {
  counter += 1;
  return `${sessionPrefix}-${counter.toString(36)}`;
}
