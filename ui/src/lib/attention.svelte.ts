// What needs attention per organisation, shared by Overzicht, Organisaties and the
// sidebar's badge. The sidebar reloads it when the cache or the outbox changed.
import { type Attention, type AttentionOverview, attention as loadAttention } from './backend';
import { formatNumber } from './format';
import type { DocumentFilter, Page } from './pages';

const state = $state({ overview: null as AttentionOverview | null, failure: null as { code: string; message: string } | null });
let latest = 0;

/** The last overview read (null until the first answer). */
export function overview(): AttentionOverview | null {
  return state.overview;
}

/** Why the last read failed, if it did. */
export function attentionFailure(): { code: string; message: string } | null {
  return state.failure;
}

/** Reads the counts again; an older answer arriving late is ignored. */
export async function reloadAttention(): Promise<void> {
  const call = ++latest;
  const outcome = await loadAttention();
  if (call !== latest) return;
  if (outcome.ok) {
    state.overview = outcome.value;
    state.failure = null;
  } else state.failure = outcome.error;
}

/** Failed documents and failed outbox files together. */
export function failed(a: Attention): number {
  return a.failedDocuments + a.failedIntake;
}

/** What asks for the user: failed, rejected and unanswered. */
export function needing(a: Attention): number {
  return failed(a) + a.rejected + a.unanswered;
}

/** Whether anything at all is open for this organisation (also new or waiting). */
export function anyOpen(a: Attention): boolean {
  return needing(a) + a.newReceived + a.queued > 0;
}

/** How many organisations need the user (the sidebar's badge). */
export function organisationsNeeding(): number {
  return state.overview?.organisations.filter((a) => needing(a) > 0).length ?? 0;
}

/** A count in the user's language (1.234 / 1,234). */
export function formatCount(n: number): string {
  return formatNumber(n);
}

/** The five counts, in the order the screens show them. */
export const kinds = ['failed', 'rejected', 'new', 'unanswered', 'queued'] as const;
export type Kind = (typeof kinds)[number];

/** A count of one kind. */
export function countOf(a: Attention, kind: Kind): number {
  switch (kind) {
    case 'failed':
      return failed(a);
    case 'rejected':
      return a.rejected;
    case 'new':
      return a.newReceived;
    case 'unanswered':
      return a.unanswered;
    case 'queued':
      return a.queued;
  }
}

/** Where a count leads: Documenten filtered to the organisation and state, or Verzenden
 *  for files that are waiting or failed before the platform accepted them. */
export function destination(a: Attention, kind: Kind, periods: Pick<AttentionOverview, 'since' | 'newSince'>): { page: Page; filter: DocumentFilter | null } {
  const party = a.partyId;
  switch (kind) {
    case 'failed':
      return a.failedDocuments > 0
        ? { page: 'documents', filter: { party, status: 'Failed', from: periods.since } }
        : { page: 'outbox', filter: null };
    case 'rejected':
      return { page: 'documents', filter: { party, status: 'Rejected', from: periods.since } };
    case 'new':
      return { page: 'documents', filter: { party, direction: 'received', unanswered: true, from: periods.newSince } };
    case 'unanswered':
      return { page: 'documents', filter: { party, direction: 'received', unanswered: true } };
    case 'queued':
      return { page: 'outbox', filter: null };
  }
}
