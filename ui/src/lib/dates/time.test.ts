import { describe, expect, it } from 'vitest';
import { parseTime, splitDateTime } from './time';

describe('times of day', () => {
  it('reads what people type as a 24-hour time', () => {
    expect(parseTime('9:05')).toBe('09:05');
    expect(parseTime('21.30')).toBe('21:30');
    expect(parseTime('0600')).toBe('06:00');
    expect(parseTime('7')).toBe('07:00');
  });

  it('refuses what is not a time of day', () => {
    expect(parseTime('24:00')).toBeNull();
    expect(parseTime('12:60')).toBeNull();
    expect(parseTime('10:00 PM')).toBeNull();
    expect(parseTime('')).toBeNull();
  });

  it('splits a local date-time into its date and time', () => {
    expect(splitDateTime('2026-12-07T06:00')).toEqual({ date: '2026-12-07', time: '06:00' });
    expect(splitDateTime('2026-12-07T06:00:00')).toEqual({ date: '2026-12-07', time: '06:00' });
  });
});
