// What the two caption pages (the captioner's /caption/{stage} and the room view
// /captions/{stage}) read from their address and say about their websocket, alike.

import { ProgrammeFeed } from './programme_feed.mjs';
import { pickLanguage, stringsFor } from './strings.mjs';
import captionStrings from './i18n/caption.mjs';

// A BCP 47 language tag as the caption ingest takes it (docs/CAPTIONS.md).
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export const pageParams = new URLSearchParams(window.location.search);

// The page's words in the visitor's language (?lang= overrides).
export const captionPageStrings = stringsFor(
  pickLanguage(navigator.languages ?? [navigator.language], pageParams.get('lang')),
  captionStrings,
);

// The stage of the address: /caption/{stage}, /captions/{stage}.
export const stageOfAddress = decodeURIComponent(window.location.pathname.split('/')[2] ?? '');

// Shows the connection on `node` (data-state for the page's style): `key` is
// caption_connected, caption_connecting or caption_offline.
export function showConnection(node, key) {
  node.hidden = false;
  node.dataset.state = key === 'caption_connected' ? 'connected' : 'reconnecting';
  node.textContent = captionPageStrings.t(key);
}

// Follows the stage's `captions:{stage}` channel, reconnecting by itself, showing the
// connection on `connectionNode`, handing each `cue` and `partial` to onCaption and a
// refused subscription ({code, message}) to onRefused. Returns the running feed.
export function followCaptions({ token = '', connectionNode, onCaption = () => {}, onRefused = () => {} }) {
  const feed = new ProgrammeFeed({ token, poll: false });
  feed.addEventListener('caption', (e) => onCaption(e.detail));
  feed.addEventListener('refused', (e) => onRefused(e.detail));
  feed.addEventListener('status', ({ detail }) => {
    const key =
      detail.state === 'open' ? 'caption_connected' : detail.attempt ? 'caption_offline' : 'caption_connecting';
    showConnection(connectionNode, key);
  });
  feed.follow([`captions:${stageOfAddress}`]);
  feed.start();
  return feed;
}
