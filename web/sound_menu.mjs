// A player's sound menu: the program's own sound and its interpretation (the stream's
// #EXT-X-MEDIA:TYPE=AUDIO lines, hls.audioTracks), a <select> inside a <label> that is
// shown only while there is more than one sound. The replays page uses it; the live
// player reports the same list through LivePlayer's onaudiotracks.

import Hls from '/vendor/hls.js/dist/hls.mjs';
import { el } from '/agenda.mjs';

// Binds `select` to `hls` (an hls.js instance) until that instance is destroyed.
export function bindSoundMenu(select, hls) {
  const label = select.closest('label');
  const render = () => {
    const tracks = hls.audioTracks ?? [];
    select.replaceChildren(
      ...tracks.map((track, index) =>
        el(
          'option',
          { value: String(index), lang: track.lang || undefined },
          track.name || track.lang || String(index + 1),
        ),
      ),
    );
    select.value = String(hls.audioTrack);
    if (label) label.hidden = tracks.length < 2;
  };
  hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, render);
  hls.on(Hls.Events.AUDIO_TRACK_SWITCHED, render);
  select.onchange = () => {
    hls.audioTrack = Number(select.value);
  };
  render();
}

// No hls.js (native HLS): the browser's own controls offer what it found.
export function hideSoundMenu(select) {
  const label = select.closest('label');
  if (label) label.hidden = true;
}
