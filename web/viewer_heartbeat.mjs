// Viewer heartbeats (docs/API.md, "Viewer heartbeats"; the counting rules in
// docs/STATISTICS.md). While the video plays, the page tells the server every few seconds
// (as often as the server's answer says, 15 s by default):
//   - who: a random id made up by this browser and kept in its localStorage; nothing else
//     identifies the viewer (no cookie, and the server stores no address or user agent);
//   - what: a stage watched live, or a session's replay;
//   - where: the playback position, and how many seconds actually played since the last
//     beat (a seek is not playback; a paused video sends nothing, so its viewer has left
//     after 45 s).
// A refused beat (429, 503) waits as long as the server asks; a 400 (the stage went off
// the web) stops the beats for that stage.

const VIEWER_KEY = 'stagehub.viewer';
const DEFAULT_EVERY_S = 15;
const MAX_STEP_S = 2; // a jump of currentTime larger than this between timeupdates is a seek

// The browser's viewer id, made once.
export function viewerId() {
  let id = null;
  try {
    id = localStorage.getItem(VIEWER_KEY);
  } catch {
    // Storage blocked (a private window in some browsers): an id for this page only.
  }
  if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    try {
      localStorage.setItem(VIEWER_KEY, id);
    } catch {
      // As above.
    }
  }
  return id;
}

export class ViewerHeartbeat {
  #video;
  #viewer = viewerId();
  #target = null; // {stage} or {replay}
  #everyS = DEFAULT_EVERY_S;
  #timer = 0;
  #played = 0;
  #lastTime = null;
  #stopped = false; // the server refused this target for good

  constructor(video) {
    this.#video = video;
    video.addEventListener('timeupdate', () => this.#count());
    video.addEventListener('seeking', () => {
      this.#lastTime = null;
    });
    video.addEventListener('playing', () => {
      if (!this.#timer) this.#beatSoon(0);
    });
    for (const type of ['pause', 'ended', 'emptied']) {
      video.addEventListener(type, () => this.#cancel());
    }
  }

  // What the video shows now: {stage: id}, {replay: sessionId}, or null for nothing.
  watch(target) {
    const same = JSON.stringify(target) === JSON.stringify(this.#target);
    if (same) return;
    this.#cancel();
    this.#target = target;
    this.#played = 0;
    this.#lastTime = null;
    this.#stopped = false;
    if (target && !this.#video.paused) this.#beatSoon(0);
  }

  #count() {
    const time = this.#video.currentTime;
    if (this.#lastTime !== null && !this.#video.paused) {
      const step = time - this.#lastTime;
      if (step > 0 && step < MAX_STEP_S) this.#played += step;
    }
    this.#lastTime = time;
  }

  #cancel() {
    clearTimeout(this.#timer);
    this.#timer = 0;
  }

  #beatSoon(delayS) {
    this.#cancel();
    this.#timer = setTimeout(() => this.#send(), delayS * 1000);
  }

  async #send() {
    this.#timer = 0;
    if (!this.#target || this.#stopped || this.#video.paused) return;
    const played = Math.min(this.#played, this.#everyS * 4);
    this.#played = 0;
    const body = {
      viewer: this.#viewer,
      ...this.#target,
      position: Math.max(0, this.#video.currentTime || 0),
      played,
      sent_at: Date.now(),
    };
    const target = this.#target;
    let next = this.#everyS;
    try {
      const response = await fetch('/api/v1/heartbeats', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        keepalive: true,
      });
      if (response.ok) {
        const answer = await response.json();
        if (Number.isFinite(answer.every) && answer.every >= 1) this.#everyS = answer.every;
        next = this.#everyS;
      } else if (response.status === 429 || response.status === 503) {
        next = Math.max(this.#everyS, Number(response.headers.get('retry-after')) || 0);
      } else if (response.status === 400) {
        if (target === this.#target) this.#stopped = true;
        return;
      }
    } catch {
      // Offline for a moment: the next beat goes as usual.
    }
    if (target === this.#target && !this.#video.paused) this.#beatSoon(next);
  }
}
