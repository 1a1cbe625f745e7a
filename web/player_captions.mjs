// Captions, audio description and audio tracks on every player page (watch, embed,
// replays; EN 301 549 chapter 7): a captions button beside play, a choice of text track
// when the stream has several (languages, and the audio-description track), a choice of
// audio track when it has several (interpretation), and settings for how captions look,
// all kept in this browser (web/caption_settings.mjs). `c` toggles captions.
//
// Cues are drawn by the browser from the text tracks hls.js fills
// (renderTextTracksNatively): the browser shows each cue against the playing picture's own
// time, so captions stay with their picture; nothing here re-times or redraws a cue. The
// audio-description track (CHARACTERISTICS "public.accessibility.describes-video") is
// followed in "hidden" mode: its cues land in an aria-live region under the player, and
// are read aloud when the viewer asks for that. hls.js follows one text track at a time,
// so the viewer picks captions in a language or the description, not both.
//
// A described sound (an audio rendition with the same CHARACTERISTICS: a describer speaks
// the programme with what is shown) is labelled as audio description in the audio-track
// choice. Audio description is one wish: choosing the description text track (or turning
// it on with the captions button) also switches to the described sound of the language
// being listened to, when the stream has one, and turning it off switches back to that
// language's own sound; choosing a sound in the audio-track choice is kept as it is. While
// the described sound plays the text description is shown but not read aloud (the
// describer already speaks it).
//
// With native HLS (Safari on iOS) the element's own text tracks are used the same way.

import Hls from '/vendor/hls.js/dist/hls.mjs';
import { el } from './agenda.mjs';
import { stringsFor } from './strings.mjs';
import playerStrings from './i18n/player.mjs';
import {
  CUE_BACKGROUNDS,
  CUE_COLOURS,
  CUE_SIZES,
  applyCueStyle,
  loadCaptionSettings,
  saveCaptionSettings,
} from './caption_settings.mjs';

const isDescription = (track) =>
  /describes-video/i.test(track.characteristics ?? track.attrs?.CHARACTERISTICS ?? '') ||
  track.kind === 'descriptions' ||
  /\/desc\//.test(track.url ?? '');

const CC_ICON =
  'M19 4H5a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm-8 7H9.5v-.5h-2v3h2V13H11v1a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1v-4a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1zm7 0h-1.5v-.5h-2v3h2V13H18v1a1 1 0 0 1-1 1h-3a1 1 0 0 1-1-1v-4a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1z';

function svgIcon(path) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  for (const [k, v] of Object.entries({
    'aria-hidden': 'true',
    focusable: 'false',
    width: '22',
    height: '22',
    viewBox: '0 0 24 24',
  }))
    svg.setAttribute(k, v);
  const shape = document.createElementNS(ns, 'path');
  shape.setAttribute('fill', 'currentColor');
  shape.setAttribute('d', path);
  svg.append(shape);
  return svg;
}

let ids = 0;

export class PlayerCaptions {
  #video;
  #styleRoot;
  #strings;
  #announce;
  #settings = loadCaptionSettings();
  #hls = null;
  #button;
  #trackSelect;
  #audioSelect;
  #panel;
  #region;
  #regionText;
  #followed = null; // the TextTrack whose cues go to the description region

  // `video`: the player's element; `styleRoot`: an element around it that carries the cue
  // style; `bar`: where the controls go (after `button` if the page has its own); `lang`:
  // the page's language; `announce(text)`: the page's polite announcer, if it has one;
  // `descriptionAfter`: the element the description region follows.
  constructor({ video, styleRoot, bar, button = null, lang, announce = null, descriptionAfter = null }) {
    this.#video = video;
    this.#styleRoot = styleRoot;
    this.#strings = stringsFor(lang, playerStrings);
    this.#announce = announce ?? (() => {});
    const n = (ids += 1);
    const t = this.#strings.t;

    this.#button =
      button ??
      el('button', { type: 'button', class: 'watch-button watch-captions', id: 'captions' }, svgIcon(CC_ICON));
    this.#button.setAttribute('aria-pressed', 'false');
    this.#button.setAttribute('aria-label', t('captions'));
    this.#button.title = t('captions_key');
    for (const hidden of this.#button.querySelectorAll('.visually-hidden')) hidden.remove();
    this.#button.hidden = true;
    this.#button.addEventListener('click', () => this.toggle());

    this.#trackSelect = el('select', { id: `caption-track-${n}`, class: 'caption-select' });
    this.#trackSelect.addEventListener('change', () => this.#chooseTrack(this.#trackSelect.value));
    this.#audioSelect = el('select', { id: `audio-track-${n}`, class: 'caption-select' });
    this.#audioSelect.addEventListener('change', () => this.#chooseAudio(Number(this.#audioSelect.value)));

    this.#panel = this.#settingsPanel(n);
    const pieces = [
      el(
        'label',
        { class: 'caption-field', hidden: '' },
        el('span', { class: 'visually-hidden' }, t('caption_track')),
        this.#trackSelect,
      ),
      el(
        'label',
        { class: 'caption-field', hidden: '' },
        el('span', { class: 'visually-hidden' }, t('audio_track')),
        this.#audioSelect,
      ),
      this.#panel,
    ];
    if (button) {
      button.after(...pieces);
    } else {
      bar.append(this.#button, ...pieces);
      if (bar.getAttribute('role') === 'group') bar.setAttribute('aria-label', t('captions'));
    }

    this.#regionText = el('p', { class: 'caption-description-text', 'aria-live': 'polite' });
    this.#region = el(
      'section',
      { class: 'caption-description', 'aria-label': t('description_heading'), hidden: '' },
      el('p', { class: 'caption-description-label' }, t('description_heading')),
      this.#regionText,
    );
    (descriptionAfter ?? styleRoot).after(this.#region);

    applyCueStyle(styleRoot, this.#settings);
    video.textTracks?.addEventListener?.('addtrack', () => this.#apply());
    video.textTracks?.addEventListener?.('change', () => this.#follow());
    document.addEventListener('keydown', (e) => this.#onKey(e));
  }

  get on() {
    return this.#settings.on;
  }

  get settings() {
    return { ...this.#settings };
  }

  // A new hls.js instance for the stream (null: none, or native HLS). The player calls this
  // for every instance it makes, so choices survive its rebuilds.
  attach(hls) {
    this.#hls = hls;
    if (hls) {
      const refresh = () => {
        if (this.#hls === hls) this.#apply();
      };
      hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, refresh);
      hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, refresh);
      hls.on(Hls.Events.MANIFEST_PARSED, refresh);
      hls.on(Hls.Events.SUBTITLE_TRACK_SWITCH, () => {
        if (this.#hls === hls) this.#follow();
      });
    }
    this.#apply();
  }

  toggle() {
    this.#settings.on = !this.#settings.on;
    if (this.#wanted(this.#tracks())?.describe) this.#settings.audioDescribed = this.#settings.on;
    this.#save();
    this.#apply();
    this.#announce(this.#strings.t(this.#settings.on ? 'captions_on' : 'captions_off'));
  }

  // --- tracks -------------------------------------------------------------------------

  // The stream's text tracks as {index, lang, name, describe}.
  #tracks() {
    if (this.#hls) {
      return (this.#hls.subtitleTracks ?? []).map((track, index) => ({
        index,
        lang: track.lang ?? '',
        name: track.name ?? track.lang ?? '',
        describe: isDescription(track),
      }));
    }
    return this.#nativeTracks().map((track, index) => ({
      index,
      lang: track.language ?? '',
      name: track.label || track.language || '',
      describe: track.kind === 'descriptions',
    }));
  }

  #nativeTracks() {
    return [...(this.#video.textTracks ?? [])].filter((t) =>
      ['subtitles', 'captions', 'descriptions'].includes(t.kind),
    );
  }

  // The track the settings ask for: the kept language and kind, else captions in the
  // page's language, else the first captions track, else the first track.
  #wanted(tracks) {
    const { language, describe } = this.#settings;
    const pageLang = document.documentElement.lang;
    return (
      tracks.find((t) => t.lang === language && t.describe === describe) ??
      tracks.find((t) => !t.describe && t.lang.startsWith(pageLang)) ??
      tracks.find((t) => !t.describe) ??
      tracks[0] ??
      null
    );
  }

  #apply() {
    const tracks = this.#tracks();
    const wanted = this.#wanted(tracks);
    const on = this.#settings.on && Boolean(wanted);
    this.#button.hidden = tracks.length === 0;
    this.#button.setAttribute('aria-pressed', String(this.#settings.on));
    this.#renderTrackChoice(tracks, wanted);
    this.#renderAudioChoice();
    this.#panel.hidden = tracks.length === 0;
    if (this.#hls) {
      if (tracks.length) {
        // A description is followed hidden (its text goes to the region), captions shown.
        this.#hls.subtitleDisplay = on && !wanted.describe;
        const index = on ? wanted.index : -1;
        if (this.#hls.subtitleTrack !== index) this.#hls.subtitleTrack = index;
      }
    } else {
      this.#nativeTracks().forEach((track, i) => {
        const mode = on && i === wanted.index ? (wanted.describe ? 'hidden' : 'showing') : 'disabled';
        if (track.mode !== mode) track.mode = mode;
      });
    }
    this.#styleRoot.dataset.captions = on ? (wanted.describe ? 'description' : 'on') : 'off';
    this.#follow();
  }

  #renderTrackChoice(tracks, wanted) {
    const names = new Intl.DisplayNames([this.#strings.lang], { type: 'language', fallback: 'code' });
    const label = (track) => {
      let language = track.name;
      try {
        // A description is named by its language (its NAME says "description" already).
        language = (track.describe && track.lang ? names.of(track.lang) : track.name) || names.of(track.lang);
      } catch {
        // not a language tag: the track's own name
      }
      return track.describe ? this.#strings.t('caption_description', { language }) : language;
    };
    this.#trackSelect.replaceChildren(
      ...tracks.map((track) => el('option', { value: String(track.index) }, label(track))),
    );
    if (wanted) this.#trackSelect.value = String(wanted.index);
    this.#trackSelect.parentElement.hidden = tracks.length < 2;
  }

  #chooseTrack(value) {
    const track = this.#tracks().find((t) => String(t.index) === value);
    if (!track) return;
    this.#settings.language = track.lang;
    this.#settings.describe = track.describe;
    this.#settings.audioDescribed = track.describe;
    this.#settings.on = true;
    this.#save();
    this.#apply();
  }

  #renderAudioChoice() {
    const tracks = this.#hls?.audioTracks ?? [];
    const names = new Intl.DisplayNames([this.#strings.lang], { type: 'language', fallback: 'code' });
    const t = this.#strings.t;
    this.#audioSelect.replaceChildren(
      ...tracks.map((track, index) => {
        let name;
        try {
          name = isDescription(track)
            ? t('audio_described', { language: names.of(track.lang) })
            : track.name || names.of(track.lang);
        } catch {
          name = track.name || t('audio_default');
        }
        return el('option', { value: String(index) }, name || t('audio_default'));
      }),
    );
    this.#audioSelect.parentElement.hidden = tracks.length < 2;
    if (tracks.length < 2) return;
    // The kept language (else the one playing), described or not as wished; a language
    // without a described sound keeps its own.
    const lang = this.#settings.audio || (tracks[this.#hls.audioTrack]?.lang ?? '');
    const described = this.#settings.audioDescribed;
    const find = (wish) => tracks.findIndex((track) => track.lang === lang && isDescription(track) === wish);
    let kept = -1;
    if (lang) {
      if (described) kept = find(true);
      if (kept < 0) kept = find(false);
    }
    if (kept >= 0 && this.#hls.audioTrack !== kept) this.#hls.audioTrack = kept;
    this.#audioSelect.value = String(this.#hls.audioTrack);
  }

  #chooseAudio(index) {
    const track = this.#hls?.audioTracks?.[index];
    if (!track) return;
    this.#settings.audio = track.lang ?? '';
    this.#settings.audioDescribed = isDescription(track);
    this.#save();
    this.#hls.audioTrack = index;
  }

  // Whether the sound playing is a described one.
  #describedAudio() {
    const track = this.#hls?.audioTracks?.[this.#hls.audioTrack];
    return Boolean(track && isDescription(track));
  }

  // The audio description: the followed track's cues into the region as they become
  // active (cuechange fires on the media timeline, with the picture).
  #follow() {
    const tracks = this.#tracks();
    const wanted = this.#wanted(tracks);
    const describing = this.#settings.on && wanted?.describe;
    let textTrack = null;
    if (describing) {
      const all = [...(this.#video.textTracks ?? [])];
      const source = this.#hls ? this.#hls.subtitleTracks[wanted.index] : null;
      textTrack = source
        ? (source.trackNode?.track ??
          all.find((t) => t.label === source.name && (t.language || '') === (source.lang || '')) ??
          null)
        : (this.#nativeTracks()[wanted.index] ?? null);
    }
    this.#region.hidden = !describing;
    if (textTrack === this.#followed) return;
    if (this.#followed) this.#followed.oncuechange = null;
    this.#followed = textTrack;
    this.#regionText.textContent = '';
    if (!textTrack) return;
    if (textTrack.mode === 'disabled') textTrack.mode = 'hidden';
    textTrack.oncuechange = () => {
      // The cue's text as read, not its markup: "Q&amp;A" and "<v Anna>" are not spoken.
      const text = [...(textTrack.activeCues ?? [])]
        .map((cue) => (cue.getCueAsHTML ? cue.getCueAsHTML().textContent : cue.text))
        .join('\n');
      if (!text || text === this.#regionText.textContent) return;
      this.#regionText.textContent = text;
      if (this.#settings.speak && !this.#describedAudio() && 'speechSynthesis' in window) {
        const utterance = new SpeechSynthesisUtterance(text);
        utterance.lang = textTrack.language || document.documentElement.lang;
        speechSynthesis.speak(utterance);
      }
    };
  }

  // --- settings -----------------------------------------------------------------------

  #settingsPanel(n) {
    const t = this.#strings.t;
    const choice = (key, values, prefix) => {
      const select = el(
        'select',
        { id: `caption-${key}-${n}`, 'data-setting': key },
        ...values.map((value) => el('option', { value }, t(`${prefix}_${value}`))),
      );
      select.value = this.#settings[key];
      select.addEventListener('change', () => {
        this.#settings[key] = select.value;
        this.#save();
        applyCueStyle(this.#styleRoot, this.#settings);
      });
      return el('div', { class: 'caption-setting' }, el('label', { for: select.id }, t(`caption_${key}`)), select);
    };
    const speak = el('input', { type: 'checkbox', id: `caption-speak-${n}`, 'data-setting': 'speak' });
    speak.checked = this.#settings.speak;
    speak.addEventListener('change', () => {
      this.#settings.speak = speak.checked;
      this.#save();
      if (!speak.checked && 'speechSynthesis' in window) speechSynthesis.cancel();
    });
    return el(
      'details',
      { class: 'caption-settings', hidden: '' },
      el('summary', { class: 'caption-settings-summary' }, t('caption_settings')),
      el(
        'div',
        { class: 'caption-settings-body' },
        choice('size', CUE_SIZES, 'size'),
        choice('colour', CUE_COLOURS, 'colour'),
        choice('background', CUE_BACKGROUNDS, 'background'),
        el(
          'div',
          { class: 'caption-setting caption-setting-check' },
          speak,
          el('label', { for: speak.id }, t('speak_descriptions')),
        ),
      ),
    );
  }

  #save() {
    saveCaptionSettings(this.#settings);
  }

  // `c` anywhere but in a field that takes text.
  #onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.key.toLowerCase() !== 'c' || e.repeat) return;
    const target = e.target;
    const tag = target?.tagName;
    const typing =
      tag === 'TEXTAREA' ||
      tag === 'SELECT' ||
      target?.isContentEditable ||
      (tag === 'INPUT' && !['range', 'checkbox', 'button', 'radio'].includes(target.type));
    if (typing || this.#button.hidden) return;
    e.preventDefault();
    this.toggle();
  }
}
