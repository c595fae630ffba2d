// Dates, amounts and sizes follow the UI language through Intl, and nothing outside
// format.ts formats them by hand.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatAmount, formatDate, formatDateTime, formatNumber, formatSize } from './format';
import { setLocale } from './i18n/index.svelte';

afterEach(() => setLocale('nl'));

// Intl separates the currency sign and groups with a no-break space; compare as plain text.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formats', () => {
  it('writes Dutch dates as dd-mm-jjjj and amounts as € 1.234,56', () => {
    expect(formatDate('2026-12-04')).toBe('04-12-2026');
    expect(plain(formatAmount('1234.56', 'EUR'))).toBe('€ 1.234,56');
    expect(plain(formatSize(2_600_000))).toBe('2,6 MB');
    expect(formatNumber(1234567)).toBe('1.234.567');
    expect(formatDateTime('2026-12-04T14:05:00')).toBe('04-12-2026 14:05');
  });

  it('writes English dates as dd/mm/yyyy and amounts as €1,234.56', () => {
    setLocale('en');
    expect(formatDate('2026-12-04')).toBe('04/12/2026');
    expect(plain(formatAmount(1234.56, 'EUR'))).toBe('€1,234.56');
    expect(plain(formatSize(2_600_000))).toBe('2.6 MB');
  });

  it('keeps a calendar day on its day whatever the time zone', () => {
    // A bare date read as UTC midnight would show the day before west of Greenwich.
    expect(formatDate('2026-01-01')).toBe('01-01-2026');
  });

  it('shows an unknown currency code after a Dutch number instead of failing', () => {
    expect(plain(formatAmount('12.5', 'XYZW'))).toBe('12,5 XYZW');
  });
});

/** Every UI source file except this module, its tests and the generated bindings. */
function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === 'test' ? [] : sources(path);
    const skip = /\.test\.ts$|bindings\.ts$/.test(name) || path.endsWith(join('lib', 'format.ts'));
    return /\.(svelte|ts)$/.test(name) && !skip ? [path] : [];
  });
}

// Hand-made formatting: each would show US, ISO or English-only output in a Dutch screen.
const handMade: [RegExp, string][] = [
  [/\.toLocale(Date|Time)?String\(/, 'toLocale…String (use format.ts)'],
  [/\.toFixed\(/, 'toFixed (use formatNumber/formatAmount)'],
  [/new Intl\./, 'Intl outside format.ts'],
  // (A CSS length such as `width: ${n}%` is not text a user reads.)
  [/(?<!(width|height|left|top): `)\$\{[^}]*\}\s*(KB|MB|GB|kB|%)/, 'a size or percentage written by hand (use formatSize/formatPercent)'],
  // Text content only: not `{#if …}` blocks nor attribute values (`max={x.total}`).
  [/(?<!=)\{[^#:/@}][^}]*\.(createdAt|issueDate|dueDate|receivedAt|at|date|when)\}/, 'a date shown raw (use formatDate)'],
  [/(?<!=)\{[^#:/@}][^}]*\.(amount|total|payable)\}/, 'an amount shown raw (use formatAmount)'],
  [/type="(date|datetime-local)"/, 'a native date picker (follows the system locale, not the UI language)'],
];

describe('formatting outside Intl', () => {
  it('finds no date, amount, size or percentage formatted by hand in the UI', () => {
    const root = join(import.meta.dirname, '..');
    const found: string[] = [];
    for (const file of sources(root)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const [pattern, why] of handMade) {
            if (pattern.test(line)) found.push(`${relative(root, file)}:${i + 1}: ${why}: ${line.trim()}`);
          }
        });
    }
    expect(found).toEqual([]);
  });
});
