// How far one file of the outbox is, as a percentage: 100 once it is finished either way
// (sent, already there, refused, given up), whatever live event arrived before the rows
// were reloaded. The bar is drawn from this alone, so it cannot stop short of the end.
import type { OutboxItem, Stage } from '../../backend';

const FINAL_STATES = new Set(['sent', 'refused', 'dead']);
const FINAL_STAGES = new Set<Stage['state']>(['verzonden', 'mislukt', 'dood', 'duplicaat']);

/** Whether the file is finished (its bar full, drawn without animation). */
export function isFinished(item: Pick<OutboxItem, 'state'>, stage: Stage | undefined): boolean {
  return FINAL_STATES.has(item.state) || (stage !== undefined && FINAL_STAGES.has(stage.state));
}

/** The file's progress in percent (0–100). */
export function fileProgress(item: Pick<OutboxItem, 'state'>, stage: Stage | undefined): number {
  if (isFinished(item, stage)) return 100;
  if (stage?.state === 'uploaden' && stage.bytesTotal > 0) {
    // Never 100 before the platform answered: the bytes are out, the answer is not in.
    return Math.min(95, Math.max(5, Math.round((stage.bytesSent / stage.bytesTotal) * 100)));
  }
  return item.state === 'sending' || stage?.state === 'uploaden' || stage?.state === 'opnieuw' ? 5 : 0;
}

/** Files finished and all files, for the overall bar: every row counts once. */
export function overall(rows: Pick<OutboxItem, 'id' | 'state'>[], stage: (id: string) => Stage | undefined): { done: number; total: number } {
  const done = rows.filter((r) => isFinished(r, stage(r.id))).length;
  return { done, total: rows.length };
}
