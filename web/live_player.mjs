// A live HLS player on a <video> element that keeps trying.
//
// A stage's playlist appears a few seconds after its pipeline starts, and it can go
// away and come back (server restart, pipeline restart). So the player:
//   - probes the playlist and, while it is missing (404) or unreachable, retries with
//     backoff (state 'waiting');
//   - recovers from hls.js fatal errors: network errors restart loading, media errors
//     go through recoverMediaError (then swapAudioCodec), and anything that keeps
//     failing rebuilds the player from the probe (state 'recovering');
//   - uses hls.js where Media Source Extensions exist, and native HLS otherwise
//     (Safari on iOS).
//   - treats a playlist that ends (#EXT-X-ENDLIST) as a stopped broadcast, not a video to
//     finish: the organisers took the stage off air, or the server shut down. It looks
//     again every 2 s and plays the next run as soon as the playlist goes on (state
//     'ended', for the page's off-air card).
// States reported through `onstate(state)`: 'idle', 'waiting', 'playing', 'recovering',
// 'ended', 'offline' (no stream for this stage), 'unsupported'.
//
// The quality ladder and the hls.js instance are reported too, for the page's own controls:
//   onlevels(levels)   the ladder of the stream (hls.levels as {index, height, bitrate,
//                      audioOnly}), [] for native HLS or no stream;
//   onlevel(index)     the level playing now (after a switch, automatic or chosen);
//   onhls(hls)         each new hls.js instance before it loads (null when it goes), for
//                      the caption and audio-track controls (web/player_captions.mjs),
//                      which keep their choices across the rebuilds above.
// A chosen level (setLevel) survives the rebuilds.

import Hls from '/vendor/hls.js/dist/hls.mjs';

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 8000;
const MEDIA_RECOVERY_WINDOW_MS = 10000;
const ENDED_POLL_MS = 2000;

// The first variant's address in a master playlist, or null when `text` is a media
// playlist itself.
function firstVariant(text, base) {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const at = lines.findIndex((line) => line.startsWith('#EXT-X-STREAM-INF'));
  if (at < 0) return null;
  const uri = lines.slice(at + 1).find((line) => line && !line.startsWith('#'));
  return uri ? new URL(uri, new URL(base, window.location.href)).href : null;
}

export class LivePlayer {
  #video;
  #onstate;
  #url = null;
  #hls = null;
  #state = 'idle';
  #attempt = 0;
  #retryTimer = 0;
  #generation = 0;
  #mediaRecoveries = [];
  #nativeHandlers = null;
  #onlevels;
  #onlevel;
  #onhls;
  #wantedLevel = -1; // -1: automatic (hls.js picks by bandwidth)

  constructor(video, { onstate = () => {}, onlevels = () => {}, onlevel = () => {}, onhls = () => {} } = {}) {
    this.#video = video;
    this.#onstate = onstate;
    this.#onlevels = onlevels;
    this.#onlevel = onlevel;
    this.#onhls = onhls;
    // Muted autoplay is what browsers allow without a click; the page offers unmute.
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    video.addEventListener('playing', () => {
      this.#attempt = 0;
      this.#setState('playing');
    });
    // A live playlist only ends when its broadcast stopped: wait for the next run rather
    // than showing a finished video.
    video.addEventListener('ended', () => {
      if (this.#url) this.#ended();
    });
  }

  get state() {
    return this.#state;
  }

  // The hls.js instance playing now (null with native HLS or no stream): for tests and
  // for support staff poking at a viewer's player in the console.
  get hls() {
    return this.#hls;
  }

  // The ladder as {index, height, width, bitrate, audioOnly}, best first.
  get levels() {
    return (this.#hls?.levels ?? [])
      .map((level, index) => ({
        index,
        height: level.height || 0,
        width: level.width || 0,
        bitrate: level.bitrate || 0,
        audioOnly: !level.height && !level.videoCodec,
      }))
      .sort((a, b) => b.height - a.height || b.bitrate - a.bitrate);
  }

  // The level chosen by the viewer, -1 for automatic.
  get wantedLevel() {
    return this.#wantedLevel;
  }

  // Plays `index` of hls.levels from now on (-1: automatic). currentLevel switches at
  // once (flushing the buffer) rather than at the next segment: the viewer asked for it.
  setLevel(index) {
    this.#wantedLevel = Number.isInteger(index) ? index : -1;
    if (this.#hls && this.#hls.levels?.length) this.#hls.currentLevel = this.#wantedLevel;
  }

  // Plays `url` (a live playlist), replacing whatever played before. null = no stream.
  load(url) {
    if (url === this.#url && (this.#state !== 'offline' || !url)) return;
    this.#teardown();
    this.#url = url;
    this.#attempt = 0;
    if (!url) {
      this.#setState('offline');
      return;
    }
    if (!Hls.isSupported() && !this.#video.canPlayType('application/vnd.apple.mpegurl')) {
      this.#setState('unsupported');
      return;
    }
    this.#setState('waiting');
    this.#probeAndStart(this.#generation);
  }

  destroy() {
    this.#teardown();
    this.#url = null;
  }

  #setState(state) {
    if (state === this.#state) return;
    this.#state = state;
    this.#onstate(state);
  }

  // Stops everything that belongs to the current stream. Timers and callbacks check
  // the generation so that a late answer for an old stream is dropped.
  #teardown() {
    this.#generation += 1;
    clearTimeout(this.#retryTimer);
    this.#mediaRecoveries = [];
    if (this.#hls) {
      this.#hls.destroy();
      this.#hls = null;
      this.#onhls(null);
    }
    if (this.#nativeHandlers) {
      this.#video.removeEventListener('error', this.#nativeHandlers.error);
      this.#nativeHandlers = null;
    }
    this.#video.removeAttribute('src');
    this.#video.load();
    this.#onlevels([]);
  }

  // Rebuilds the player after a delay that grows with every failure in a row.
  #retry(state) {
    const generation = this.#generation + 1;
    this.#teardown();
    this.#setState(state);
    const base = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 1.6 ** this.#attempt);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => this.#probeAndStart(generation), delay);
  }

  // The broadcast stopped: nothing to play until the playlist goes on again.
  #ended() {
    const generation = this.#generation + 1;
    this.#teardown();
    this.#attempt = 0;
    this.#setState('ended');
    this.#retryTimer = setTimeout(() => this.#probeAndStart(generation), ENDED_POLL_MS);
  }

  // Asks for the playlist before handing it to a player: a missing playlist is the
  // normal state of a stage that is starting, not an error worth a player teardown, and
  // an ended one is a stage off air.
  async #probeAndStart(generation) {
    if (generation !== this.#generation) return;
    const found = await this.#probe();
    if (generation !== this.#generation) return;
    if (found === 'missing') {
      this.#retry(this.#state === 'playing' ? 'recovering' : this.#state);
      return;
    }
    if (found === 'ended') {
      this.#ended();
      return;
    }
    if (Hls.isSupported()) this.#startHls(generation);
    else this.#startNative(generation);
  }

  // 'live', 'ended' (#EXT-X-ENDLIST in the first variant's playlist) or 'missing'.
  async #probe() {
    const read = async (url) => {
      const response = await fetch(url, { cache: 'no-store' });
      const text = await response.text(); // a playlist is small; reading it keeps the request clean
      return response.ok ? text : null;
    };
    try {
      const first = await read(this.#url);
      if (first === null) return 'missing';
      const variant = firstVariant(first, this.#url);
      const media = variant ? await read(variant) : first;
      if (media === null) return 'missing';
      return /^#EXT-X-ENDLIST/m.test(media) ? 'ended' : 'live';
    } catch {
      return 'missing';
    }
  }

  #startHls(generation) {
    const hls = new Hls({
      // Transmuxing off the main thread; the worker is served by stagehub like hls.js.
      workerPath: '/vendor/hls.js/dist/hls.worker.js',
      // Captions are off until the viewer turns them on (web/player_captions.mjs), and the
      // browser draws them from native text tracks, in step with the picture.
      subtitleDisplay: false,
      renderTextTracksNatively: true,
      // Latency (docs/BENCHMARKS.md, "Glass-to-glass latency"): the server answers a
      // playlist request the moment the next segment is listed (lowLatencyMode makes hls.js
      // ask for it that way: blocking reload, ?_HLS_msn), so two segments behind the newest
      // is buffer enough. A player that starts further back plays up to 1.2× until it is
      // there, and one more than three segments behind jumps forward.
      lowLatencyMode: true,
      liveSyncDurationCount: 2,
      liveMaxLatencyDurationCount: 3,
      maxLiveSyncPlaybackRate: 1.2,
      backBufferLength: 30,
    });
    this.#hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      if (generation !== this.#generation) return;
      if (this.#wantedLevel >= hls.levels.length) this.#wantedLevel = -1;
      if (this.#wantedLevel >= 0) hls.currentLevel = this.#wantedLevel;
      this.#onlevels(this.levels);
      this.#video.play().catch(() => {
        // Autoplay refused even muted: the native controls let the visitor start it.
      });
    });
    // The playlist ended while playing: the broadcast stopped (hls.js would play out what
    // it holds and stop on the last frame).
    hls.on(Hls.Events.LEVEL_LOADED, (_event, data) => {
      if (generation === this.#generation && data.details && !data.details.live) this.#ended();
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (_event, data) => {
      if (generation === this.#generation) this.#onlevel(data.level);
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (generation !== this.#generation || !data.fatal) return;
      this.#onFatal(hls, data);
    });
    this.#onhls(hls);
    hls.loadSource(this.#url);
    hls.attachMedia(this.#video);
  }

  #onFatal(hls, data) {
    console.warn(`live player: fatal ${data.type} error: ${data.details}`);
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
      const now = Date.now();
      this.#mediaRecoveries = this.#mediaRecoveries.filter((t) => now - t < MEDIA_RECOVERY_WINDOW_MS);
      this.#mediaRecoveries.push(now);
      if (this.#mediaRecoveries.length === 1) {
        this.#setState('recovering');
        hls.recoverMediaError();
        return;
      }
      if (this.#mediaRecoveries.length === 2) {
        this.#setState('recovering');
        hls.swapAudioCodec();
        hls.recoverMediaError();
        return;
      }
    }
    // Network errors (the playlist or a segment is gone, the server restarted) and media
    // errors that recovery did not fix: start over from the probe.
    this.#retry('recovering');
  }

  #startNative(generation) {
    const error = () => {
      if (generation === this.#generation) this.#retry('recovering');
    };
    this.#nativeHandlers = { error };
    this.#video.addEventListener('error', error);
    this.#video.src = this.#url;
    this.#video.play().catch(() => {});
  }
}
