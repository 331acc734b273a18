// Entry point: reads who and where from the page URL, then wires the view to a chat
// client. `?name=alice&room=lobby` connects at once; `?token=<jwt>` connects with the
// token instead of a name; without either the page asks for a name first.

import { ChatClient } from './js/chat.js';
import { isValidRoom, normalizeName } from './js/rules.js';
import { View } from './js/view.js';

const DefaultRoom = 'lobby';
const NameRules = 'Names are 1–32 characters: letters, digits, spaces, _ - and .';

const params = new URLSearchParams(location.search);
const requestedRoom = params.get('room')?.trim() ?? '';
let client = null;

const view = new View(document, {
  login: name => {
    const normalized = normalizeName(name);
    if (normalized === null) {
      return NameRules;
    }
    connect({ name: normalized });
    return null;
  },
  join: room => client?.join(room) ?? false,
  select: room => client?.select(room),
  leave: room => client?.leave(room),
  send: text => client?.send(text) ?? false,
  typed: () => client?.typed(),
  retry: entry => client?.retry(entry),
  discard: entry => client?.discard(entry),
});

function connect(identity) {
  view.showChat();
  client = new ChatClient(view, identity);
  if (requestedRoom !== '' && !isValidRoom(requestedRoom)) {
    view.toast(`"${requestedRoom}" is not a valid room name; joined ${DefaultRoom} instead.`);
  }
  // Queued now, sent as soon as the gateway says welcome.
  client.join(isValidRoom(requestedRoom) ? requestedRoom : DefaultRoom);
  client.start();
}

const token = params.get('token');
const name = params.get('name');
if (token) {
  connect({ token });
} else if (name !== null && normalizeName(name) !== null) {
  connect({ name: normalizeName(name) });
} else {
  view.setStatus('disconnected', '');
  view.showLogin(name ?? '', name === null ? '' : NameRules);
}
