import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { reloadOutbox } from '../../outbox.svelte';
import OutboxQueue from '../OutboxQueue.svelte';

const backend = vi.hoisted(() => ({ outbox: vi.fn(), organisations: vi.fn() }));

vi.mock('../../backend', async () => {
  const { fakeBackend } = await import('../../../test/fakeBackend');
  return fakeBackend(backend);
});

const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });
const row = (id: string, state: string, documentId: string | null) => ({
  id,
  partyId: '0106:30187412',
  direction: 'purchase',
  route: 'purchaseRecognize',
  path: `/in/${id}.pdf`,
  originalPath: `/in/${id}.pdf`,
  fileName: `${id}.pdf`,
  mime: 'application/pdf',
  sha256: 'x',
  size: 4000,
  eInvoice: false,
  state,
  attempts: 0,
  nextAttemptMs: 0,
  lastError: null,
  refusalCode: null,
  refusalMessage: null,
  documentId,
  doneDir: null,
  moved: false,
  createdAt: '2026-12-06T06:00:00Z',
  updatedAt: '2026-12-06T06:01:00Z',
  sentAt: documentId ? '2026-12-06T06:01:00Z' : null,
});

beforeEach(() => {
  backend.organisations.mockImplementation(() => ok([{ id: '0106:30187412', name: 'Bakkerij' }]));
});

describe('the outbox queue', () => {
  it('shows a sent file as a full bar and a link to its document, not its id', async () => {
    backend.outbox.mockImplementation(() => ok([row('factuur-1', 'sent', 'ecp-0d9f'), row('factuur-2', 'queued', null)]));
    await reloadOutbox();
    const onopen = vi.fn();
    render(OutboxQueue, { onopen });
    const link = await screen.findByTestId('outbox-document-link');
    expect(link.textContent?.trim()).toBe('factuur-1.pdf');
    expect(screen.getByTestId('outbox-queue').textContent).not.toContain('ecp-0d9f');
    const bars = screen.getAllByTestId('outbox-progress').map((b) => b.getAttribute('aria-valuenow'));
    expect(bars).toEqual(['100', '0']);
    expect(screen.getByTestId('outbox-overall').textContent).toContain('1 van 2');
    await fireEvent.click(link);
    expect(onopen).toHaveBeenCalledWith('ecp-0d9f');
    await waitFor(() => expect(screen.getAllByTestId('outbox-item')).toHaveLength(2));
  });
});
