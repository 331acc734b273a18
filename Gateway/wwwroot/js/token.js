// The sign-in token when the gateway wants one (`/api/config` says auth: "token"). It comes
// in the page's URL fragment (`#token=<JWT>&room=lobby`), which browsers never send to a
// server, is kept for this tab in session storage, and is taken out of the address bar at
// once, so it appears in no URL but the socket's.

const StorageKey = 'orleanschat.token';

/** Takes `token` out of the fragment (keeping the rest), stores it, and returns the tab's token or null. */
export function takeToken() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const given = fragment.get('token');
  if (given) {
    try {
      sessionStorage.setItem(StorageKey, given);
    } catch {
      // Storage refused (private mode, quota): the token still works for this page load.
    }
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
    return given;
  }
  try {
    return sessionStorage.getItem(StorageKey);
  } catch {
    return null;
  }
}

/** Forgets the tab's token (it expired or was refused). */
export function forgetToken() {
  try {
    sessionStorage.removeItem(StorageKey);
  } catch {
    // Nothing stored, nothing to forget.
  }
}

/**
 * Why a token cannot be used, read from its payload without checking the signature (the
 * gateway does that): 'missing', 'malformed', 'expired', or null when it may work.
 */
export function tokenProblem(token, now = Date.now()) {
  if (!token) {
    return 'missing';
  }
  const exp = expiresAt(token);
  if (exp === null) {
    return 'malformed';
  }
  return exp <= now ? 'expired' : null;
}

/** The token's `exp` in milliseconds, or null when it is not a JWT with a numeric `exp`. */
export function expiresAt(token) {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return null;
  }
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(parts[1].length / 4) * 4, '='));
    const exp = JSON.parse(json)?.exp;
    return Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** What the page says in `[data-testid=auth-error]` for each problem. */
export const AuthErrorTexts = {
  missing: 'You are not signed in: open this page with the sign-in link you were given (it ends in #token=…).',
  malformed: 'The sign-in link is damaged: its token is not a valid token. Ask for a new link.',
  expired: 'Your sign-in has expired. Open a new sign-in link to continue.',
  refused: 'The gateway did not accept your sign-in token. Ask for a new link.',
};
