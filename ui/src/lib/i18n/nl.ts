// The Dutch catalogue is the source of keys: every UI string lives here first.
// One file per area under nl/ (and the same under en/), so areas can grow apart.
import { frame } from './nl/frame';

export const nl = {
  ...frame,
} as const;

/** A key of the UI catalogue. */
export type MessageKey = keyof typeof nl;
