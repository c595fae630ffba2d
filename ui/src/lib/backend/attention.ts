// The overview of what needs attention per organisation.
import { commands, type AttentionOverview } from './bindings';

export type { Attention, AttentionOverview } from './bindings';

type AttentionOutcome<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** Every organisation's counts (failed, rejected, new, unanswered, waiting), worst first. */
export async function attention(): Promise<AttentionOutcome<AttentionOverview>> {
  try {
    const result = await commands.attention();
    return result.status === 'ok' ? { ok: true, value: result.data } : { ok: false, error: result.error };
  } catch (cause) {
    // Thrown only when the IPC bridge itself fails (e.g. the page runs outside Tauri).
    return { ok: false, error: { code: 'ipc_unavailable', message: String(cause) } };
  }
}
