// The readable invoice of a document: its view, its PDF, and opening its files.
import { commands, type DocumentInvoice, type InvoiceFileKind } from './bindings';

export type {
  DocumentInvoice,
  InvoiceAttachment,
  InvoiceFileKind,
  InvoiceKind,
  InvoiceLine,
  InvoiceParty,
  InvoiceTotals,
  InvoiceView,
  InvoiceViewError,
  PaymentDetails,
  VatBreakdown,
} from './bindings';

/** An error as it crosses from Rust: a stable code and a detail message. */
interface InvoiceCallError {
  code: string;
  message: string;
}

/** The outcome of an invoice call; errors are values, never thrown. */
export type InvoiceOutcome<T> = { ok: true; value: T } | { ok: false; error: InvoiceCallError };

type SpectaResult<T> = { status: 'ok'; data: T } | { status: 'error'; error: InvoiceCallError };

async function settle<T>(run: () => Promise<SpectaResult<T>>): Promise<InvoiceOutcome<T>> {
  try {
    const result = await run();
    return result.status === 'ok' ? { ok: true, value: result.data } : { ok: false, error: result.error };
  } catch (cause) {
    return { ok: false, error: { code: 'ipc_unavailable', message: String(cause) } };
  }
}

/** The document's invoice: its view (or why there is none) and its files. */
export function documentInvoice(id: string): Promise<InvoiceOutcome<DocumentInvoice>> {
  return settle(() => commands.documentInvoice(id));
}

/** The document's PDF as bytes, or null when it has none. */
export async function invoicePdf(id: string): Promise<InvoiceOutcome<Uint8Array | null>> {
  const outcome = await settle(() => commands.invoicePdf(id));
  if (!outcome.ok || outcome.value === null) return outcome as InvoiceOutcome<null>;
  const text = atob(outcome.value);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return { ok: true, value: bytes };
}

/** Opens the document's PDF or XML with the system's app. */
export function openInvoiceFile(id: string, kind: InvoiceFileKind): Promise<InvoiceOutcome<null>> {
  return settle(() => commands.openInvoiceFile(id, kind));
}

/** Shows the document's PDF or XML in the file manager. */
export function revealInvoiceFile(id: string, kind: InvoiceFileKind): Promise<InvoiceOutcome<null>> {
  return settle(() => commands.revealInvoiceFile(id, kind));
}
