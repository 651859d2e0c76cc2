import { addDays, daysBetween, formatDuration, formatPercent, isDate, localDate, localDateTime, zonedMidnight } from './zoned-time';

describe('zoned time', () => {
  it.each([
    ['2026-03-02', 'Europe/Berlin', '2026-03-01T23:00:00.000Z'],
    ['2026-07-01', 'Europe/Berlin', '2026-06-30T22:00:00.000Z'],
    // the days of the DST changes begin before the change
    ['2026-03-29', 'Europe/Berlin', '2026-03-28T23:00:00.000Z'],
    ['2026-10-25', 'Europe/Berlin', '2026-10-24T22:00:00.000Z'],
    ['2026-03-02', 'UTC', '2026-03-02T00:00:00.000Z'],
    ['2026-03-02', 'Asia/Kolkata', '2026-03-01T18:30:00.000Z'],
    ['2026-03-08', 'America/New_York', '2026-03-08T05:00:00.000Z'],
  ])('local midnight of %s in %s is %s', (date, tz, iso) => {
    expect(new Date(zonedMidnight(date, tz)).toISOString()).toBe(iso);
  });

  it('refuses what is not a date', () => {
    expect(isDate('2026-02-30')).toBe(false);
    expect(isDate('2026-2-3')).toBe(false);
    expect(() => zonedMidnight('yesterday', 'UTC')).toThrow(RangeError);
  });

  it('counts and adds calendar days', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(daysBetween('2026-03-01', '2026-03-31')).toBe(30);
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
  });

  it('labels instants in the zone', () => {
    const t = Date.parse('2026-03-01T23:30:00Z');
    expect(localDate(t, 'Europe/Berlin')).toBe('2026-03-02');
    expect(localDate(t, 'UTC')).toBe('2026-03-01');
    expect(localDateTime(t, 'Europe/Berlin')).toBe('2026-03-02 00:30');
  });

  it.each([
    [null, '–'], [0, '0:00'], [7.4, '0:07'], [65, '1:05'], [3600, '1:00:00'], [8 * 3600 + 61, '8:01:01'],
  ])('duration %p reads %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });

  it('percentages with one decimal', () => {
    expect(formatPercent(87.5)).toBe('87.5 %');
    expect(formatPercent(100)).toBe('100.0 %');
    expect(formatPercent(null)).toBe('–');
  });
});
