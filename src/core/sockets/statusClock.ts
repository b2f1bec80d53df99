/**
 * When a container list entry's Status text ("Up 5 seconds", "Exited (0) 2 minutes ago") can next change
 * by the clock alone. The engine writes it with Go's units.HumanDuration of the time since the container
 * started or finished: whole seconds under a minute, then whole minutes, then rounded hours, days and so
 * on, all of which change on a whole-minute step from the reference time.
 */

/** Stop trusting a text this long before it could change: covers an engine clock slightly ahead of ours. */
export const CLOCK_MARGIN_MS = 50;

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** The first instant after `afterMs` at which HumanDuration(now - referenceMs) may differ (ms since epoch). */
export function nextTextChange(referenceMs: number, afterMs: number): number {
  const elapsed = afterMs - referenceMs;
  if (elapsed < 0) return referenceMs + SECOND;
  const step = elapsed < MINUTE ? SECOND : MINUTE;
  return referenceMs + (Math.floor(elapsed / step) + 1) * step;
}

/** Start and finish times of a container as its inspect reports them; zero times are absent. */
export interface ContainerTimes {
  startedAt?: number;
  finishedAt?: number;
}

/**
 * Until when (ms since epoch) a list answered at `answeredAtMs` stays true as far as the clock goes: the
 * earliest change of any entry's text, from either of its times (engines differ in which they show).
 */
export function listTextValidUntil(times: Iterable<ContainerTimes>, answeredAtMs: number): number {
  let until = Infinity;
  for (const t of times) {
    for (const reference of [t.startedAt, t.finishedAt]) {
      if (reference !== undefined) until = Math.min(until, nextTextChange(reference, answeredAtMs));
    }
  }
  return until - CLOCK_MARGIN_MS;
}

/** Reads an RFC 3339 time as the engine writes it (nanoseconds allowed); Go's zero time and junk are absent. */
export function parseEngineTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m || m[1]!.startsWith('0001-')) return undefined;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(whole)) return undefined;
  const fraction = m[2] ? Number(`0.${m[2]}`) * 1000 : 0;
  return whole + fraction;
}
