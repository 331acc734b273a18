// One message line: built once per entry, then repainted in place as the entry changes
// (pending -> sent keeps the same element, so nothing is ever shown twice).

import { element } from './dom.js';

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

/** The skeleton of a line: meta (user, time, state), text, actions. */
export function buildMessage() {
  const li = element('li', 'message');
  li.dataset.testid = 'message';
  const meta = element('div', 'meta');
  const user = element('span', 'user');
  user.dataset.testid = 'message-user';
  meta.append(user, element('time', 'time'), element('span', 'state'));
  const text = element('div', 'text');
  text.dataset.testid = 'message-text';
  li.append(meta, text, element('div', 'actions'));
  return li;
}

/** Brings a line up to date with its entry; chat text only ever goes in via textContent. */
export function paintMessage(li, entry) {
  const [user, time, state] = li.firstElementChild.children;
  const [, text, actions] = li.children;
  user.textContent = entry.user;
  text.textContent = entry.text;
  li.classList.toggle('own', entry.own);
  setData(li, 'seq', entry.seq);
  setData(li, 'state', entry.state);
  setData(li, 'id', entry.id);

  const date = entry.ts ? new Date(entry.ts) : null;
  if (date && !Number.isNaN(date.getTime())) {
    time.dateTime = date.toISOString();
    time.textContent = (isToday(date) ? timeOnly : dateAndTime).format(date);
    time.title = fullDate.format(date);
  } else {
    time.removeAttribute('datetime');
    time.textContent = '';
    time.removeAttribute('title');
  }

  if (entry.state === 'pending') {
    state.textContent = 'sending…';
  } else if (entry.state === 'failed') {
    state.textContent = `not sent: ${entry.error ?? 'failed'}`;
  } else {
    state.textContent = '';
  }

  if (entry.state === 'failed') {
    actions.replaceChildren(actionButton('retry', 'Retry'), actionButton('discard', 'Discard'));
  } else if (actions.firstChild) {
    actions.replaceChildren();
  }
}

function actionButton(action, label) {
  const button = element('button', `action ${action}`);
  button.type = 'button';
  button.dataset.action = action;
  button.textContent = label;
  return button;
}

function setData(el, key, value) {
  if (value === null || value === undefined) {
    delete el.dataset[key];
  } else {
    el.dataset[key] = String(value);
  }
}

function isToday(date) {
  return date.toDateString() === new Date().toDateString();
}
