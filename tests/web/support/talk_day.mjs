// A day of one talk on one stage fed over SRT, for the tests that send media from
// gst-launch (the encoders of a venue) and play the talk's replay: a free UDP port, a
// caller started until it stays connected, and the programme's sessions.

import { spawn } from 'node:child_process';
import dgram from 'node:dgram';

import { sleep } from './wait.mjs';

// A UDP port nobody uses now, for a stage's SRT listener.
export async function freeUdpPort() {
  const socket = dgram.createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise((resolve) => socket.close(resolve));
  return port;
}

// Senders still running, killed when the test process exits whatever happened.
export const senders = new Set();
process.on('exit', () => {
  for (const child of senders) child.kill('SIGKILL');
});

// gst-launch-1.0 with `args`, kept in `senders` while it runs.
export function startGstLaunch(args) {
  const child = spawn('gst-launch-1.0', args, { stdio: 'ignore' });
  senders.add(child);
  child.on('exit', () => senders.delete(child));
  return child;
}

// An SRT caller that finds no listener gives up at once: `start()` again until it stays up.
export async function connectCaller(start, what) {
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const child = start();
    await sleep(1500);
    if (child.exitCode === null && child.signalCode === null) return child;
  }
  throw new Error(`no ${what} stayed connected`);
}

// An opening first, so the stage is on air (input or slate) before the talk starts, as on
// a real day (the demo starts the first session at launch); then the talk; then a long one.
export function talkDaySessions(stage, title, talkSeconds) {
  const session = (id, sessionTitle, start, minutes) => ({
    id,
    stage,
    kind: 'talk',
    title: sessionTitle,
    start,
    duration_minutes: minutes,
  });
  return [
    session('opening', 'Öppning', '2026-01-01T08:59:50Z', 10 / 60),
    session('talk', title, '2026-01-01T09:00:00Z', talkSeconds / 60),
    session('later', 'Sedan', '2026-01-01T09:10:00Z', 30),
  ];
}
