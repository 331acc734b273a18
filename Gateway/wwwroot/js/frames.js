// The wire frames as the page reads and writes them (shared/protocol.md), and nothing else:
// no DOM and no socket, so tests/contract/ runs the same frame examples through this module
// and through the C# protocol library (Protocol/).

/** A server frame: a JSON object with a string `type`, else null (ignored, like a frame from a newer server). */
export function parseServerFrame(data) {
  if (typeof data !== 'string') {
    return null;
  }
  try {
    const frame = JSON.parse(data);
    return frame !== null && typeof frame === 'object' && typeof frame.type === 'string' ? frame : null;
  } catch {
    return null;
  }
}

/** The text of a client frame on the wire. */
export function encodeClientFrame(frame) {
  return JSON.stringify(frame);
}

/** Join `room`; a re-join passes the last seq seen and the epoch it was seen in. */
export function joinFrame(room, since = null, epoch = null) {
  const frame = { type: 'join', room };
  if (since !== null) {
    frame.since = since;
  }
  if (epoch !== null) {
    frame.epoch = epoch;
  }
  return frame;
}

export function leaveFrame(room) {
  return { type: 'leave', room };
}

export function sendFrame(room, id, text) {
  return { type: 'send', room, id, text };
}

export function typingFrame(room) {
  return { type: 'typing', room };
}

export function pingFrame() {
  return { type: 'ping' };
}
