// Receiving (issue 8): received-invoice records, answers, removal and the receive folder.
import {
  commands,
  type InvoiceAnswer,
  type ReceiveFolder,
  type ReceiveSummary,
  type ReceivedInvoice,
} from './bindings';

export type { AnswerKind, InvoiceAnswer, ReceiveFolder, ReceiveSummary, ReceivedInvoice, ReceivedState } from './bindings';

/** An error as it crosses from Rust: a stable code and a detail message. */
interface ReceiveCallError {
  code: string;
  message: string;
}

/** The outcome of a receive call; errors are values, never thrown. */
export type ReceiveOutcome<T> = { ok: true; value: T } | { ok: false; error: ReceiveCallError };

type SpectaResult<T> = { status: 'ok'; data: T } | { status: 'error'; error: ReceiveCallError };

async function settle<T>(run: () => Promise<SpectaResult<T>>): Promise<ReceiveOutcome<T>> {
  try {
    const result = await run();
    return result.status === 'ok' ? { ok: true, value: result.data } : { ok: false, error: result.error };
  } catch (cause) {
    return { ok: false, error: { code: 'ipc_unavailable', message: String(cause) } };
  }
}

/** The receive records of these documents (those that have one). */
export function receivedInvoices(ids: string[]): Promise<ReceiveOutcome<ReceivedInvoice[]>> {
  return settle(() => commands.receivedInvoices(ids));
}

/** Accepts, rejects or marks paid a received invoice. */
export function answerInvoice(id: string, answer: InvoiceAnswer): Promise<ReceiveOutcome<ReceivedInvoice | null>> {
  return settle(() => commands.answerInvoice(id, answer));
}

/** Where received invoices go. */
export function receiveFolder(): Promise<ReceiveOutcome<ReceiveFolder>> {
  return settle(() => commands.receiveFolder());
}

/** Opens the folder picker and stores the choice; null when cancelled. */
export function chooseReceiveFolder(): Promise<ReceiveOutcome<ReceiveFolder | null>> {
  return settle(() => commands.chooseReceiveFolder());
}

/** Downloads new received invoices now. */
export function receiveNow(): Promise<ReceiveOutcome<ReceiveSummary>> {
  return settle(() => commands.receiveNow());
}
