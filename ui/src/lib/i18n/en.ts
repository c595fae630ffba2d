import { frame } from './en/frame';
import type { MessageKey } from './nl';

// Same keys as nl.ts; the type makes a missing or extra key a compile error.
export const en: Record<MessageKey, string> = {
  ...frame,
};
