// Small DOM helpers shared by the view modules.

/** A new element with its class set. */
export function element(tag, className) {
  const el = document.createElement(tag);
  el.className = className;
  return el;
}

/** Makes `parent`'s children exactly `desired`, in order, moving rather than recreating. */
export function reconcile(parent, desired) {
  let cursor = parent.firstChild;
  for (const el of desired) {
    if (el === cursor) {
      cursor = cursor.nextSibling;
    } else {
      parent.insertBefore(el, cursor);
    }
  }
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
}
