// The replay player of the replays page (its <video id="video">) as the tests read it, and
// the waits for its playback to start and to keep going. The waits return the state they
// stopped on; the tests assert on it.

import { eventually } from './wait.mjs';

// What the player shows now: {time, ready, duration, error} (its currentTime, readyState,
// duration, and the message of its MediaError, or null).
export function videoState(page) {
  return page.evaluate(() => {
    const v = document.getElementById('video');
    return { time: v.currentTime, ready: v.readyState, duration: v.duration, error: v.error?.message ?? null };
  });
}

// Reads videoState() (after `beforeRead()`) every 250 ms until `done(state)` or `timeoutMs`
// runs out, and returns the state it stopped on: the first that is done, or else the last
// one read. Throws only when the player could not be read at all.
async function waitForState(page, what, done, { timeoutMs, beforeRead = async () => {} }) {
  let state = null;
  try {
    return await eventually(
      what,
      async () => {
        await beforeRead();
        state = await videoState(page);
        if (!done(state)) throw new Error(JSON.stringify(state));
        return state;
      },
      { timeoutMs },
    );
  } catch (error) {
    if (state === null) throw error;
    return state;
  }
}

// Waits up to 20 s for playback to start: no error, data for the current position
// (readyState 2 or more) and past 0.2 s. With `playEachTry`, play() is asked before every
// read (a play() that loading the replay interrupts is asked again; its refusal is ignored).
export function waitForStart(page, { playEachTry = false } = {}) {
  const play = () =>
    page.evaluate(() =>
      document
        .getElementById('video')
        .play()
        .catch(() => {}),
    );
  return waitForState(page, 'the replay to start', (v) => v.error === null && v.ready >= 2 && v.time > 0.2, {
    timeoutMs: 20_000,
    beforeRead: playEachTry ? play : undefined,
  });
}

// Waits up to 15 s for playback to keep going: 2 s on from the state `first`.
export function waitForPlayingOn(page, first) {
  return waitForState(page, 'the replay to keep playing', (v) => v.time >= first.time + 2, { timeoutMs: 15_000 });
}
