// Every date, time, amount, number and size the UI shows is formatted here, through `Intl`
// with the UI language's conventions (nl-NL or en-GB), never by hand. A Vitest test
// (`format.test.ts`) fails on formatting found outside this file.
import { locale } from './i18n/index.svelte';

/** The BCP 47 tag for the UI language. */
export const localeTag = (): string => (locale() === 'en' ? 'en-GB' : 'nl-NL');

function parsed(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  // A bare date is a calendar day: read it as local midnight, not UTC (which would show
  // the day before west of Greenwich).
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00`) : new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A date (ISO text) as dd-mm-jjjj (nl) or dd/mm/yyyy (en), or empty. */
export function formatDate(iso: string | null | undefined): string {
  const date = parsed(iso);
  if (!date) return iso ?? '';
  return new Intl.DateTimeFormat(localeTag(), { day: '2-digit', month: '2-digit', year: 'numeric' }).format(date);
}

/** A time (ISO text) as HH:MM in the user's language. */
export function formatTime(iso: string | null | undefined): string {
  const date = parsed(iso);
  return date ? new Intl.DateTimeFormat(localeTag(), { hour: '2-digit', minute: '2-digit' }).format(date) : '';
}

/** A moment (ISO text) as date and time, e.g. 04-12-2026 14:05. */
export function formatDateTime(iso: string | null | undefined): string {
  const date = parsed(iso);
  if (!date) return iso ?? '';
  return `${formatDate(iso)} ${formatTime(iso)}`;
}

/** A month and year, e.g. "december 2026", for calendars and period names. */
export function formatMonth(date: Date): string {
  return new Intl.DateTimeFormat(localeTag(), { month: 'long', year: 'numeric' }).format(date);
}

/** A weekday's name, short (ma) or long (maandag), for calendars. */
export function formatWeekday(date: Date, width: 'short' | 'long'): string {
  return new Intl.DateTimeFormat(localeTag(), { weekday: width }).format(date);
}

/** A day written out (maandag 7 december 2026), for screen readers in calendars. */
export function formatLongDate(date: Date): string {
  return new Intl.DateTimeFormat(localeTag(), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(date);
}

/** An amount with its currency (€ 1.234,56), or empty when unknown. */
export function formatAmount(amount: string | number | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '';
  const value = typeof amount === 'number' ? amount : Number(amount);
  if (Number.isNaN(value)) return String(amount);
  try {
    return new Intl.NumberFormat(localeTag(), { style: 'currency', currency: currency || 'EUR' }).format(value);
  } catch {
    // An unknown currency code from an invoice: the number in our format, then the code.
    return `${formatNumber(value, 2)} ${currency}`;
  }
}

/** A file size in the largest fitting unit: 980 kB, 2,6 MB, 1,2 GB. */
export function formatSize(bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return new Intl.NumberFormat(localeTag(), {
    style: 'unit',
    unit: units[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}

/** A plain number (quantity, unit price) with up to `maxDigits` decimals, or empty. */
export function formatNumber(value: string | number | null | undefined, maxDigits = 4): string {
  if (value === null || value === undefined || value === '') return '';
  const number = typeof value === 'number' ? value : Number(value);
  if (Number.isNaN(number)) return String(value);
  return new Intl.NumberFormat(localeTag(), { maximumFractionDigits: maxDigits }).format(number);
}

/** A percentage given in percent ("21" → "21%" / "21 %"), or empty. */
export function formatPercent(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const number = typeof value === 'number' ? value : Number(value);
  if (Number.isNaN(number)) return String(value);
  return new Intl.NumberFormat(localeTag(), { style: 'percent', maximumFractionDigits: 2 }).format(number / 100);
}
