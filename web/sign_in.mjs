// Signing in with a token on the pages that ask for one (/organise, /stats): the form's
// submit, the check against GET /api/v1/me (docs/API.md), and the token kept in
// sessionStorage (this tab only) until sign out, so a reload stays signed in. What a page
// says about the outcome, in its own words and its own markup, stays with the page.
//
// Outcomes of a check (onRefused's `reason`):
//   empty    nothing was typed
//   unknown  401: the token is wrong, revoked or expired (a kept one is forgotten)
//   role     the account's role is not one of `roles`, or 403 (a kept one is forgotten)
//   network  the server did not answer, or answered something else (a kept token stays:
//            it may well be good, and the next reload tries it again)

export class TokenSignIn {
  #storageKey;
  #roles;
  #form;
  #input;
  #button;
  #busyLabel;
  #onSignedIn;
  #onRefused;

  // `form`, `input`, `button`: the page's sign-in form, its token field and submit button;
  // `busyLabel`: what the button says while the token is checked; `roles`: the accounts
  // the page serves. onSignedIn(token, account, {fromStorage}) and onRefused(reason,
  // {account, fromStorage}) say how it went.
  constructor({ storageKey, roles, form, input, button, busyLabel, onSignedIn, onRefused }) {
    this.#storageKey = storageKey;
    this.#roles = roles;
    this.#form = form;
    this.#input = input;
    this.#button = button;
    this.#busyLabel = busyLabel;
    this.#onSignedIn = onSignedIn;
    this.#onRefused = onRefused;
  }

  // Wires the form, then signs in with the kept token if there is one. Returns whether
  // there was: without one the page shows its form.
  start() {
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.signIn(this.#input.value.trim());
    });
    const kept = this.#kept();
    if (kept) this.signIn(kept, { fromStorage: true });
    return Boolean(kept);
  }

  async signIn(token, { fromStorage = false } = {}) {
    if (!token) {
      this.#onRefused('empty', { account: null, fromStorage });
      return;
    }
    const label = this.#button.textContent;
    this.#button.disabled = true;
    this.#button.textContent = this.#busyLabel;
    this.#form.setAttribute('aria-busy', 'true');
    let outcome;
    try {
      outcome = await this.#check(token);
    } finally {
      this.#button.disabled = false;
      this.#button.textContent = label;
      this.#form.removeAttribute('aria-busy');
    }
    if (outcome.reason) {
      if (outcome.reason !== 'network') this.#forget();
      this.#onRefused(outcome.reason, { account: outcome.account ?? null, fromStorage });
      return;
    }
    try {
      sessionStorage.setItem(this.#storageKey, token);
    } catch {
      // Storage blocked: signed in for as long as the page is open.
    }
    this.#input.value = '';
    await this.#onSignedIn(token, outcome.account, { fromStorage });
  }

  // Signing out: the kept token and anything left in the field are forgotten.
  signOut() {
    this.#forget();
    this.#input.value = '';
  }

  async #check(token) {
    let response;
    try {
      response = await fetch('/api/v1/me', {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        cache: 'no-store',
      });
    } catch {
      return { reason: 'network' };
    }
    if (response.status === 401) return { reason: 'unknown' };
    if (response.status === 403) return { reason: 'role' };
    if (!response.ok) return { reason: 'network' };
    let account;
    try {
      account = await response.json();
    } catch {
      return { reason: 'network' };
    }
    return this.#roles.includes(account?.role) ? { account } : { reason: 'role', account };
  }

  #kept() {
    try {
      return sessionStorage.getItem(this.#storageKey) ?? '';
    } catch {
      return ''; // storage blocked: sign in again
    }
  }

  #forget() {
    try {
      sessionStorage.removeItem(this.#storageKey);
    } catch {
      // Storage blocked: nothing was kept.
    }
  }
}
