// The one websocket of a page: /ws (docs/PROTOCOL.md), reconnecting with backoff, plus
// GET /api/v1/programme for the first paint and as a fallback while the websocket is down.
// Every page that talks to /ws does it through this class, so reconnecting, resuming and
// the token live in one place.
//
// The page says which channels it follows (`follow([...names])`); the feed subscribes to
// them whenever the socket opens, and on reconnecting asks each `agenda:{event}` only for
// what it missed since the revision it holds (the server answers with the missed deltas,
// or a fresh snapshot when it is too far behind). With a token, the first message on every
// connection is `{"type": "auth", "token"}`, so the privileged channels (`ops`,
// `stats:{event}`, a speaker's unpublished panels) and the public ones share the socket,
// and a refused token does not take the public channels down with it.
//
// Events dispatched (CustomEvent, payload in `detail`):
//   snapshot  {event, rev, server_time}        an `agenda:{event}` snapshot, an event of
//                                              a fetched programme, or a known event with
//                                              an `agenda` delta applied
//   now       {stage, now, next, server_time}  a `now:{stage}` message
//   panel     {...panel message}               a `panel:{session}` running order
//   stats     {...viewers message}             a `stats:{event}` `viewers` push: {channel,
//                                              event, server_time, agenda_screens,
//                                              web_viewers, stages: [{stage, name,
//                                              viewers, screens}]}
//   ops       {...ops message}                 an `ops` message as it came, with its `type`
//                                              and `stage`: `health` {health}, `switch`
//                                              {on_air: 'input'|'slate', reason, at},
//                                              `control` {on_air: bool, slate: null|{text}};
//                                              types added later pass through the same way
//   caption   {...captions message}            a `captions:{stage}` `cue` {stage, language,
//                                              id, start, end, text} or `partial` {stage,
//                                              language, text} (empty text clears it)
//   subscribed {channel, ...}                  the server acknowledged a followed channel
//   refused   {channel, code, message}         the server refused a followed channel
//                                              (forbidden, unauthorized, unknown_channel, …)
//   authenticated {account, server_time}       the token was accepted: {name, role, events}
//   auth-error {code, message}                 the token was refused (unknown or revoked);
//                                              the feed keeps running on the public
//                                              channels, the page decides what to do
//   removed   {channel}                         a followed channel is gone
//   status    {state: 'connecting' | 'open' | 'closed', attempt}
//   empty     {}                                the fetched programme has no events
//   fetch-error {message}                        GET /api/v1/programme failed
// Unknown channels and types are ignored, so the server can add channels freely.

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 15000;
const FALLBACK_POLL_MS = 15000;

function websocketUrl(loc = window.location) {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/ws`;
}

// Exponential backoff with jitter so that a restarted server is not hit by every
// viewer in the same millisecond.
function backoffDelay(attempt, min = RECONNECT_MIN_MS, max = RECONNECT_MAX_MS) {
  const base = Math.min(max, min * 2 ** Math.max(0, attempt));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

export class ProgrammeFeed extends EventTarget {
  #url;
  #apiUrl;
  #socket = null;
  #attempt = 0;
  #reconnectTimer = 0;
  #pollTimer = 0;
  #stopped = false;
  #events = new Map(); // event id → {event, rev}: the base that deltas apply to
  #channels = new Set(); // what the page follows
  #token = '';
  #polling = true;

  // `token`: for privileged channels and a speaker's unpublished panels; `poll: false`
  // for pages that need no programme (the speaker's phone, the embed).
  constructor({ url = websocketUrl(), apiUrl = '/api/v1/programme', token = '', poll = true } = {}) {
    super();
    this.#url = url;
    this.#apiUrl = apiUrl;
    this.#token = token;
    this.#polling = poll;
  }

  // Follows exactly these channels from now on (subscribing and unsubscribing the
  // difference if the socket is open).
  follow(channels) {
    const wanted = new Set(channels);
    const added = [...wanted].filter((name) => !this.#channels.has(name));
    const dropped = [...this.#channels].filter((name) => !wanted.has(name));
    this.#channels = wanted;
    if (!this.connected) return;
    if (dropped.length) this.#socket.send(JSON.stringify({ type: 'unsubscribe', channels: dropped }));
    if (added.length) this.#subscribe(added);
  }

  #subscribe(names) {
    const channels = names.map((name) => {
      const known = name.startsWith('agenda:') ? this.#events.get(name.slice('agenda:'.length)) : null;
      return known && Number.isFinite(known.rev) ? { channel: name, rev: known.rev } : name;
    });
    this.#socket.send(JSON.stringify({ type: 'subscribe', channels }));
  }

  start() {
    this.#stopped = false;
    this.#connect();
    if (this.#polling) this.#schedulePoll(0);
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#pollTimer);
    if (this.#socket) {
      this.#socket.onclose = null;
      this.#socket.onmessage = null;
      this.#socket.close(1000);
      this.#socket = null;
    }
  }

  get connected() {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  #connect() {
    if (this.#stopped) return;
    this.#emit('status', { state: 'connecting', attempt: this.#attempt });
    let socket;
    try {
      socket = new WebSocket(this.#url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      // The server handles a connection's messages in order: the token holds before the
      // subscribe that needs it.
      if (this.#token) socket.send(JSON.stringify({ type: 'auth', token: this.#token }));
      if (this.#channels.size) this.#subscribe([...this.#channels]);
      this.#emit('status', { state: 'open', attempt: 0 });
    };
    socket.onmessage = (message) => this.#handle(message.data);
    // Every failure ends in close (error is always followed by it), so reconnect there only.
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#emit('status', { state: 'closed', attempt: this.#attempt });
      this.#scheduleReconnect();
      if (this.#polling) this.#schedulePoll(0);
    };
  }

  #scheduleReconnect() {
    if (this.#stopped) return;
    clearTimeout(this.#reconnectTimer);
    const delay = backoffDelay(this.#attempt);
    this.#attempt += 1;
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #handle(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      console.warn('programme feed: ignoring a frame that is not JSON');
      return;
    }
    const channel = typeof message?.channel === 'string' ? message.channel : '';
    if (channel === 'system') {
      this.#system(message);
    } else if (message.type === 'subscribed' && this.#channels.has(channel)) {
      this.#emit('subscribed', message);
    } else if (channel.startsWith('agenda:') && message.type === 'snapshot' && message.event) {
      this.#snapshot(message.event, message.rev, message.server_time);
    } else if (channel.startsWith('agenda:') && message.type === 'delta') {
      this.#delta(message);
    } else if (channel.startsWith('panel:') && message.type === 'panel') {
      this.#emit('panel', message);
    } else if (message.type === 'removed' && this.#channels.has(channel)) {
      this.#emit('removed', { channel });
    } else if (channel.startsWith('now:') && message.type === 'now') {
      this.#emit('now', {
        stage: message.stage ?? channel.slice('now:'.length),
        now: message.now ?? null,
        next: message.next ?? null,
        server_time: message.server_time,
      });
    } else if (channel.startsWith('captions:') && (message.type === 'cue' || message.type === 'partial')) {
      this.#emit('caption', message);
    } else if (channel.startsWith('stats:') && message.type === 'viewers') {
      this.#emit('stats', message);
    } else if (channel === 'ops' && (typeof message.stage === 'string' || message.type === 'feedback')) {
      // A stage's news, or an event's accessibility feedback (organise_accessibility.mjs).
      this.#emit('ops', message);
    }
  }

  // The `system` channel: the token's answer, and refusals. An error about the token
  // itself names no channel (`subject`); one about a channel names it.
  #system(message) {
    if (message.type === 'authenticated') {
      this.#emit('authenticated', { account: message.account ?? null, server_time: message.server_time });
      return;
    }
    if (message.type !== 'error') return;
    const code = message.error?.code ?? '';
    const text = message.error?.message ?? '';
    if (!message.subject && code === 'unauthorized' && this.#token) {
      this.#emit('auth-error', { code, message: text });
    } else if (message.subject && this.#channels.has(message.subject)) {
      this.#emit('refused', { channel: message.subject, code, message: text });
    } else {
      console.warn(`programme feed: the server refused a request: ${code}: ${text}`);
    }
  }

  #snapshot(event, rev, server_time) {
    this.#events.set(event.id, { event, rev });
    this.#emit('snapshot', { event, rev, server_time });
  }

  // Upserts the changed sessions and drops the removed ones (docs/PROTOCOL.md). A delta
  // for an event not seen yet, or not newer than what is held, is left to the next
  // snapshot or poll.
  #delta(message) {
    const known = this.#events.get(message.event);
    if (!known || !(message.rev > known.rev)) return;
    const removed = new Set(message.removed_sessions ?? []);
    const changed = new Map((message.sessions ?? []).map((s) => [s.id, s]));
    const sessions = known.event.sessions
      .filter((s) => !removed.has(s.id) && !changed.has(s.id))
      .concat([...changed.values()])
      .sort((a, b) => a.start.localeCompare(b.start) || a.stage.localeCompare(b.stage));
    this.#snapshot({ ...known.event, sessions }, message.rev, message.server_time);
  }

  // Fetches the programme: at start (first paint before the websocket is up) and then
  // every FALLBACK_POLL_MS for as long as the websocket is not open.
  #schedulePoll(delay) {
    clearTimeout(this.#pollTimer);
    if (this.#stopped) return;
    this.#pollTimer = setTimeout(() => this.#poll(), delay);
  }

  async #poll() {
    try {
      const response = await fetch(this.#apiUrl, { cache: 'no-store', headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`GET ${this.#apiUrl}: HTTP ${response.status}`);
      const programme = await response.json();
      if (this.#stopped) return;
      for (const event of programme.events ?? []) {
        this.#snapshot(event, programme.revision, programme.server_time);
      }
      if (!(programme.events ?? []).length) this.#emit('empty', {});
    } catch (error) {
      this.#emit('fetch-error', { message: String(error?.message ?? error) });
    } finally {
      if (!this.connected) this.#schedulePoll(FALLBACK_POLL_MS);
    }
  }
}
