// Wall-clock time in the event's time zone for the organiser console: what a UTC instant
// reads as there, and the instant a local date and time there stand for (an organiser
// types "09:30" meaning Skellefteå's 09:30, whatever the laptop's zone). Intl only, so the
// watch page takes its local dates from here too.

const partsFormatters = new Map();

function partsFormatter(timeZone) {
  if (!partsFormatters.has(timeZone)) {
    partsFormatters.set(
      timeZone,
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
    );
  }
  return partsFormatters.get(timeZone);
}

// {year, month, day, hour, minute, second} of `ms` on the wall clocks of `timeZone`.
export function localParts(ms, timeZone) {
  const parts = {};
  for (const { type, value } of partsFormatter(timeZone).formatToParts(new Date(ms))) {
    if (type !== 'literal') parts[type] = Number(value);
  }
  return parts;
}

const pad = (n) => String(n).padStart(2, '0');

// "2026-11-22": the calendar day of `iso` in `timeZone`.
export function localDate(iso, timeZone) {
  const p = localParts(Date.parse(iso), timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

// "09:30" of `iso` in `timeZone` (24 h, for <input> values, not for display).
export function localClock(iso, timeZone) {
  const p = localParts(Date.parse(iso), timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

// The zone's offset from UTC at `ms`, in ms.
function offsetAt(ms, timeZone) {
  const p = localParts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

// The instant (ms) that reads `date` ("2026-11-22") at `clock` ("09:30") in `timeZone`, or
// NaN for text that is not a date and a time. Two passes settle days when the offset changes.
export function instantFromLocal(date, clock, timeZone) {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? '');
  const c = /^(\d{1,2})[:.](\d{2})$/.exec(String(clock ?? '').trim());
  if (!d || !c || Number(c[1]) > 23 || Number(c[2]) > 59) return NaN;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(c[1]), Number(c[2]));
  let ms = wall - offsetAt(wall, timeZone);
  ms = wall - offsetAt(ms, timeZone);
  return ms;
}

// ISO 8601 UTC without milliseconds, as the API writes instants.
export function isoUtc(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// The event's days as [{date, start, end}] (ms); an event without `days` gets one day per
// local date with sessions, from its first session's start to its last one's end.
export function eventDays(event) {
  const tz = event.time_zone || 'Europe/Stockholm';
  if (event.days?.length) {
    return event.days.map((day) => ({
      date: localDate(day.start, tz),
      start: Date.parse(day.start),
      end: Date.parse(day.end),
    }));
  }
  const byDate = new Map();
  for (const session of event.sessions ?? []) {
    const date = localDate(session.start, tz);
    const day = byDate.get(date) ?? { date, start: Infinity, end: -Infinity };
    day.start = Math.min(day.start, Date.parse(session.start));
    day.end = Math.max(day.end, Date.parse(session.end));
    byDate.set(date, day);
  }
  return [...byDate.values()].sort((a, b) => a.start - b.start);
}
