// The accessibility statement (/tillganglighet sv, /tilgjengelighet nb, /accessibility
// en; ?lang= overrides): DIGG's required content, generated from the event's settings
// (GET /api/v1/events/{event}/accessibility), with the feedback form whose messages reach
// the event's organisers (POST …/accessibility/feedback). ?event=ID chooses the event; without
// it the page shows the only published one, or a list when the server holds several.

import { pickLanguage, stringsFor } from '/strings.mjs';
import { el } from '/agenda.mjs';
import { STATEMENT_PATHS, languageOfPath, statementHref } from '/statement_paths.mjs';
import statementStrings from '/i18n/accessibility.mjs';

const MAX_MESSAGE = 4000;
const SUPERVISION = {
  SE: [{ key: 'supervision_SE_link', href: 'https://www.digg.se/tdosanmalan' }],
  NO: [
    { key: 'supervision_NO_link', href: 'https://www.uutilsynet.no/' },
    { key: 'complaint_NO_link', href: 'https://www.diskrimineringsnemnda.no/' },
  ],
};
const LANGUAGE_NAMES = { sv: 'Svenska', nb: 'Norsk', en: 'English' };

const params = new URLSearchParams(window.location.search);
const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
const lang = pickLanguage(preferred, params.get('lang') ?? languageOfPath(window.location.pathname));
const strings = stringsFor(lang, statementStrings);
const $ = (id) => document.getElementById(id);
let eventId = params.get('event');
let statement = null;

document.documentElement.lang = lang;
document.title = strings.t('statement_title');
for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = strings.t(node.dataset.i18n);

function renderLanguageSwitch() {
  const nav = $('language-switch');
  nav.setAttribute('aria-label', strings.t('language'));
  nav.replaceChildren(
    ...Object.keys(STATEMENT_PATHS).map((code) =>
      el(
        'a',
        {
          href: statementHref(code, eventId),
          lang: code,
          hreflang: code,
          'aria-current': code === lang ? 'true' : null,
        },
        LANGUAGE_NAMES[code],
      ),
    ),
  );
}

function formatDate(text) {
  if (!text) return '';
  const [y, m, d] = text.split('-').map(Number);
  return new Intl.DateTimeFormat(strings.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

// The organisers' own text: paragraphs as written, in the page's language or else the
// event's main language.
function knownGapsText() {
  const gaps = statement.known_gaps ?? {};
  return gaps[lang] ?? gaps[statement.event.languages?.[0]] ?? Object.values(gaps)[0] ?? '';
}

function render() {
  const law = strings.t(`law_${statement.country}`);
  const event = statement.event.title;
  $('statement-title').textContent = strings.t('statement_for', { event });
  document.title = `${strings.t('statement_title')} – ${event}`;
  $('statement-intro').textContent = strings.t('statement_intro', { publisher: statement.publisher, event, law });
  $('compliance').textContent = strings.t(`compliance_${statement.compliance}`, { law });
  $('compliance').dataset.compliance = statement.compliance;

  const text = knownGapsText();
  $('known-gaps').replaceChildren(
    ...text
      .split(/\n\s*\n/)
      .filter((p) => p.trim())
      .map((p) => el('p', {}, p.trim())),
  );
  const uncaptioned = statement.replays_without_complete_captions ?? [];
  $('captions-gap').hidden = uncaptioned.length === 0;
  $('uncaptioned').replaceChildren(
    ...uncaptioned.map((r) =>
      el(
        'li',
        { 'data-session': r.session },
        el('a', { href: `/replays?session=${encodeURIComponent(r.session)}&lang=${lang}` }, r.title),
        ` (${strings.t('held', { date: formatDate(r.held.slice(0, 10)) })})`,
      ),
    ),
  );
  $('gaps-none').hidden = Boolean(text) || uncaptioned.length > 0;

  const email = statement.contact_email;
  $('report-contact').replaceChildren(
    ...(email
      ? strings
          .t('report_email', { email: '\u0000' })
          .split('\u0000')
          .flatMap((part, i) => (i === 0 ? [part] : [el('a', { href: `mailto:${email}` }, email), part]))
      : [strings.t('report_form_only')]),
  );
  $('form-privacy').textContent = strings.t('form_privacy', { event });

  $('supervision').textContent = strings.t(`supervision_${statement.country}`);
  $('supervision-links').replaceChildren(
    ...(SUPERVISION[statement.country] ?? SUPERVISION.SE).map(({ key, href }) =>
      el('li', {}, el('a', { href }, strings.t(key))),
    ),
  );
  $('method').textContent = strings.t(statement.evaluation === 'external' ? 'method_external' : 'method_self');
  const dates = [strings.t('prepared', { date: formatDate(statement.prepared) })];
  if (statement.reviewed) dates.push(strings.t('reviewed', { date: formatDate(statement.reviewed) }));
  $('dates').textContent = dates.join(' ');
  $('live-link').href = `/event/${encodeURIComponent(statement.event.id)}?lang=${lang}`;
  $('statement').hidden = false;
}

function renderEventList(events) {
  $('statement-events').hidden = false;
  $('statement-event-list').replaceChildren(
    ...events.map((e) => el('li', {}, el('a', { href: statementHref(lang, e.id) }, e.title))),
  );
}

// --- the form ---------------------------------------------------------------------------

const form = $('feedback-form');
const message = $('feedback-message');

function updateCount() {
  $('feedback-message-count').textContent = strings.t('chars_left', {
    n: Math.max(0, MAX_MESSAGE - [...message.value].length),
  });
}

function showError(text, field = null) {
  const box = $('form-error');
  box.textContent = text;
  box.hidden = false;
  message.removeAttribute('aria-invalid');
  if (field) {
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-errormessage', 'form-error');
    field.focus();
  } else {
    box.focus();
  }
}

function clearMessages() {
  $('form-error').hidden = true;
  $('form-error').textContent = '';
  $('form-sent').textContent = '';
  message.removeAttribute('aria-invalid');
}

async function send(event) {
  event.preventDefault();
  clearMessages();
  const text = message.value;
  if (!text.trim()) return showError(strings.t('error_required'), message);
  if ([...text].length > MAX_MESSAGE) return showError(strings.t('error_too_long'), message);
  const button = $('feedback-send');
  button.disabled = true;
  button.textContent = strings.t('sending');
  try {
    const response = await fetch(`/api/v1/events/${encodeURIComponent(statement.event.id)}/accessibility/feedback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        message: text,
        page: $('feedback-page').value,
        name: $('feedback-name').value,
        email: $('feedback-email').value,
        language: lang,
      }),
    });
    if (response.status === 429) {
      const seconds = Number(response.headers.get('Retry-After')) || 60;
      return showError(strings.t('error_rate', { s: seconds }));
    }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      return showError(strings.t('error_failed', { message: body?.error?.message ?? response.status }));
    }
    form.reset();
    updateCount();
    $('feedback-page').value = document.referrer || '';
    const sent = $('form-sent');
    sent.textContent = strings.t('sent');
    sent.focus();
  } catch (error) {
    showError(strings.t('error_failed', { message: error.message ?? String(error) }));
  } finally {
    button.disabled = false;
    button.textContent = strings.t('send');
  }
}

form.addEventListener('submit', send);
message.addEventListener('input', updateCount);

// --- loading ----------------------------------------------------------------------------

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

async function load() {
  if (!eventId) {
    const { events } = await getJson('/api/v1/accessibility');
    if (events.length === 0) {
      $('statement-status').textContent = strings.t('no_events');
      return;
    }
    if (events.length > 1) {
      renderEventList(events);
      return;
    }
    eventId = events[0].id;
    renderLanguageSwitch();
  }
  statement = await getJson(`/api/v1/events/${encodeURIComponent(eventId)}/accessibility`);
  render();
}

renderLanguageSwitch();
updateCount();
$('feedback-page').value = document.referrer || '';
load().catch(() => {
  $('statement-status').textContent = strings.t('statement_failed');
});
