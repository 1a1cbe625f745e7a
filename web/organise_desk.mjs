// The Check-in view, the door's phone or tablet: type a registration's code (or scan its
// QR code with the camera where the browser has BarcodeDetector), or check in a walk-in;
// a big, clear answer (checked in / already checked in at HH:MM / unknown code) and
// today's count. POST /api/v1/events/{event}/check-ins (docs/API.md, "Registration and
// check-in"): 201 counts, 200 is a second scan that counts nothing, 404 an unknown code.

import { el } from './agenda.mjs';
import { describeError } from './organise_preview.mjs';

export function createDeskView(root, ctx) {
  const { strings, api } = ctx;
  const path = () => `/api/v1/events/${encodeURIComponent(ctx.event.id)}/check-ins`;
  let camera = null; // {stream, timer} while scanning

  const code = el('input', {
    id: 'organise-code',
    name: 'code',
    type: 'text',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    enterkeyhint: 'go',
    'aria-describedby': 'organise-code-hint',
    maxlength: '20',
  });
  const submit = el(
    'button',
    {
      type: 'submit',
      class: 'organise-button organise-button-primary organise-desk-button',
      'data-action': 'check-in',
    },
    strings.t('check_in'),
  );
  const walkIn = el(
    'button',
    { type: 'button', class: 'organise-button organise-desk-button', 'data-action': 'walk-in' },
    strings.t('walk_in'),
  );
  const scan = el(
    'button',
    { type: 'button', class: 'organise-button organise-desk-button', 'data-action': 'scan', hidden: true },
    strings.t('scan'),
  );
  const video = el('video', {
    class: 'organise-scan-video',
    muted: true,
    playsinline: true,
    hidden: true,
    'aria-hidden': 'true',
  });
  const result = el('div', {
    class: 'organise-desk-result',
    id: 'organise-desk-result',
    role: 'status',
    'aria-live': 'assertive',
    'aria-atomic': 'true',
  });
  const count = el(
    'output',
    { class: 'organise-desk-count-number', id: 'organise-desk-count', 'aria-live': 'polite' },
    '–',
  );
  const registered = el('span', { class: 'organise-desk-registered', id: 'organise-desk-registered' });

  const form = el(
    'form',
    { class: 'organise-desk-form', id: 'organise-desk-form', novalidate: true },
    el('label', { for: 'organise-code', class: 'organise-desk-label' }, strings.t('code_label')),
    el('p', { class: 'organise-hint', id: 'organise-code-hint' }, strings.t('code_hint')),
    el('div', { class: 'organise-desk-entry' }, code, submit),
    el('div', { class: 'organise-button-row' }, walkIn, scan),
    video,
  );
  root.append(
    el('h2', { id: 'organise-desk-heading', tabindex: '-1' }, strings.t('desk_heading')),
    el(
      'p',
      { class: 'organise-desk-count' },
      el('span', { class: 'organise-desk-count-label', id: 'organise-desk-count-label' }, strings.t('count_today')),
      ' ',
      count,
      ' ',
      registered,
    ),
    form,
    result,
  );
  count.setAttribute('aria-labelledby', 'organise-desk-count-label');

  // --- answers --------------------------------------------------------------------------

  const localTime = (iso) =>
    new Intl.DateTimeFormat(strings.locale, { timeZone: ctx.tz, hour: '2-digit', minute: '2-digit' }).format(
      new Date(iso),
    );

  function show(kind, headline, ...details) {
    result.dataset.result = kind;
    result.replaceChildren(
      el('p', { class: 'organise-desk-headline' }, headline),
      ...details.filter(Boolean).map((d) => el('p', { class: 'organise-desk-detail' }, d)),
    );
  }

  function setCount(n) {
    if (Number.isFinite(n)) count.textContent = String(n);
  }

  async function checkIn(body) {
    submit.disabled = true;
    walkIn.disabled = true;
    try {
      const answer = await api.post(path(), body);
      setCount(answer.count);
      const person = answer.registration;
      const who = person ? person.name : '';
      const web = person?.mode === 'web' ? strings.t('registered_web') : '';
      if (answer.status === 'already_checked_in') {
        show('already', strings.t('result_already', { time: localTime(answer.first_at ?? answer.at) }), who, web);
      } else if (answer.walk_in) {
        show('walk_in', strings.t('result_walk_in'));
      } else {
        show('checked_in', strings.t('result_checked_in'), who, web);
      }
      code.value = '';
    } catch (error) {
      if (error.code === 'not_found') show('unknown', strings.t('result_unknown'), strings.t('result_unknown_detail'));
      else if (error.code === 'bad_request')
        show('unknown', strings.t('result_bad_code'), strings.t('result_bad_code_detail'));
      else {
        const { lead, detail } = describeError(error, strings);
        show('error', lead, detail);
      }
      code.select();
    } finally {
      submit.disabled = false;
      walkIn.disabled = false;
      code.focus();
    }
  }

  async function loadCount() {
    try {
      const figures = await api.get(path());
      setCount(figures.today);
      registered.textContent = Number.isFinite(figures.registered_in_person)
        ? strings.t('of_registered', { n: figures.registered_in_person })
        : '';
    } catch {
      // the next check-in's answer carries the count
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = code.value.trim();
    if (!typed) {
      show('unknown', strings.t('result_bad_code'), strings.t('result_bad_code_detail'));
      code.focus();
      return;
    }
    checkIn({ code: typed });
  });
  walkIn.addEventListener('click', () => checkIn({ walk_in: true }));

  // --- the camera -----------------------------------------------------------------------

  function stopCamera() {
    if (!camera) return;
    clearInterval(camera.timer);
    for (const track of camera.stream.getTracks()) track.stop();
    camera = null;
    video.hidden = true;
    video.srcObject = null;
    scan.textContent = strings.t('scan');
  }

  async function startCamera() {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch {
      show('error', strings.t('scan_failed'));
      return;
    }
    const detector = new BarcodeDetector({ formats: ['qr_code'] });
    video.srcObject = stream;
    video.hidden = false;
    await video.play().catch(() => {});
    scan.textContent = strings.t('scan_stop');
    show('scanning', strings.t('scanning'));
    let busy = false;
    camera = {
      stream,
      timer: setInterval(async () => {
        if (busy || !camera) return;
        busy = true;
        try {
          const [found] = await detector.detect(video);
          if (found?.rawValue && camera) {
            stopCamera();
            code.value = found.rawValue;
            checkIn({ code: found.rawValue });
          }
        } catch {
          // a frame the detector could not read
        } finally {
          busy = false;
        }
      }, 250),
    };
  }

  scan.addEventListener('click', () => (camera ? stopCamera() : startCamera()));
  if ('BarcodeDetector' in window && navigator.mediaDevices?.getUserMedia) {
    BarcodeDetector.getSupportedFormats?.()
      .then((formats) => {
        scan.hidden = !formats.includes('qr_code');
      })
      .catch(() => {});
  }

  return {
    show() {
      loadCount();
    },
    hide() {
      stopCamera();
    },
    reset() {
      count.textContent = '–';
      result.replaceChildren();
      delete result.dataset.result;
    },
    destroy() {
      stopCamera();
    },
  };
}
