import { en } from './en';
import { nl, type MessageKey } from './nl';

export type { MessageKey } from './nl';

/** The languages the UI speaks; Dutch first. */
export const locales = ['nl', 'en'] as const;
export type Locale = (typeof locales)[number];

const catalogues: Record<Locale, Record<MessageKey, string>> = { nl, en };
const STORAGE_KEY = 'econnect.locale';

function initialLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  return saved === 'en' ? 'en' : 'nl';
}

const state = $state({ locale: initialLocale() });

/** The current UI language. */
export function locale(): Locale {
  return state.locale;
}

/** Switches the UI language and remembers the choice. */
export function setLocale(next: Locale): void {
  state.locale = next;
  globalThis.localStorage?.setItem(STORAGE_KEY, next);
  if (typeof document !== 'undefined') document.documentElement.lang = next;
}

/** Translates a key, filling `{name}` placeholders from `params`. */
export function t(key: MessageKey, params: Record<string, string> = {}): string {
  const template = catalogues[state.locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** Whether a string is a key of the catalogue (for codes that arrive from Rust). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(nl, key);
}
