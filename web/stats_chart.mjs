// Concurrent web viewers over time, one line per stage, drawn with uPlot (web/node_modules,
// served at /vendor/uplot/). The history comes per minute from
// GET /api/v1/stats/events/{event}/series (each minute's `concurrent`: the most at once in
// it); while the day is on, the page appends the live counts pushed on `stats:{event}`
// every 5 s (append()).
//
// Times are drawn in the event's time zone and formatted in the reader's locale. The line
// colours have at least 4.5:1 against the white plot (WCAG 1.4.11 asks 3:1 of graphics),
// and each stage is also named in the key beside the chart, so colour is never the only cue.
// The canvas is hidden from screen readers; the caption says what it shows and series.csv
// holds every figure.
//
// For tests (and the curious): the container carries the uPlot instance as `.uplot`, and
// `data-points` / `data-last` say how many points are drawn and the newest values.

import uPlot from '/vendor/uplot/dist/uPlot.esm.js';

export const STAGE_COLOURS = ['#0b5cad', '#b42318', '#1a7f37', '#7c3aad', '#8a5300', '#0b7a75'];
const HEIGHT = 280;
const MINUTE_S = 60;

export class ViewersChart {
  #container;
  #plot = null;
  #stages = []; // [{id, name, colour}]
  #xs = [];
  #ys = []; // per stage, aligned with #xs
  #historyEnd = -Infinity; // the last minute that came from the series (s)
  #timeFormat;
  #axisLabels;
  #resizeObserver;

  // `container`: an empty element; `locale`, `timeZone`: how times are shown.
  constructor(container, { locale, timeZone, axisLabels }) {
    this.#container = container;
    this.#timeFormat = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' });
    this.#axisLabels = axisLabels;
    this.#resizeObserver = new ResizeObserver(() => this.#resize());
    this.#resizeObserver.observe(container);
  }

  get stages() {
    return this.#stages;
  }

  // Replaces the history: `series` is [{stage: {id, name}, minutes: [{at, concurrent}]}] for
  // the stages in display order. Minutes nobody watched are absent from the API's answer
  // and drawn as 0 between the first and the last minute. Live points newer than the
  // history are kept.
  setHistory(series) {
    const before = new Map(this.#stages.map((stage, s) => [stage.id, this.#ys[s]]));
    const oldXs = this.#xs;
    this.#stages = series.map((s, i) => ({ ...s.stage, colour: STAGE_COLOURS[i % STAGE_COLOURS.length] }));
    const byStage = series.map((s) => new Map(s.minutes.map((m) => [Date.parse(m.at) / 1000, m.concurrent])));
    const minutes = byStage.flatMap((m) => [...m.keys()]);
    const xs = [];
    if (minutes.length) {
      const first = Math.min(...minutes);
      const last = Math.max(...minutes);
      for (let t = first; t <= last; t += MINUTE_S) xs.push(t);
    }
    const ys = byStage.map((m) => xs.map((t) => m.get(t) ?? 0));
    const historyEnd = xs.length ? xs[xs.length - 1] : -Infinity;
    // Keep the live points the new history does not cover yet.
    oldXs.forEach((t, i) => {
      if (t <= historyEnd || t <= this.#historyEnd) return;
      xs.push(t);
      this.#stages.forEach((stage, s) => ys[s].push(before.get(stage.id)?.[i] ?? 0));
    });
    this.#xs = xs;
    this.#ys = ys;
    this.#historyEnd = historyEnd;
    this.#draw(true);
  }

  // Forgets everything (another event or day was chosen).
  clear() {
    this.#xs = [];
    this.#ys = this.#stages.map(() => []);
    this.#historyEnd = -Infinity;
  }

  // A live count: `at` (ms), `viewers` {stageId: count}. Points older than the newest
  // are ignored (the chart only grows to the right).
  append(at, viewers) {
    const t = at / 1000;
    if (this.#xs.length && t <= this.#xs[this.#xs.length - 1]) return;
    this.#xs.push(t);
    this.#stages.forEach((stage, s) => this.#ys[s].push(viewers[stage.id] ?? 0));
    this.#draw(false);
  }

  // The stage and minute of the highest point drawn, or null when nobody watched.
  peak() {
    let best = null;
    this.#ys.forEach((ys, s) =>
      ys.forEach((y, i) => {
        if (y > 0 && (!best || y > best.viewers)) best = { stage: this.#stages[s], viewers: y, at: this.#xs[i] * 1000 };
      }),
    );
    return best;
  }

  formatTime(ms) {
    return this.#timeFormat.format(new Date(ms));
  }

  #data() {
    return [this.#xs, ...this.#ys];
  }

  #options(width) {
    const axisFont = '13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    const axisCommon = {
      stroke: '#4a5565', // 7:1 on white
      font: axisFont,
      labelFont: axisFont,
      grid: { stroke: '#e3e7ec', width: 1 },
      ticks: { stroke: '#c3cad3', width: 1 },
    };
    return {
      width,
      height: HEIGHT,
      legend: { show: false }, // the page draws its own key (names, colours, "now")
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(5, Math.ceil(max * 1.15))] } },
      axes: [
        {
          ...axisCommon,
          label: this.#axisLabels.time,
          // Whole minutes at least: the history is per minute, and a day's first minutes
          // would otherwise be labelled in seconds.
          space: 56,
          incrs: [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400],
          values: (u, splits) => splits.map((s) => this.formatTime(s * 1000)),
        },
        {
          ...axisCommon,
          label: this.#axisLabels.viewers,
          // Whole viewers only.
          splits: (u, axisIdx, min, max) => {
            const step = Math.max(1, Math.ceil((max - min) / 5));
            const out = [];
            for (let v = 0; v <= max; v += step) out.push(v);
            return out;
          },
          values: (u, splits) => splits.map((v) => String(v)),
        },
      ],
      series: [
        { value: (u, v) => (v == null ? '' : this.formatTime(v * 1000)) },
        ...this.#stages.map((stage) => ({
          label: stage.name,
          stroke: stage.colour,
          width: 2,
          points: { show: false },
        })),
      ],
    };
  }

  // Rebuilds the plot when its series change, otherwise only sets the data.
  #draw(rebuild) {
    const width = Math.max(200, this.#container.clientWidth);
    if (rebuild || !this.#plot) {
      this.#plot?.destroy();
      this.#plot = new uPlot(this.#options(width), this.#data(), this.#container);
      this.#plot.root.setAttribute('aria-hidden', 'true');
      this.#container.uplot = this.#plot;
    } else {
      this.#plot.setData(this.#data());
    }
    this.#container.dataset.points = String(this.#xs.length);
    this.#container.dataset.last = JSON.stringify(
      Object.fromEntries(this.#stages.map((stage, s) => [stage.id, this.#ys[s].at(-1) ?? 0])),
    );
  }

  #resize() {
    if (!this.#plot) return;
    const width = Math.max(200, this.#container.clientWidth);
    if (Math.abs(width - this.#plot.width) > 1) this.#plot.setSize({ width, height: HEIGHT });
  }
}
