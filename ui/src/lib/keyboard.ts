// Keyboard moves that work on every screen. Lists opt in by marking their rows with
// `data-row` (focusable, opened by a click); searches are the page's `type="search"` field.

/** Whether a key press belongs to a text field (then single-letter shortcuts stay text). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit'].includes(target.type);
  return false;
}

/** Focuses the search field of the current page; false when it has none. */
export function focusSearch(root: ParentNode = document): boolean {
  const field = root.querySelector<HTMLInputElement>('main input[type="search"]');
  if (!field) return false;
  field.focus();
  field.select();
  return true;
}

/**
 * Moves the focus `delta` rows through the page's `[data-row]` elements, from the focused
 * row (or from before the first); returns the row now focused.
 */
export function moveRow(delta: number, root: ParentNode = document): HTMLElement | null {
  const rows = [...root.querySelectorAll<HTMLElement>('main [data-row]')];
  if (rows.length === 0) return null;
  const at = rows.findIndex((row) => row === document.activeElement || row.contains(document.activeElement));
  const next = at < 0 ? (delta > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + delta));
  const row = rows[next];
  if (!row) return null;
  row.focus();
  row.scrollIntoView?.({ block: 'nearest' });
  return row;
}

/** The shortcuts the cheat sheet lists, as key labels and message keys. */
export const shortcutList = [
  { keys: ['/'], label: 'shortcuts.search' },
  { keys: ['j', '↓'], label: 'shortcuts.next' },
  { keys: ['k', '↑'], label: 'shortcuts.previous' },
  { keys: ['Enter'], label: 'shortcuts.open' },
  { keys: ['Esc'], label: 'shortcuts.close' },
  { keys: ['Ctrl', 'K'], label: 'shortcuts.organisation' },
  { keys: ['?'], label: 'shortcuts.help' },
] as const;
