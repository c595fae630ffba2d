import type { BackendError } from './backend';
import { isMessageKey, t } from './i18n/index.svelte';

/** The user's message for a backend error: its translation, or the detail as a fallback. */
export function describeError(error: BackendError): string {
  const key = `errors.${error.code}`;
  return isMessageKey(key) ? t(key) : t('errors.unknown', { message: error.message });
}
