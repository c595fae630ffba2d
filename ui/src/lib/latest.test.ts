import { describe, expect, it } from 'vitest';
import { latestOnly } from './latest';

describe('latestOnly', () => {
  it('counts only the load asked for last, per component', () => {
    const ask = latestOnly();
    const other = latestOnly();
    const first = ask();
    expect(first()).toBe(true);
    const second = ask();
    const elsewhere = other();
    expect(first()).toBe(false);
    expect(second()).toBe(true);
    expect(elsewhere()).toBe(true);
  });
});
