// The console's Accessibility view: the event's accessibility statement settings
// (PUT /api/v1/events/{event}/accessibility) and the feedback the public sent through the
// statement's form (GET …/accessibility/feedback), new messages arriving on `ops` as
// `feedback` (docs/PROTOCOL.md) while the console is open.

import { el } from './agenda.mjs';
import { stringsFor } from './strings.mjs';
import { describeError } from './organise_preview.mjs';
import { statementHref } from './statement_paths.mjs';
import consoleStrings from './i18n/organise_accessibility.mjs';

const GAP_LANGUAGES = [
  ['sv', 'svenska'],
  ['nb', 'norsk'],
  ['en', 'English'],
];

export function createAccessibilityView(root, ctx) {
  const s = stringsFor(ctx.strings.lang, consoleStrings);
  const errorText = (error) => {
    const { lead, detail } = describeError(error, ctx.strings);
    return detail ? `${lead} ${detail}` : lead;
  };
  const base = () => `/api/v1/events/${encodeURIComponent(ctx.event.id)}/accessibility`;
  let visible = false;
  let items = [];

  const field = (id, label, control, hint = null) =>
    el(
      'p',
      { class: 'organise-field' },
      el('label', { for: id }, label),
      hint ? el('span', { class: 'organise-hint', id: `${id}-hint` }, hint) : null,
      control,
    );
  const select = (id, options) =>
    el('select', { id, name: id }, ...options.map(([value, label]) => el('option', { value }, label)));

  const publisher = el('input', { id: 'a11y-publisher', type: 'text', maxlength: '200' });
  const contact = el('input', {
    id: 'a11y-contact',
    type: 'email',
    maxlength: '200',
    'aria-describedby': 'a11y-contact-hint',
  });
  const compliance = select('a11y-compliance', [
    ['full', s.t('a11y_full')],
    ['partial', s.t('a11y_partial')],
    ['none', s.t('a11y_none')],
  ]);
  const evaluation = select('a11y-evaluation', [
    ['self', s.t('a11y_self')],
    ['external', s.t('a11y_external')],
  ]);
  const country = select('a11y-country', [
    ['SE', s.t('a11y_country_SE')],
    ['NO', s.t('a11y_country_NO')],
  ]);
  const prepared = el('input', { id: 'a11y-prepared', type: 'date' });
  const reviewed = el('input', { id: 'a11y-reviewed', type: 'date' });
  const gaps = new Map(
    GAP_LANGUAGES.map(([code]) => [code, el('textarea', { id: `a11y-gaps-${code}`, rows: '3', maxlength: '8000' })]),
  );
  const contactHint = el('span');
  const status = el('p', { class: 'organise-message', role: 'status', id: 'a11y-status' });
  const publicLink = el('a', { href: '#', id: 'a11y-public-link' }, s.t('a11y_public'));
  const form = el(
    'form',
    { class: 'organise-a11y-form', id: 'a11y-form', 'aria-labelledby': 'a11y-settings-heading' },
    el('h3', { id: 'a11y-settings-heading' }, s.t('a11y_settings')),
    field('a11y-publisher', s.t('a11y_publisher'), publisher),
    field('a11y-contact', s.t('a11y_contact'), contact, contactHint),
    el(
      'div',
      { class: 'organise-field-pair' },
      field('a11y-compliance', s.t('a11y_compliance'), compliance),
      field('a11y-evaluation', s.t('a11y_evaluation'), evaluation),
      field('a11y-country', s.t('a11y_country'), country),
    ),
    el(
      'div',
      { class: 'organise-field-pair' },
      field('a11y-prepared', s.t('a11y_prepared'), prepared),
      field('a11y-reviewed', s.t('a11y_reviewed'), reviewed),
    ),
    ...GAP_LANGUAGES.map(([code, name]) =>
      field(`a11y-gaps-${code}`, s.t('a11y_gaps', { language: name }), gaps.get(code)),
    ),
    el('button', { type: 'submit', class: 'organise-button organise-button-primary' }, s.t('a11y_save')),
    status,
  );
  const list = el('ol', { class: 'organise-a11y-feedback', id: 'a11y-feedback' });
  const empty = el('p', { id: 'a11y-feedback-none' }, s.t('a11y_feedback_none'));

  root.replaceChildren(
    el('h2', { id: 'organise-accessibility-heading', tabindex: '-1' }, s.t('a11y_heading')),
    el('p', {}, publicLink),
    form,
    el(
      'section',
      { 'aria-labelledby': 'a11y-feedback-heading' },
      el('h3', { id: 'a11y-feedback-heading' }, s.t('a11y_feedback')),
      empty,
      list,
    ),
  );

  function fill(statement) {
    publisher.value = statement.own_publisher ?? '';
    contact.value = statement.own_contact_email ?? '';
    contactHint.textContent = s.t('a11y_contact_hint', { email: statement.server_contact_email ?? '–' });
    compliance.value = statement.compliance;
    evaluation.value = statement.evaluation;
    country.value = statement.country;
    prepared.value = statement.prepared ?? '';
    reviewed.value = statement.reviewed ?? '';
    for (const [code, area] of gaps) area.value = statement.known_gaps?.[code] ?? '';
    publicLink.href = statementHref(ctx.strings.lang, ctx.event.id);
  }

  function renderFeedback() {
    const format = new Intl.DateTimeFormat(ctx.strings.locale, {
      dateStyle: 'short',
      timeStyle: 'short',
      timeZone: ctx.tz,
    });
    empty.hidden = items.length > 0;
    list.replaceChildren(
      ...items.map((f) =>
        el(
          'li',
          { class: 'organise-a11y-item', 'data-id': f.id },
          el(
            'p',
            { class: 'organise-a11y-meta' },
            `${format.format(new Date(f.received))} · `,
            f.name || f.email
              ? [f.name ?? '', f.email ? ' ' : '', f.email ? el('a', { href: `mailto:${f.email}` }, f.email) : '']
              : s.t('a11y_anonymous'),
            f.page ? ` · ${s.t('a11y_page', { page: f.page })}` : '',
          ),
          el('p', { class: 'organise-a11y-message' }, f.message),
        ),
      ),
    );
  }

  async function load() {
    try {
      const [statement, feedback] = await Promise.all([ctx.api.get(base()), ctx.api.get(`${base()}/feedback`)]);
      fill(statement);
      items = feedback.feedback;
      renderFeedback();
    } catch (error) {
      status.dataset.state = 'error';
      status.textContent = errorText(error);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    status.dataset.state = '';
    const body = {
      publisher: publisher.value,
      contact_email: contact.value.trim(),
      compliance: compliance.value,
      evaluation: evaluation.value,
      country: country.value,
      reviewed: reviewed.value || null,
      known_gaps: Object.fromEntries([...gaps].map(([code, area]) => [code, area.value])),
    };
    if (prepared.value) body.prepared = prepared.value;
    try {
      fill(await ctx.api.put(base(), body));
      status.textContent = s.t('a11y_saved');
    } catch (error) {
      status.dataset.state = 'error';
      status.textContent = errorText(error);
    }
  });

  ctx.feed.addEventListener('ops', (e) => {
    const message = e.detail;
    if (message.type !== 'feedback' || message.event !== ctx.event?.id) return;
    if (items.some((f) => f.id === message.feedback.id)) return;
    items = [message.feedback, ...items];
    if (visible) renderFeedback();
  });

  return {
    show() {
      visible = true;
      ctx.follow('accessibility', ['ops']);
      load();
    },
    hide() {
      visible = false;
    },
    reset() {
      items = [];
      list.replaceChildren();
    },
  };
}
