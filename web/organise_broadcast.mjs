// The Broadcast view: per stage, what goes out (on air / off air / a slate with the
// organiser's text: organise_on_air.mjs), its source (kind and address as in
// docs/BROADCAST.md, changed through the dry-run preview) and its live health from the
// `ops` websocket channel (docs/PROTOCOL.md): what is on air (input or slate), the
// pipeline's and the input's state, bitrate, frame rate, dropped frames, keyframe
// interval, picture size, and the latest switches between input and slate.
//
// The `ops` channel comes over the console's one websocket (ctx.feed, a ProgrammeFeed with
// the organiser's token): followed from the first time the view is shown, so the switch
// log keeps filling while another view is on screen.

import { el } from './agenda.mjs';
import { createPreview } from './organise_preview.mjs';
import { createOnAirControl } from './organise_on_air.mjs';

const SOURCE_KINDS = ['test_pattern', 'srt', 'rtmp', 'rtsp', 'file'];
const LOWER_THIRDS = ['automatic', 'burned_in', 'player', 'off'];
const PLACEHOLDERS = {
  srt: 'srt://:9000',
  rtmp: 'rtmp://127.0.0.1:1935/live/KEY',
  rtsp: 'rtsp://camera/stream',
  file: '/media/recordings',
};
const MAX_SWITCHES = 5;

export function createBroadcastView(root, ctx) {
  const { strings, api } = ctx;
  const health = new Map(); // stage id → latest health object
  const switches = new Map(); // stage id → [switch messages], newest first
  const controls = new Map(); // stage id → its on-air control (organise_on_air.mjs)
  let sources = new Map(); // stage id → {source, lower_third} from programme.json
  let visible = false;

  const list = el('div', { class: 'organise-stages', id: 'organise-stages' });
  const previewHost = el('div', { class: 'organise-preview-host' });
  root.append(
    el('h2', { id: 'organise-broadcast-heading', tabindex: '-1' }, strings.t('broadcast_heading')),
    previewHost,
    list,
  );
  const preview = createPreview(previewHost, {
    id: 'organise-broadcast',
    strings,
    formatTime: (iso) => ctx.formatTime(iso),
    stageName: (id) => ctx.stageName(id),
    onDone: () => loadSources().then(render),
  });

  const stagesOfEvent = () => new Set((ctx.event.stages ?? []).map((s) => s.id));

  function onOps(message) {
    if (!stagesOfEvent().has(message.stage)) return;
    if (message.type === 'health' && message.health) {
      health.set(message.stage, { ...message.health, received: message.server_time });
      renderHealth(message.stage);
      controls.get(message.stage)?.update(message.health.control);
    } else if (message.type === 'control') {
      controls.get(message.stage)?.update(message);
    } else if (message.type === 'switch') {
      const log = [message, ...(switches.get(message.stage) ?? [])].slice(0, MAX_SWITCHES);
      switches.set(message.stage, log);
      const current = health.get(message.stage);
      if (current) health.set(message.stage, { ...current, on_air: message.on_air });
      renderHealth(message.stage);
    }
  }

  async function loadSources() {
    try {
      const file = await api.get(`/api/v1/events/${encodeURIComponent(ctx.event.id)}/programme.json`);
      sources = new Map(
        (file.stages ?? []).map((s) => [
          s.id,
          { source: s.source ?? { kind: 'test_pattern' }, lower_third: s.lower_third ?? 'automatic' },
        ]),
      );
    } catch (error) {
      preview.showError(error);
    }
  }

  async function loadHealth() {
    await Promise.all(
      (ctx.event.stages ?? [])
        .filter((s) => s.broadcast !== false)
        .map(async (stage) => {
          try {
            health.set(stage.id, await api.get(`/api/v1/stages/${encodeURIComponent(stage.id)}/health`));
            renderHealth(stage.id);
            controls.get(stage.id)?.update(health.get(stage.id).control);
          } catch {
            // the ops channel brings it within 5 s
          }
        }),
    );
  }

  // --- rendering ----------------------------------------------------------------------

  const fact = (label, value, key) => [el('dt', {}, label), el('dd', { 'data-fact': key }, value ?? '–')];
  const number = (n, digits = 0) =>
    Number.isFinite(n)
      ? new Intl.NumberFormat(strings.locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(
          n,
        )
      : null;

  function renderHealth(stageId) {
    const node = root.querySelector(`[data-health="${CSS.escape(stageId)}"]`);
    if (!node) return;
    const h = health.get(stageId);
    if (!h) {
      node.replaceChildren(el('p', {}, strings.t('health_none')));
      return;
    }
    const src = h.source ?? {};
    const onAir =
      h.on_air === 'slate' ? strings.t('on_air_slate') : h.on_air === 'input' ? strings.t('on_air_input') : null;
    const updated = h.received ?? h.server_time;
    node.replaceChildren(
      ...[
        el(
          'p',
          { class: 'organise-on-air', 'data-on-air': h.on_air ?? 'none' },
          el('span', { class: 'organise-on-air-label' }, `${strings.t('on_air')}: `),
          onAir ?? strings.t(`hs_${h.state}`),
        ),
        el(
          'dl',
          { class: 'organise-facts organise-health-facts' },
          ...fact(strings.t('pipeline_state'), strings.t(`hs_${h.state}`), 'state'),
          ...fact(strings.t('source_state'), src.state ? strings.t(`ss_${src.state}`) : null, 'source_state'),
          ...fact(
            strings.t('bitrate'),
            number(src.bitrate_kbps) && strings.t('unit_kbps', { n: number(src.bitrate_kbps) }),
            'bitrate',
          ),
          ...fact(strings.t('fps'), number(src.fps, 1), 'fps'),
          ...fact(strings.t('dropped'), number(src.dropped_frames), 'dropped'),
          ...fact(
            strings.t('keyframe_interval'),
            number(src.keyframe_interval_seconds, 1) &&
              strings.t('unit_seconds', { n: number(src.keyframe_interval_seconds, 1) }),
            'keyframe',
          ),
          ...fact(strings.t('picture_size'), src.width && src.height ? `${src.width} × ${src.height}` : null, 'size'),
          ...fact(strings.t('segments'), number(h.segments), 'segments'),
          ...fact(strings.t('switches'), number(h.switches), 'switches'),
          ...fact(
            strings.t('slate_time'),
            number(h.slate_seconds, 1) && strings.t('unit_seconds', { n: number(h.slate_seconds, 1) }),
            'slate',
          ),
          ...(h.error || src.error ? fact(strings.t('health_error'), h.error || src.error, 'error') : []),
        ),
        renderSwitches(stageId),
        updated
          ? el(
              'p',
              { class: 'organise-hint', 'data-fact': 'updated' },
              strings.t('health_updated', {
                time: new Intl.DateTimeFormat(strings.locale, { timeZone: ctx.tz, timeStyle: 'medium' }).format(
                  new Date(updated),
                ),
              }),
            )
          : null,
      ].filter(Boolean),
    );
  }

  function renderSwitches(stageId) {
    const log = switches.get(stageId) ?? [];
    if (!log.length) return null;
    const time = (iso) =>
      new Intl.DateTimeFormat(strings.locale, { timeZone: ctx.tz, timeStyle: 'medium' }).format(new Date(iso));
    return el(
      'div',
      { class: 'organise-switches' },
      el('h4', {}, strings.t('switch_log')),
      el(
        'ul',
        {},
        ...log.map((s) =>
          el(
            'li',
            { 'data-on-air': s.on_air },
            s.on_air !== 'slate'
              ? strings.t('switch_to_input', { time: time(s.at) })
              : s.cause === 'organiser'
                ? strings.t('switch_to_slate_by_hand', { time: time(s.at) })
                : strings.t('switch_to_slate', { time: time(s.at), reason: s.reason ?? '' }),
          ),
        ),
      ),
    );
  }

  function renderSourceForm(stage) {
    const current = sources.get(stage.id) ?? { source: { kind: 'test_pattern' }, lower_third: 'automatic' };
    const id = (name) => `organise-${name}-${stage.id}`;
    const kind = el(
      'select',
      { id: id('kind') },
      ...SOURCE_KINDS.map((k) =>
        el('option', { value: k, selected: k === current.source.kind }, strings.t(`source_${k}`)),
      ),
    );
    const url = el('input', {
      id: id('url'),
      type: 'text',
      value: current.source.url ?? '',
      autocomplete: 'off',
      spellcheck: 'false',
    });
    const pass = el('input', {
      id: id('passphrase'),
      type: 'password',
      autocomplete: 'off',
      minlength: '10',
      maxlength: '79',
    });
    const lowerThird = el(
      'select',
      { id: id('lower-third') },
      ...LOWER_THIRDS.map((k) => el('option', { value: k, selected: k === current.lower_third }, strings.t(`lt_${k}`))),
    );
    const urlField = el(
      'p',
      { class: 'organise-field' },
      el('label', { for: id('url') }, strings.t('source_url')),
      url,
    );
    const passField = el(
      'p',
      { class: 'organise-field' },
      el('label', { for: id('passphrase') }, strings.t('source_passphrase')),
      pass,
    );
    const sync = () => {
      urlField.hidden = kind.value === 'test_pattern';
      passField.hidden = kind.value !== 'srt';
      url.placeholder = PLACEHOLDERS[kind.value] ?? '';
    };
    kind.addEventListener('change', sync);
    sync();
    const form = el(
      'form',
      { class: 'organise-source', novalidate: true, 'aria-labelledby': id('source-heading') },
      el('h4', { id: id('source-heading') }, strings.t('source_heading')),
      el('p', { class: 'organise-field' }, el('label', { for: id('kind') }, strings.t('source_kind')), kind),
      urlField,
      passField,
      el(
        'p',
        { class: 'organise-field' },
        el('label', { for: id('lower-third') }, strings.t('lower_third')),
        lowerThird,
      ),
      el(
        'button',
        { type: 'submit', class: 'organise-button organise-button-primary', 'data-action': `source-${stage.id}` },
        strings.t('save_source'),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const source = { kind: kind.value };
      if (kind.value !== 'test_pattern') source.url = url.value.trim();
      if (kind.value === 'srt' && pass.value) source.passphrase = pass.value;
      const body = { source, lower_third: lowerThird.value };
      const path = `/api/v1/events/${encodeURIComponent(ctx.event.id)}/stages/${encodeURIComponent(stage.id)}`;
      preview.run({
        dryRun: () => api.patch(path, body, { dryRun: true }),
        commit: () => api.patch(path, body),
        note: strings.t('source_restart_note'),
      });
    });
    return form;
  }

  // The stage's control, made once and kept across renders: it holds the focus and a
  // slate text being typed.
  function controlOf(stage) {
    if (!controls.has(stage.id)) controls.set(stage.id, createOnAirControl(stage, { strings, api }));
    const control = controls.get(stage.id);
    if (!control.control) control.update(health.get(stage.id)?.control);
    return control.element;
  }

  function render() {
    if (!visible) return;
    const stages = ctx.event.stages ?? [];
    list.replaceChildren(
      ...stages.map((stage) =>
        el(
          'section',
          {
            class: 'organise-stage',
            'data-stage': stage.id,
            'aria-labelledby': `organise-stage-${stage.id}`,
          },
          el('h3', { id: `organise-stage-${stage.id}` }, stage.name),
          ...(stage.broadcast === false
            ? [el('p', {}, strings.t('offline'))]
            : [
                controlOf(stage),
                el(
                  'div',
                  { class: 'organise-stage-columns' },
                  el('div', {
                    class: 'organise-health',
                    'data-health': stage.id,
                    role: 'group',
                    'aria-label': strings.t('health_heading'),
                  }),
                  renderSourceForm(stage),
                ),
              ]),
        ),
      ),
    );
    for (const stage of stages) renderHealth(stage.id);
  }

  ctx.feed.addEventListener('ops', (e) => onOps(e.detail));
  ctx.feed.addEventListener('refused', (e) => {
    if (e.detail.channel === 'ops')
      preview.showError({ code: e.detail.code || 'forbidden', message: e.detail.message });
  });

  return {
    async show() {
      visible = true;
      ctx.follow('broadcast', ['ops']);
      await loadSources();
      render();
      loadHealth();
    },
    hide() {
      visible = false;
    },
    // Another event: the shell shows the view again when it is on screen.
    reset() {
      health.clear();
      switches.clear();
      controls.clear();
      sources = new Map();
    },
  };
}
