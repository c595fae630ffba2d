// The answer to the supplier of a received invoice, as a badge in the documents list.
import type { ReceivedInvoice } from './backend/receive';
import type { MessageKey } from './i18n/nl';

/** What the badge shows: its label, colour, and whether the platform has it yet. */
export type AnswerBadge = { label: MessageKey; tone: 'accepted' | 'rejected' | 'paid'; pending: boolean };

const TONES: Partial<Record<string, AnswerBadge['tone']>> = { AP: 'accepted', RE: 'rejected', PD: 'paid' };

/** The badge of a received invoice's answer; null when it has none (or an unknown code). */
export function answerBadge(record: Pick<ReceivedInvoice, 'response' | 'responseAt'> | undefined): AnswerBadge | null {
  const code = record?.response;
  const tone = code ? TONES[code] : undefined;
  if (!code || !tone) return null;
  return { label: `receive.answer.${code}` as MessageKey, tone, pending: !record?.responseAt };
}
