// The platform writes some texts in both languages at once ("Document ontvangen / Document
// received"). A screen speaks one language: this picks the UI language's half; the raw
// text stays available under "Details".
import type { Locale } from './i18n/index.svelte';

/** The Dutch and English halves of a bilingual platform text, or null when it is not one. */
export function bilingualParts(text: string): { nl: string; en: string } | null {
  const parts = text.split(' / ');
  if (parts.length !== 2) return null;
  const [nl, en] = parts.map((p) => p.trim());
  return nl && en ? { nl, en } : null;
}

/** The platform text in the UI language: one half of a bilingual text, else the text itself. */
export function platformText(text: string | null | undefined, language: Locale): string {
  if (!text) return '';
  const parts = bilingualParts(text);
  return parts ? parts[language] : text;
}
