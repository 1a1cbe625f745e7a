// Making a replay and giving it caption tracks, as an organiser does through the API
// (docs/CAPTIONS.md): the session on air ended now, its replay waited for, and caption
// files uploaded as its own tracks.
import assert from 'node:assert/strict';

import { eventually } from './wait.mjs';

// Ends `session` of `event` now and waits until its replay is listed (once its last
// segment has closed).
export async function endAsReplay(server, token, event, session) {
  const ended = await server.api('POST', `/api/v1/events/${event}/sessions/${session}/end-now`, { token });
  assert.equal(ended.status, 200, JSON.stringify(ended.body));
  await eventually(
    `the replay of ${session}`,
    async () => assert.equal((await server.api('GET', `/api/v1/replays/${session}`, { token })).status, 200),
    { timeoutMs: 30_000, intervalMs: 500 },
  );
}

// Uploads `file` as the replay's own track in `language` (`kind` captions or descriptions;
// `type` the file's Content-Type). Returns the stored track's JSON.
export async function uploadTrack(server, token, { event, session, language, kind = 'captions', type, file }) {
  const target = `/api/v1/events/${event}/sessions/${session}/captions/${language}?kind=${kind}`;
  const response = await fetch(new URL(target, server.url), {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: file,
  });
  const text = await response.text();
  assert.equal(response.status, 200, `PUT ${target}: ${text}`);
  return JSON.parse(text);
}
