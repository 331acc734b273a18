// The side list of joined rooms: one button per room (the test hook
// [data-testid=room][data-room=NAME]) with its unread count, plus a leave button.

import { element, reconcile } from './dom.js';

/** Keeps one list item per room across renders, so keyboard focus survives updates. */
export class RoomList {
  #list;
  #items = new Map(); // room name -> { li, button, badge }

  constructor(list) {
    this.#list = list;
  }

  /** Renders the rooms in order; returns the unread total over rooms other than `current`. */
  render(rooms, current) {
    const desired = [];
    const seen = new Set();
    let totalUnread = 0;
    for (const room of rooms) {
      const item = this.#items.get(room.name) ?? this.#build(room.name);
      const unread = room === current ? 0 : room.unread;
      totalUnread += unread;
      item.badge.textContent = unread > 0 ? String(unread) : '';
      item.badge.hidden = unread === 0;
      item.button.dataset.unread = String(unread);
      item.button.setAttribute('aria-label', unread > 0 ? `${room.name}, ${unread} unread` : room.name);
      if (room === current) {
        item.button.setAttribute('aria-current', 'true');
      } else {
        item.button.removeAttribute('aria-current');
      }
      item.li.classList.toggle('joining', !room.joined);
      seen.add(room.name);
      desired.push(item.li);
    }
    reconcile(this.#list, desired);
    for (const name of this.#items.keys()) {
      if (!seen.has(name)) {
        this.#items.delete(name);
      }
    }
    return totalUnread;
  }

  #build(name) {
    const li = element('li', 'room-item');
    const button = element('button', 'room-button');
    button.type = 'button';
    button.dataset.testid = 'room';
    button.dataset.room = name;
    const label = element('span', 'room-name');
    label.textContent = name; // the "#" comes from CSS, so the element's text is the bare name
    const badge = element('span', 'unread');
    badge.hidden = true;
    button.append(label, badge);
    const leave = element('button', 'leave');
    leave.type = 'button';
    leave.dataset.room = name;
    leave.dataset.action = 'leave';
    leave.setAttribute('aria-label', `Leave ${name}`);
    leave.title = `Leave ${name}`;
    leave.textContent = '×';
    li.append(button, leave);
    const item = { li, button, badge };
    this.#items.set(name, item);
    return item;
  }
}
