import { describe, expect, it } from 'vitest';
import type { Stage } from '../../backend';
import { fileProgress, isFinished, overall } from './progress';

const uploading = (sent: number, total: number): Stage => ({ state: 'uploaden', bytesSent: sent, bytesTotal: total });
const retry: Stage = { state: 'opnieuw', attempt: 0, waitMs: 15_000, error: 'Onderhoud' };
const sentStage: Stage = { state: 'verzonden', documentId: 'd' };

describe('outbox progress', () => {
  it('ends at 100% after a maintenance pause, also while a stale upload event is still held', () => {
    // Upload starts, maintenance holds it, it is tried again, the platform takes it.
    expect(fileProgress({ state: 'sending' }, uploading(0, 1000))).toBe(5);
    expect(fileProgress({ state: 'sending' }, retry)).toBe(5);
    expect(fileProgress({ state: 'sending' }, uploading(870, 1000))).toBe(87);
    expect(fileProgress({ state: 'sending' }, sentStage)).toBe(100);
    expect(fileProgress({ state: 'sent' }, uploading(870, 1000))).toBe(100);
    expect(fileProgress({ state: 'sent' }, undefined)).toBe(100);
  });

  it('never shows a file as done before the platform answered', () => {
    expect(fileProgress({ state: 'sending' }, uploading(1000, 1000))).toBe(95);
    expect(fileProgress({ state: 'queued' }, undefined)).toBe(0);
    expect(isFinished({ state: 'queued' }, undefined)).toBe(false);
  });

  it('counts refused, given-up and duplicate files as finished in the overall bar', () => {
    const rows = [
      { id: 'a', state: 'sent' },
      { id: 'b', state: 'refused' },
      { id: 'c', state: 'dead' },
      { id: 'd', state: 'sending' },
      { id: 'e', state: 'sending' },
    ];
    const stages: Record<string, Stage> = { d: sentStage, e: retry };
    expect(overall(rows, (id) => stages[id])).toEqual({ done: 4, total: 5 });
  });
});
