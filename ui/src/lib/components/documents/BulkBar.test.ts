import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { DocumentRow } from '../../backend';
import BulkBar from './BulkBar.svelte';

const answerInvoice = vi.fn();
const resendDocuments = vi.fn();
vi.mock('../../backend/receive', () => ({ answerInvoice: (...a: unknown[]) => answerInvoice(...a) }));
vi.mock('../../backend/worktable', () => ({ resendDocuments: (...a: unknown[]) => resendDocuments(...a) }));

const row = (id: string, direction: 'sent' | 'received', status: string): DocumentRow => ({
  id,
  partyId: '0106:1',
  partyName: 'Bakkerij',
  direction,
  channel: 'peppol' as const,
  status,
  counterpartyId: null,
  counterpartyName: null,
  invoiceNumber: `F-${id}`,
  issueDate: null,
  amount: null,
  currency: null,
  fileName: null,
  sha256: null,
  createdAt: '2026-11-03T10:00:00Z',
});

describe('BulkBar', () => {
  it('answers each received invoice and lists the ones that failed', async () => {
    answerInvoice.mockImplementation((id: string) =>
      Promise.resolve(id === 'b' ? { ok: false, error: { code: 'network', message: 'x' } } : { ok: true, value: null }),
    );
    render(BulkBar, { props: { rows: [row('a', 'received', 'Delivered'), row('b', 'received', 'Delivered'), row('s', 'sent', 'Delivered')], onexport: () => {}, onclear: () => {} } });
    await fireEvent.click(screen.getByTestId('bulk-accept'));
    const result = await screen.findByTestId('bulk-result');
    expect(result.textContent).toContain('1 van 2 gelukt');
    expect(result.textContent).toContain('F-b');
    expect(answerInvoice).toHaveBeenCalledTimes(2);
    expect(answerInvoice.mock.calls.map((c) => c[0])).toEqual(['a', 'b']);
  });

  it('sends again only failed or rejected sent documents, and says why not otherwise', async () => {
    resendDocuments.mockResolvedValue({
      ok: true,
      value: [{ documentId: 'f', queued: false, reason: 'Het bestand is niet meer op de bekende plek.' }],
    });
    const { unmount } = render(BulkBar, { props: { rows: [row('d', 'sent', 'Delivered')], onexport: () => {}, onclear: () => {} } });
    expect((screen.getByTestId('bulk-resend') as HTMLButtonElement).disabled).toBe(true);
    unmount();
    render(BulkBar, { props: { rows: [row('f', 'sent', 'Failed'), row('d', 'sent', 'Delivered')], onexport: () => {}, onclear: () => {} } });
    await fireEvent.click(screen.getByTestId('bulk-resend'));
    expect(resendDocuments.mock.calls[0]?.[0]).toEqual(['f']);
    const result = await screen.findByTestId('bulk-result');
    expect(result.textContent).toContain('0 van 1 gelukt');
    expect(result.textContent).toContain('niet meer op de bekende plek');
  });
});
