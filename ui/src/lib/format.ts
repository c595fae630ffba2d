import { locale } from './i18n/index.svelte';

const tag = () => (locale() === 'en' ? 'en-GB' : 'nl-NL');

/** A date (ISO text) in the user's language, or empty. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(tag());
}

/** A time (ISO text) as HH:MM in the user's language. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString(tag(), { hour: '2-digit', minute: '2-digit' });
}

/** An amount with its currency, or empty when unknown. */
export function formatAmount(amount: string | number | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '';
  const value = typeof amount === 'number' ? amount : Number(amount);
  if (Number.isNaN(value)) return String(amount);
  return new Intl.NumberFormat(tag(), { style: 'currency', currency: currency || 'EUR' }).format(value);
}

/** A plain number (quantity, unit price) with up to `maxDigits` decimals, or empty. */
export function formatNumber(value: string | number | null | undefined, maxDigits = 4): string {
  if (value === null || value === undefined || value === '') return '';
  const number = typeof value === 'number' ? value : Number(value);
  if (Number.isNaN(number)) return String(value);
  return new Intl.NumberFormat(tag(), { maximumFractionDigits: maxDigits }).format(number);
}

/** A percentage given in percent ("21" → "21%" / "21 %"), or empty. */
export function formatPercent(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const number = typeof value === 'number' ? value : Number(value);
  if (Number.isNaN(number)) return String(value);
  return new Intl.NumberFormat(tag(), { style: 'percent', maximumFractionDigits: 2 }).format(number / 100);
}

/** A file size in bytes as kB / MB with the language's decimal mark ("2,6 MB"). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || Number.isNaN(bytes)) return '';
  const [value, unit] = bytes >= 1_000_000 ? [bytes / 1_000_000, 'megabyte'] : [Math.max(bytes / 1000, 0.1), 'kilobyte'];
  return new Intl.NumberFormat(tag(), { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
}
