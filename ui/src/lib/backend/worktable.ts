// The Documents screen's own calls: export of the filtered view or a selection, and
// sending a selection again. Errors are values, never thrown.
import { commands, type DocumentExport, type DocumentQuery, type ExportFormat, type Language, type ResendOutcome } from './bindings';
import type { Outcome } from './index';

export type { CurrencyTotal, DocumentExport, ExportFormat, ResendOutcome } from './bindings';

type SpectaResult<T> = { status: 'ok'; data: T } | { status: 'error'; error: { code: string; message: string } };

async function settle<T>(run: () => Promise<SpectaResult<T>>): Promise<Outcome<T>> {
  try {
    const result = await run();
    return result.status === 'ok' ? { ok: true, value: result.data } : { ok: false, error: result.error as never };
  } catch (cause) {
    return { ok: false, error: { code: 'ipc_unavailable', message: String(cause) } as never };
  }
}

/** Save dialog, then the documents matching `query` as CSV or xlsx; null when cancelled. */
export function exportDocuments(query: DocumentQuery, format: ExportFormat, language: Language): Promise<Outcome<DocumentExport | null>> {
  return settle(() => commands.exportDocuments(query, format, language));
}

/** Queues the files of sent documents again; one answer per document. */
export function resendDocuments(ids: string[], language: Language): Promise<Outcome<ResendOutcome[]>> {
  return settle(() => commands.resendDocuments(ids, language));
}
