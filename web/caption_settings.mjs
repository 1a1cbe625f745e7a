// The viewer's caption choices, kept in this browser (localStorage) so that they hold on
// every player page (watch, embed, replays) and after a reload: captions on or off, the
// language, whether the audio-description track is the one followed (and spoken), the
// audio track's language and whether it is the described one, and how captions look (size, colour, background).
//
// How captions look is applied as data attributes on an element around the <video>
// (data-cue-size, data-cue-colour, data-cue-background); web/captions.css turns them into
// `::cue` rules, so the browser's own text-track rendering keeps drawing the cues in time
// with the picture and no inline style is needed (the Content-Security-Policy has none).

const KEY = 'stagehub.captions';

export const CUE_SIZES = ['small', 'medium', 'large', 'xlarge'];
export const CUE_COLOURS = ['white', 'yellow', 'cyan', 'black'];
export const CUE_BACKGROUNDS = ['black', 'translucent', 'white', 'none'];

const DEFAULTS = {
  on: false,
  language: '',
  describe: false, // the chosen text track is the audio description (kind descriptions)
  speak: false, // read the audio description aloud (speechSynthesis)
  audio: '', // the audio track's language ('' = the stream's default)
  audioDescribed: false, // the described sound of that language, where the stream has one
  size: 'medium',
  colour: 'white',
  background: 'black',
};

const oneOf = (value, allowed, fallback) => (allowed.includes(value) ? value : fallback);

// The kept settings, each checked: a value from an older page or typed by hand in the
// browser's storage falls back to the default rather than breaking the player.
export function loadCaptionSettings() {
  let kept;
  try {
    kept = JSON.parse(localStorage.getItem(KEY) ?? '{}') ?? {};
  } catch {
    kept = {}; // storage blocked or unreadable: the defaults
  }
  const text = (value) => (typeof value === 'string' ? value.slice(0, 35) : '');
  return {
    on: kept.on === true,
    language: text(kept.language),
    describe: kept.describe === true,
    speak: kept.speak === true,
    audio: text(kept.audio),
    audioDescribed: kept.audioDescribed === true,
    size: oneOf(kept.size, CUE_SIZES, DEFAULTS.size),
    colour: oneOf(kept.colour, CUE_COLOURS, DEFAULTS.colour),
    background: oneOf(kept.background, CUE_BACKGROUNDS, DEFAULTS.background),
  };
}

export function saveCaptionSettings(settings) {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...DEFAULTS, ...settings }));
  } catch {
    // Storage blocked: the choices hold for as long as the page is open.
  }
}

// Shows captions under `element` the way `settings` say (web/captions.css).
export function applyCueStyle(element, settings) {
  element.dataset.cueSize = settings.size;
  element.dataset.cueColour = settings.colour;
  // Text in the colour of its own background would vanish: then the background turns.
  const clash = settings.colour === settings.background;
  element.dataset.cueBackground = clash ? (settings.colour === 'black' ? 'white' : 'black') : settings.background;
}
