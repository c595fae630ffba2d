// Receiving: received-invoice records, answers, removal, the receive folder,
// and how invoices reach this installation (hook channel).
import {
  commands,
  type DocumentCoverage,
  type InvoiceAnswer,
  type ReceiveChannel,
  type ReceiveChannelState,
  type ReceiveFolder,
  type ReceiveSummary,
  type ReceivedInvoice,
} from './bindings';

export type {
  AnswerKind,
  ChannelKind,
  DocumentCoverage,
  ReceiveChannel,
  ReceiveChannelState,
  InvoiceAnswer, ReceiveFolder, ReceiveSummary, ReceivedInvoice, ReceivedState } from './bindings';

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

/** How received invoices reach this installation (Instellingen → Ontvangen). */
export function receiveChannel(): Promise<ReceiveOutcome<ReceiveChannelState>> {
  return settle(() => commands.receiveChannel());
}

/** Saves and applies a way of receiving. */
export function setReceiveChannel(channel: ReceiveChannel): Promise<ReceiveOutcome<ReceiveChannelState>> {
  return settle(() => commands.setReceiveChannel(channel));
}

/** Asks the platform for a test announcement to this installation's hook. */
export function testReceiveChannel(): Promise<ReceiveOutcome<ReceiveChannelState>> {
  return settle(() => commands.testReceiveChannel());
}

/** What Documenten covers: sent from this computer, received by hook. */
export function documentCoverage(): Promise<ReceiveOutcome<DocumentCoverage>> {
  return settle(() => commands.documentCoverage());
}
