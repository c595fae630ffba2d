// Light / dark / system: the choice is saved in the desktop settings (Rust) and mirrored in
// localStorage so the first paint after a restart already has the right colours.
import type { Theme } from './backend/settings';

const STORAGE_KEY = 'econnect.theme';

/** The theme chosen last (system when none). */
export function savedTheme(): Theme {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

/** Applies a theme to the page (app.css reads `data-theme`) and remembers it. */
export function applyTheme(theme: Theme): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, theme);
  if (typeof document === 'undefined') return;
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
