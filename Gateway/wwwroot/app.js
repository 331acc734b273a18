// Entry point: asks the gateway how clients sign in (`/api/config`), then wires the view to a
// chat client. With names, `?name=alice&room=lobby` connects at once and without a name the
// page asks for one. With tokens, the token comes from the URL fragment
// (`#token=<jwt>&room=lobby`, see js/token.js) and, when there is none or it has expired,
// the page says so instead of asking for a name.

import { ChatClient } from './js/chat.js';
import { isValidRoom, normalizeName } from './js/rules.js';
import { AuthErrorTexts, forgetToken, takeToken, tokenProblem } from './js/token.js';
import { View } from './js/view.js';

const DefaultRoom = 'lobby';
const NameRules = 'Names are 1–32 characters: letters, digits, spaces, _ - and .';

const params = new URLSearchParams(location.search);
const fragment = new URLSearchParams(location.hash.slice(1));
const requestedRoom = (fragment.get('room') ?? params.get('room'))?.trim() ?? '';
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
  loadOlder: () => client?.loadOlder(),
});

function connect(identity) {
  view.showChat();
  client = new ChatClient(view, identity, {
    authFailed: problem => {
      forgetToken();
      view.showAuthError(AuthErrorTexts[problem] ?? AuthErrorTexts.refused);
    },
  });
  if (requestedRoom !== '' && !isValidRoom(requestedRoom)) {
    view.toast(`"${requestedRoom}" is not a valid room name; joined ${DefaultRoom} instead.`);
  }
  // Queued now, sent as soon as the gateway says welcome.
  client.join(isValidRoom(requestedRoom) ? requestedRoom : DefaultRoom);
  client.start();
}

// A gateway that cannot say is taken to use names; a token in the fragment says otherwise.
async function signInMode() {
  try {
    const response = await fetch('/api/config', { cache: 'no-store' });
    if (response.ok) {
      const config = await response.json();
      return config?.auth === 'token' ? 'token' : 'name';
    }
  } catch {
    // Fall through.
  }
  return fragment.has('token') ? 'token' : 'name';
}

if (await signInMode() === 'token') {
  const token = takeToken();
  const problem = tokenProblem(token);
  if (problem === null) {
    connect({ token });
  } else {
    if (problem !== 'missing') {
      forgetToken();
    }
    view.setStatus('disconnected', '');
    view.showAuthError(AuthErrorTexts[problem]);
  }
} else {
  const name = params.get('name');
  if (name !== null && normalizeName(name) !== null) {
    connect({ name: normalizeName(name) });
  } else {
    view.setStatus('disconnected', '');
    view.showLogin(name ?? '', name === null ? '' : NameRules);
  }
}
