// Sends a captioner's lines to the caption ingest (POST
// /api/v1/events/{event}/stages/{stage}/captions, docs/CAPTIONS.md): each finished line as a
// cue (`final: true`) and the line being typed as the partial (`final: false`), at most
// PARTIAL_EVERY_MS apart, the newest text winning.
//
// Requests go one at a time, in order, so a partial can never overtake the line that
// replaced it and be left showing in the room; a finished line drops the partial waiting
// to go (the line says it all; the server clears the room's partial line when it stores
// the line).

export const PARTIAL_EVERY_MS = 200; // ~5 a second: smooth enough to read, light on the server

export class CaptionSender {
  #url;
  #token;
  #busy = false;
  #finals = []; // [{text, language, kind, resolve}]
  #partial = null; // {text, language}: the newest partial not yet sent
  #lastPartialMs = -Infinity;
  #timer = 0;

  constructor({ url, token }) {
    this.#url = url;
    this.#token = token;
  }

  // The line being typed (throttled; an empty text clears the room's partial line).
  partial(text, language) {
    this.#partial = { text, language };
    this.#pump();
  }

  // Sends a finished line, a caption or (kind 'descriptions') an audio description; resolves
  // {ok, status, code, message, body} (status 0: no answer).
  final(text, language, kind = 'captions') {
    this.#partial = null;
    return new Promise((resolve) => {
      this.#finals.push({ text, language, kind, resolve });
      this.#pump();
    });
  }

  async #pump() {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (;;) {
        if (this.#finals.length) {
          const job = this.#finals.shift();
          const body = { text: job.text, language: job.language, final: true };
          if (job.kind !== 'captions') body.kind = job.kind;
          job.resolve(await this.#post(body));
          continue;
        }
        if (!this.#partial) break;
        const wait = this.#lastPartialMs + PARTIAL_EVERY_MS - performance.now();
        if (wait > 0) {
          clearTimeout(this.#timer);
          this.#timer = setTimeout(() => this.#pump(), wait);
          break;
        }
        const partial = this.#partial;
        this.#partial = null;
        this.#lastPartialMs = performance.now();
        await this.#post({ text: partial.text, language: partial.language, final: false });
      }
    } finally {
      this.#busy = false;
    }
  }

  async #post(body) {
    let response;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.#token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      return { ok: false, status: 0, code: 'network', message: '' };
    }
    let answer;
    try {
      answer = await response.json();
    } catch {
      answer = null;
    }
    return {
      ok: response.ok,
      status: response.status,
      code: answer?.error?.code ?? '',
      message: answer?.error?.message ?? '',
      body: answer,
    };
  }
}
