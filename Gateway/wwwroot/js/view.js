// Everything that touches the DOM. Chat text only ever reaches the page via textContent,
// so a message like "<b>hi</b>" shows those characters rather than bold text.

import { element, reconcile } from './dom.js';
import { buildMessage, paintMessage } from './message-line.js';
import { RoomList } from './room-list.js';

const BottomSlackPx = 48;
const TopSlackPx = 8;
const ToastMs = 6_000;
const MaxToasts = 4;

/**
 * Renders rooms, messages, members and status, and turns user input into calls on
 * `handlers`: login(name) -> error text or null, join(room) -> bool, select(room),
 * leave(room), send(text) -> bool (true clears the box), typed(), retry(entry), discard(entry).
 */
export class View {
  #els;
  #handlers;
  #me = null;
  #shownRoom = null;
  #stuck = true;               // the reader is at the newest message, so keep them there
  #scrollMemory = new Map();   // room name -> scrollTop, or absent when it was at the bottom
  #lines = new WeakMap();      // entry -> { el, rev }: one element per entry for its whole life
  #entryOf = new WeakMap();    // element -> entry, for the Retry/Discard buttons
  #notices = new WeakMap();    // room -> notice element
  #roomList;
  #toastTimers = new WeakMap(); // toast element -> its removal timer

  constructor(doc, handlers) {
    this.#handlers = handlers;
    const byId = id => doc.getElementById(id);
    this.#els = {
      login: byId('login'), loginForm: byId('login-form'), nameInput: byId('name-input'),
      loginError: byId('login-error'), chat: byId('chat'), whoami: byId('whoami'),
      connection: byId('connection'), status: byId('status'), statusDetail: byId('status-detail'),
      roomList: byId('room-list'), joinForm: byId('join-form'), roomInput: byId('room-input'),
      roomTitle: byId('room-title'), messages: byId('messages'), jump: byId('jump'),
      typing: byId('typing'), composer: byId('composer'), messageLabel: byId('message-label'),
      messageInput: byId('message-input'), members: byId('members'),
      memberCount: byId('member-count'), toasts: byId('toasts'),
      auth: byId('auth'), authError: byId('auth-error'), loadOlder: byId('load-older'),
    };
    this.#roomList = new RoomList(this.#els.roomList);
    this.#wire();
  }

  #wire() {
    const els = this.#els;
    els.loginForm.addEventListener('submit', event => {
      event.preventDefault();
      const error = this.#handlers.login(els.nameInput.value);
      els.loginError.textContent = error ?? '';
      if (error) {
        els.nameInput.focus();
      }
    });
    els.joinForm.addEventListener('submit', event => {
      event.preventDefault();
      if (this.#handlers.join(els.roomInput.value.trim())) {
        els.roomInput.value = '';
      }
    });
    els.roomList.addEventListener('click', event => {
      const button = event.target.closest('button[data-room]');
      if (button) {
        const room = button.dataset.room;
        if (button.dataset.action === 'leave') {
          this.#handlers.leave(room);
        } else {
          this.#handlers.select(room);
        }
      }
    });
    els.composer.addEventListener('submit', event => {
      event.preventDefault();
      this.#submitMessage();
    });
    els.messageInput.addEventListener('keydown', event => {
      // Enter sends, Shift+Enter is a new line; leave Enter alone while an IME is composing.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        this.#submitMessage();
      }
    });
    els.messageInput.addEventListener('input', () => {
      if (els.messageInput.value.trim() !== '') {
        this.#handlers.typed();
      }
    });
    els.messages.addEventListener('click', event => {
      const button = event.target.closest('button[data-action]');
      const entry = button && this.#entryOf.get(button.closest('[data-testid=message]'));
      if (entry) {
        this.#handlers[button.dataset.action === 'retry' ? 'retry' : 'discard'](entry);
      }
    });
    els.loadOlder.addEventListener('click', () => this.#handlers.loadOlder());
    els.messages.addEventListener('scroll', () => {
      // Scrolling to the top asks for the page before it.
      if (els.messages.scrollTop <= TopSlackPx && els.messages.scrollHeight > els.messages.clientHeight) {
        this.#handlers.loadOlder();
      }
      this.#stuck = this.#atBottom();
      if (this.#stuck) {
        els.jump.hidden = true;
      }
    });
    // A phone's on-screen keyboard or a rotated screen shrinks the list; someone who was
    // reading the newest message should still see it afterwards.
    new ResizeObserver(() => {
      if (this.#stuck) {
        this.#scrollToBottom();
      }
    }).observe(els.messages);
    els.jump.addEventListener('click', () => {
      this.#scrollToBottom();
      els.messageInput.focus();
    });
  }

  #submitMessage() {
    const input = this.#els.messageInput;
    if (this.#handlers.send(input.value)) {
      input.value = '';
    }
    input.focus();
  }

  showLogin(name, error) {
    this.#els.chat.hidden = true;
    this.#els.login.hidden = false;
    this.#els.nameInput.value = name ?? '';
    this.#els.loginError.textContent = error ?? '';
    this.#els.nameInput.focus();
  }

  /** Says why the page cannot sign in (no token, an expired or refused one) in place of the chat. */
  showAuthError(text) {
    this.#els.login.hidden = true;
    this.#els.chat.hidden = true;
    this.#els.auth.hidden = false;
    this.#els.authError.textContent = text;
  }

  showChat() {
    this.#els.auth.hidden = true;
    this.#els.login.hidden = true;
    this.#els.chat.hidden = false;
    this.#els.messageInput.focus();
  }

  setIdentity(me) {
    this.#me = me;
    this.#els.whoami.textContent = me ? `Signed in as ${me}` : '';
  }

  /** `status` is exactly connected | reconnecting | disconnected; tests read it verbatim. */
  setStatus(status, detail) {
    this.#els.status.textContent = status;
    this.#els.connection.dataset.state = status;
    this.#els.statusDetail.textContent = detail ?? '';
  }

  toast(text) {
    const toasts = this.#els.toasts;
    // The same complaint twice in a row (say, rate_limited) stays one toast, shown longer.
    let toast = toasts.lastElementChild;
    if (toast?.textContent !== text) {
      toast = element('div', 'toast');
      toast.textContent = text;
      toasts.append(toast);
    }
    while (toasts.childElementCount > MaxToasts) {
      toasts.firstElementChild.remove();
    }
    clearTimeout(this.#toastTimers.get(toast));
    this.#toastTimers.set(toast, setTimeout(() => toast.remove(), ToastMs));
  }

  renderRooms(rooms, current) {
    const totalUnread = this.#roomList.render(rooms, current);
    document.title = totalUnread > 0 ? `(${totalUnread}) OrleansChat` : 'OrleansChat';
  }

  /** Forgets what was remembered about a room the user left. */
  forgetRoom(name) {
    this.#scrollMemory.delete(name);
  }

  /** Makes `room` (or nothing) the one on screen, remembering where the last one was scrolled. */
  showRoom(room) {
    const els = this.#els;
    if (this.#shownRoom) {
      if (this.#atBottom()) {
        this.#scrollMemory.delete(this.#shownRoom.name);
      } else {
        this.#scrollMemory.set(this.#shownRoom.name, els.messages.scrollTop);
      }
    }
    this.#shownRoom = room;
    els.roomTitle.textContent = room ? `#${room.name}` : 'No room joined';
    els.messageLabel.textContent = room ? `Message #${room.name}` : 'Message';
    els.messageInput.placeholder = room ? `Message #${room.name} (Enter to send, Shift+Enter for a new line)` : 'Join a room first';
    els.jump.hidden = true;
    if (!room) {
      els.loadOlder.hidden = true;
      els.messages.replaceChildren();
      els.members.replaceChildren();
      els.memberCount.textContent = '';
      els.typing.textContent = '';
      return;
    }
    this.renderMessages(room, { toBottom: true });
    const saved = this.#scrollMemory.get(room.name);
    if (saved !== undefined) {
      els.messages.scrollTop = saved;
      this.#stuck = false;
    }
    this.renderMembers(room);
  }

  /**
   * Brings the message list in line with the room, reusing each entry's element so a
   * pending line turns into the confirmed one in place. Follows the newest message
   * unless the reader has scrolled up.
   */
  renderMessages(room, { toBottom = false, keepTop = false } = {}) {
    const list = this.#els.messages;
    const follow = toBottom || (!keepTop && this.#atBottom());
    // Older lines go in above: keep what the reader was looking at where it was.
    const fromBottom = list.scrollHeight - list.scrollTop;
    const lastBefore = list.lastElementChild;
    const desired = [];
    if (room.notice) {
      desired.push(this.#noticeFor(room));
    }
    for (const entry of room.entries()) {
      desired.push(this.#lineFor(entry));
    }
    reconcile(list, desired);
    this.renderOlder(room);
    if (keepTop && !follow) {
      list.scrollTop = list.scrollHeight - fromBottom;
    } else if (follow) {
      this.#scrollToBottom();
    } else if (list.lastElementChild !== lastBefore) {
      this.#els.jump.hidden = false;
    }
  }

  /** The load-older button: shown while the gateway keeps older messages, busy while a page loads. */
  renderOlder(room) {
    const button = this.#els.loadOlder;
    if (room !== this.#shownRoom) {
      return;
    }
    button.hidden = !room || (!room.loadingOlder && !room.hasOlder());
    button.disabled = room?.loadingOlder ?? false;
    button.setAttribute('aria-busy', String(room?.loadingOlder ?? false));
    button.textContent = room?.loadingOlder ? 'Loading older messages…' : 'Load older messages';
    this.#els.messages.setAttribute('aria-busy', String(room?.loadingOlder ?? false));
  }

  renderMembers(room) {
    const names = [...room.members].sort((a, b) => a.localeCompare(b));
    this.#els.members.replaceChildren(...names.map(name => {
      const li = element('li', name === this.#me ? 'member me' : 'member');
      li.dataset.testid = 'member';
      li.textContent = name;
      return li;
    }));
    this.#els.memberCount.textContent = `(${names.length})`;
  }

  renderTyping(names) {
    let text = '';
    if (names.length === 1) {
      text = `${names[0]} is typing…`;
    } else if (names.length === 2) {
      text = `${names[0]} and ${names[1]} are typing…`;
    } else if (names.length > 2) {
      text = `${names.length} people are typing…`;
    }
    this.#els.typing.textContent = text;
  }

  #lineFor(entry) {
    let line = this.#lines.get(entry);
    if (!line) {
      line = { el: buildMessage(), rev: -1 };
      this.#lines.set(entry, line);
      this.#entryOf.set(line.el, entry);
    }
    if (line.rev !== entry.rev) {
      paintMessage(line.el, entry);
      line.rev = entry.rev;
    }
    return line.el;
  }

  #noticeFor(room) {
    let li = this.#notices.get(room);
    if (!li) {
      li = element('li', 'notice');
      this.#notices.set(room, li);
    }
    li.textContent = room.notice;
    return li;
  }

  #atBottom() {
    const list = this.#els.messages;
    return list.scrollHeight - list.scrollTop - list.clientHeight <= BottomSlackPx;
  }

  #scrollToBottom() {
    this.#stuck = true;
    this.#els.messages.scrollTop = this.#els.messages.scrollHeight;
    this.#els.jump.hidden = true;
  }
}
