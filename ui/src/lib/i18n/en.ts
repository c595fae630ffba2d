import { frame } from './en/frame';
import { outbox } from './en/outbox';
import { data } from './en/data';
import { session } from './en/session';
import { desktop } from './en/desktop';
import { people } from './en/people';
import { receiving } from './en/receiving';
import { help } from './en/help';
import { settings } from './en/settings';
import { maintenance } from './en/maintenance';
import { receive } from './en/receive';
import { channel } from './en/channel';
import { keyboard } from './en/keyboard';
import { overview } from './en/overview';
import { invoice } from './en/invoice';
import { send } from './en/send';
import { worktable } from './en/worktable';
import type { MessageKey } from './nl';

// Same keys as nl.ts; the type makes a missing or extra key a compile error.
export const en: Record<MessageKey, string> = {
  ...frame,
  ...session,
  ...data,
  ...outbox,
  ...desktop,
  ...people,
  ...receiving,
  ...help,
  ...settings,
  ...maintenance,
  ...receive,
  ...channel,
  ...keyboard,
  ...overview,
  ...invoice,
  ...send,
  ...worktable,
};
