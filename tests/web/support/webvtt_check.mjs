// An independent WebVTT check: w3c/webvtt.js (npm webvtt-parser, the parser behind the W3C
// validator) reads a file with every HTML character reference the spec knows, and any
// error or warning it reports fails the check. Returns the cues as it read them: times in
// seconds and the text a player shows (tags dropped, references decoded).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { WebVTTParser } = require('webvtt-parser');
const ENTITIES = require('webvtt-parser/html-entities.json');

// A file the parser finds fault with: a finding, never a reason to wait and look again.
export class InvalidWebVtt extends Error {}

// The text of a cue's node tree as shown: text nodes in order, tags (<i>, <v>, <c>…) dropped.
function shownText(node) {
  if (node.type === 'text') return node.value;
  return (node.children ?? []).map(shownText).join('');
}

// `hls`: an HLS subtitle segment, whose WebVTT header must carry X-TIMESTAMP-MAP (RFC 8216,
// 3.5). WebVTT's own syntax has no header lines, so the W3C parser reports "No blank line
// after the signature" for it: that one report, for that one line, is expected; nothing else.
export function readStrictWebVtt(text, what, { hls = false } = {}) {
  const parsed = new WebVTTParser(ENTITIES).parse(text, 'subtitles');
  const lines = text.split(/\r\n|\r|\n/);
  const errors = parsed.errors.filter(
    (error) =>
      !(
        hls &&
        error.line === 2 &&
        error.message === 'No blank line after the signature.' &&
        /^X-TIMESTAMP-MAP=MPEGTS:\d+,LOCAL:\d\d:\d\d:\d\d\.\d\d\d$/.test(lines[1])
      ),
  );
  if (errors.length > 0) {
    const reports = errors.map((error) => `line ${error.line}${error.col ? `:${error.col}` : ''}: ${error.message}`);
    throw new InvalidWebVtt(`${what}: the W3C WebVTT parser reports ${reports.join('; ')} in\n${text}`);
  }
  if (hls) assert.match(lines[1] ?? '', /^X-TIMESTAMP-MAP=/, `${what}: an HLS segment maps its times`);
  return parsed.cues.map((cue) => ({ start: cue.startTime, end: cue.endTime, text: shownText(cue.tree) }));
}
