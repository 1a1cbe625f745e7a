// UI strings of the attendee pages in Swedish, Norwegian bokmål and English.
//
// The language follows the visitor's browser (navigator.languages, first supported
// one wins) and falls back to Swedish, the language of the events. `?lang=xx` in the
// page address overrides both, which helps when checking a translation. Programme
// content (titles, abstracts) is never translated: it is shown in the event's language.

const STRINGS = {
  sv: {
    speaker_title: 'Mina pass',
    speaker_hello: 'Hej {name}',
    speaker_link_invalid: 'Länken gäller inte längre. Be arrangören om en ny.',
    speaker_none: 'Du har inga pass i programmet.',
    running_order: 'Talarordning',
    you_are_next: 'Du är näst på tur',
    you_speak_now: 'Du har ordet',
    speaking_now: 'Har ordet',
    next_in_line: 'Näst på tur',
    your_time_left: 'Din tid kvar',
    over_time: 'Över tiden med {t}',
    panel_waiting: 'Panelen har inte börjat',
    panel_finished: 'Panelen är slut',
    you: 'du',
    replays: 'Inspelningar',
    replays_none: 'Inga inspelningar ännu. De kommer några sekunder efter att ett pass har slutat.',
    replay_duration: '{m} min',
    replay_play: 'Spela upp',
    locale: 'sv-SE',
    language: 'Språk',
    today: 'I dag',
    speaker_next_starts: 'Ditt nästa pass börjar om {t}',
    skip_to_agenda: 'Hoppa till programmet',
    stages: 'Scener',
    live_broadcast: 'Direktsändning',
    on_now: 'Pågår nu',
    up_next: 'Härnäst',
    agenda: 'Dagens program',
    agenda_stage: 'Program – {stage}',
    ends_in: 'Slutar om {t}',
    starts_in: 'Börjar om {t}',
    ending_now: 'Avslutas nu',
    starting_now: 'Börjar nu',
    nothing_now: 'Inget pågår just nu',
    nothing_next: 'Inget mer på den här scenen i dag',
    badge_now: 'Pågår',
    badge_next: 'Nästa',
    unmute: 'Slå på ljudet',
    waiting: 'Sändningen startar snart …',
    recovering: 'Återansluter till sändningen …',
    offline: 'Den här scenen sänds inte.',
    unsupported: 'Den här webbläsaren kan inte spela upp sändningen.',
    connected: 'Uppdateras direkt',
    reconnecting: 'Anslutningen bröts – försöker igen …',
    loading: 'Hämtar programmet …',
    load_failed: 'Programmet kunde inte hämtas. Försöker igen …',
    no_event: 'Inget evenemang är publicerat just nu.',
    times_in: 'Tiderna anges i tidszonen {tz}.',
    theme: 'Tema',
    speakers: 'Medverkande',
    kinds: {
      talk: 'Föreläsning',
      panel: 'Paneldialog',
      keynote: 'Huvudpass',
      break: 'Paus',
      study_visit: 'Studiebesök',
      remote_training: 'Distansutbildning',
      workshop: 'Workshop',
    },
    roles: { speaker: 'Talare', panelist: 'Paneldeltagare', moderator: 'Moderator' },
  },
  nb: {
    speaker_title: 'Mine økter',
    speaker_hello: 'Hei {name}',
    speaker_link_invalid: 'Lenken gjelder ikke lenger. Be arrangøren om en ny.',
    speaker_none: 'Du har ingen økter i programmet.',
    running_order: 'Taleliste',
    you_are_next: 'Du er neste',
    you_speak_now: 'Du har ordet',
    speaking_now: 'Har ordet',
    next_in_line: 'Neste',
    your_time_left: 'Din tid igjen',
    over_time: 'Over tiden med {t}',
    panel_waiting: 'Panelet har ikke begynt',
    panel_finished: 'Panelet er ferdig',
    you: 'deg',
    replays: 'Opptak',
    replays_none: 'Ingen opptak ennå. De kommer noen sekunder etter at en økt er slutt.',
    replay_duration: '{m} min',
    replay_play: 'Spill av',
    locale: 'nb-NO',
    language: 'Språk',
    today: 'I dag',
    speaker_next_starts: 'Ditt neste innslag begynner om {t}',
    skip_to_agenda: 'Hopp til programmet',
    stages: 'Scener',
    live_broadcast: 'Direktesending',
    on_now: 'Pågår nå',
    up_next: 'Neste',
    agenda: 'Dagens program',
    agenda_stage: 'Program – {stage}',
    ends_in: 'Slutter om {t}',
    starts_in: 'Starter om {t}',
    ending_now: 'Avsluttes nå',
    starting_now: 'Starter nå',
    nothing_now: 'Ingenting pågår akkurat nå',
    nothing_next: 'Ikke mer på denne scenen i dag',
    badge_now: 'Pågår',
    badge_next: 'Neste',
    unmute: 'Slå på lyden',
    waiting: 'Sendingen starter snart …',
    recovering: 'Kobler til sendingen igjen …',
    offline: 'Denne scenen sendes ikke.',
    unsupported: 'Denne nettleseren kan ikke spille av sendingen.',
    connected: 'Oppdateres direkte',
    reconnecting: 'Forbindelsen ble brutt – prøver igjen …',
    loading: 'Henter programmet …',
    load_failed: 'Programmet kunne ikke hentes. Prøver igjen …',
    no_event: 'Ingen arrangementer er publisert akkurat nå.',
    times_in: 'Tidene er oppgitt i tidssonen {tz}.',
    theme: 'Tema',
    speakers: 'Medvirkende',
    kinds: {
      talk: 'Foredrag',
      panel: 'Panelsamtale',
      keynote: 'Hovedinnlegg',
      break: 'Pause',
      study_visit: 'Studiebesøk',
      remote_training: 'Fjernopplæring',
      workshop: 'Verksted',
    },
    roles: { speaker: 'Foredragsholder', panelist: 'Paneldeltaker', moderator: 'Moderator' },
  },
  en: {
    speaker_title: 'My sessions',
    speaker_hello: 'Hello {name}',
    speaker_link_invalid: 'This link is no longer valid. Ask the organiser for a new one.',
    speaker_none: 'You have no sessions in the programme.',
    running_order: 'Running order',
    you_are_next: 'You are up next',
    you_speak_now: 'You have the floor',
    speaking_now: 'Speaking',
    next_in_line: 'Next',
    your_time_left: 'Your time left',
    over_time: 'Over time by {t}',
    panel_waiting: 'The panel has not started',
    panel_finished: 'The panel has finished',
    you: 'you',
    replays: 'Replays',
    replays_none: 'No replays yet. They appear a few seconds after a session ends.',
    replay_duration: '{m} min',
    replay_play: 'Play',
    locale: 'en-GB',
    language: 'Language',
    today: 'Today',
    speaker_next_starts: 'Your next session starts in {t}',
    skip_to_agenda: 'Skip to the programme',
    stages: 'Stages',
    live_broadcast: 'Live broadcast',
    on_now: 'On now',
    up_next: 'Up next',
    agenda: "Today's programme",
    agenda_stage: 'Programme – {stage}',
    ends_in: 'Ends in {t}',
    starts_in: 'Starts in {t}',
    ending_now: 'Ending now',
    starting_now: 'Starting now',
    nothing_now: 'Nothing on right now',
    nothing_next: 'Nothing more on this stage today',
    badge_now: 'Now',
    badge_next: 'Next',
    unmute: 'Unmute',
    waiting: 'The broadcast starts shortly …',
    recovering: 'Reconnecting to the broadcast …',
    offline: 'This stage is not broadcast.',
    unsupported: 'This browser cannot play the broadcast.',
    connected: 'Updating live',
    reconnecting: 'Connection lost – retrying …',
    loading: 'Loading the programme …',
    load_failed: 'The programme could not be loaded. Retrying …',
    no_event: 'No event is published right now.',
    times_in: 'Times are shown in the {tz} time zone.',
    theme: 'Theme',
    speakers: 'Speakers',
    kinds: {
      talk: 'Talk',
      panel: 'Panel discussion',
      keynote: 'Keynote',
      break: 'Break',
      study_visit: 'Study visit',
      remote_training: 'Remote training',
      workshop: 'Workshop',
    },
    roles: { speaker: 'Speaker', panelist: 'Panellist', moderator: 'Moderator' },
  },
};

export const DEFAULT_LANGUAGE = 'sv';

// Maps a BCP 47 tag to one of our languages, or null. Norwegian without a written
// standard ("no") and nynorsk ("nn") readers get bokmål, the closest we have.
function supported(tag) {
  const primary = String(tag).toLowerCase().split(/[-_]/)[0];
  if (primary === 'sv' || primary === 'en') return primary;
  if (primary === 'nb' || primary === 'no' || primary === 'nn') return 'nb';
  return null;
}

export function pickLanguage(preferred = [], override = null) {
  for (const tag of [override, ...preferred]) {
    if (!tag) continue;
    const lang = supported(tag);
    if (lang) return lang;
  }
  return DEFAULT_LANGUAGE;
}

// The locale to format dates and times in: the visitor's own when it is of the page's
// language (en-US gets 12-hour times, en-GB 24-hour), else the language's usual one.
export function visitorLocale(strings, preferred = []) {
  const primary = (tag) => String(tag).toLowerCase().split(/[-_]/)[0];
  const same = (tag) =>
    strings.lang === 'nb' ? ['nb', 'no', 'nn'].includes(primary(tag)) : primary(tag) === strings.lang;
  const tag = preferred.find((t) => t && same(t));
  try {
    return tag ? (Intl.DateTimeFormat.supportedLocalesOf([tag])[0] ?? strings.locale) : strings.locale;
  } catch {
    return strings.locale;
  }
}

// The strings of `lang` with a `t(key, vars)` helper that fills {placeholders}.
// `pageStrings` ({sv: {...}, nb: {...}, en: {...}}, kept beside a page in web/i18n/) adds
// the page's own strings to the shared ones.
export function stringsFor(lang, pageStrings = null) {
  const table = { ...(STRINGS[lang] ?? STRINGS[DEFAULT_LANGUAGE]), ...(pageStrings?.[lang] ?? {}) };
  const fallback = { ...STRINGS[DEFAULT_LANGUAGE], ...(pageStrings?.[DEFAULT_LANGUAGE] ?? {}) };
  const t = (key, vars = {}) => {
    const text = table[key] ?? fallback[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
  };
  return {
    lang,
    locale: table.locale,
    t,
    kind: (kind) => table.kinds[kind] ?? kind,
    role: (role) => table.roles[role] ?? role,
  };
}
