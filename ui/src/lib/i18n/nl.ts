// The Dutch catalogue is the source of keys: every UI string lives here first.
// One file per area under nl/ (and the same under en/), so areas can grow apart.
import { frame } from './nl/frame';
import { outbox } from './nl/outbox';
import { data } from './nl/data';
import { session } from './nl/session';
import { desktop } from './nl/desktop';
import { receive } from './nl/receive';

export const nl = {
  ...frame,
  ...session,
  ...data,
  ...outbox,
  ...desktop,
  ...receive,
} as const;

/** A key of the UI catalogue. */
export type MessageKey = keyof typeof nl;
