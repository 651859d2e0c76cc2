/** Reporting intervals: [from, to) in ms since the epoch. */
export interface Interval {
  from: number;
  to: number;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type CalendarUnit = 'quarter-hour' | 'hour' | 'day' | { sizeMs: number };

function unitMs(unit: CalendarUnit): number {
  if (typeof unit === 'object') {
    if (!Number.isInteger(unit.sizeMs) || unit.sizeMs <= 0) throw new RangeError(`sizeMs must be a positive integer, got ${unit.sizeMs}`);
    return unit.sizeMs;
  }
  return unit === 'quarter-hour' ? 15 * MINUTE : unit === 'hour' ? HOUR : DAY;
}

/** The last `windowMs` up to `now`. */
export function rollingInterval(now: number, windowMs: number): Interval {
  return { from: now - windowMs, to: now };
}

/**
 * The calendar bucket holding `now` (`back` = 1 for the one before, …). Buckets are aligned to
 * midnight UTC shifted by `utcOffsetMs` (for example +1 h for a site in UTC+1).
 */
export function calendarInterval(now: number, unit: CalendarUnit, options: { utcOffsetMs?: number; back?: number } = {}): Interval {
  const size = unitMs(unit);
  const offset = options.utcOffsetMs ?? 0;
  const from = Math.floor((now + offset) / size) * size - offset - (options.back ?? 0) * size;
  return { from, to: from + size };
}
