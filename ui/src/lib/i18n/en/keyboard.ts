import type { keyboard as nl } from '../nl/keyboard';

export const keyboard: Record<keyof typeof nl, string> = {
  'shortcuts.title': 'Keyboard shortcuts',
  'shortcuts.search': 'Search on this page',
  'shortcuts.next': 'Next row',
  'shortcuts.previous': 'Previous row',
  'shortcuts.open': 'Open row',
  'shortcuts.close': 'Close window or panel',
  'shortcuts.organisation': 'Go to an organisation',
  'shortcuts.help': 'Show this list',
  'shortcuts.close.button': 'Close',
  'switcher.title': 'Go to organisation',
  'switcher.search': 'Type a name or KvK number',
  'switcher.none': 'No organisation found.',
  'switcher.hint': 'Arrows choose, Enter opens.',
  'time.placeholder': 'hh:mm',
  'time.invalid': 'Not a valid time. Write the time as hh:mm (24 hours), for example 22:00.',
};
