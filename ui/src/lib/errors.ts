import type { BackendError, ErrorCode } from './backend';
import { isMessageKey, t, type MessageKey } from './i18n/index.svelte';

// Every code Rust can send has a message: a new ErrorCode without one fails the type check.
const messages: Record<ErrorCode, MessageKey> = {
  no_data_folder: 'errors.no_data_folder',
  wrong_password: 'errors.wrong_password',
  account_locked: 'errors.account_locked',
  unreachable: 'errors.unreachable',
  maintenance: 'errors.maintenance',
  rate_limited: 'errors.rate_limited',
  client_not_configured: 'errors.client_not_configured',
  invalid_client: 'errors.invalid_client',
  no_access: 'errors.no_access',
  not_found: 'errors.not_found',
  not_signed_in: 'errors.not_signed_in',
  offline: 'errors.offline',
  storage: 'errors.storage',
  keyring: 'errors.keyring',
  invalid_config: 'errors.invalid_config',
  invalid_input: 'errors.invalid_input',
  platform: 'errors.platform',
  folder: 'errors.folder',
  admin_only: 'errors.admin_only',
  invalid_email: 'errors.invalid_email',
  user_exists: 'errors.user_exists',
  no_receive_permission: 'errors.no_receive_permission',
  own_membership: 'errors.own_membership',
};

/** The user's message for a backend error: its translation, or the detail as a fallback. */
export function describeError(error: BackendError): string {
  const known = (messages as Record<string, MessageKey | undefined>)[error.code];
  if (known) return t(known);
  const key = `errors.${error.code}`;
  return isMessageKey(key) ? t(key) : t('errors.unknown', { message: error.message });
}
