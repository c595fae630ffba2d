// The Dutch catalogue is the source of keys: every UI string lives here first.
// One file per area under nl/ (and the same under en/), so areas can grow apart.
import { frame } from './nl/frame';
import { outbox } from './nl/outbox';
import { data } from './nl/data';
import { session } from './nl/session';
import { desktop } from './nl/desktop';
import { people } from './nl/people';
import { receiving } from './nl/receiving';
import { help } from './nl/help';
import { settings } from './nl/settings';
import { maintenance } from './nl/maintenance';
import { receive } from './nl/receive';
import { channel } from './nl/channel';
import { keyboard } from './nl/keyboard';
import { overview } from './nl/overview';
import { invoice } from './nl/invoice';
import { send } from './nl/send';
import { worktable } from './nl/worktable';

export const nl = {
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
} as const;

/** A key of the UI catalogue. */
export type MessageKey = keyof typeof nl;
