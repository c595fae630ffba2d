// What to do about a rejected or failed document, from the platform's reason text (the
// platform writes "Nederlands / English"; the sandbox does the same).
import type { MessageKey } from './i18n/nl';

/** The advice for a reason; null for statuses that need none. */
export function adviceFor(status: string, reason: string | null | undefined): MessageKey | null {
  if (status !== 'Rejected' && status !== 'Failed') return null;
  const text = (reason ?? '').toLowerCase();
  if (text.includes('not an invoice') || text.includes('geen factuur')) return 'rejection.advice.notInvoice';
  if (text.includes('multiple') || text.includes('meerdere')) return 'rejection.advice.multiple';
  if (text.includes('ubl') || text.includes('cii')) return 'rejection.advice.notUbl';
  if (text.includes('protected') || text.includes('beveiligd')) return 'rejection.advice.protected';
  if (text.includes('not reachable') || text.includes('niet bereikbaar')) return 'rejection.advice.unreachable';
  return 'rejection.advice.other';
}
