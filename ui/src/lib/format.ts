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
