import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/index.svelte';
import Documents from './Documents.svelte';

vi.stubGlobal(
  'ResizeObserver',
  class {
    observe() {}
    unobserve() {}
    disconnect() {}
  },
);

const row = (id: string, direction: 'sent' | 'received', amount: string) => ({
  id,
  partyId: '0106:1',
  partyName: 'Bakkerij Korenaar',
  direction,
  channel: 'peppol',
  status: 'Delivered',
  counterpartyId: null,
  counterpartyName: 'Jansen',
  invoiceNumber: `F-${id}`,
  issueDate: '2026-11-03',
  amount,
  currency: 'EUR',
  fileName: null,
  sha256: null,
  createdAt: '2026-11-03T10:00:00Z',
});

const documents = vi.fn((_query: unknown) =>
  Promise.resolve({
    ok: true as const,
    value: {
      rows: [row('a', 'received', '1000.25'), row('b', 'sent', '234.25')],
      total: 2,
      totals: [{ currency: 'EUR', count: 2, withAmount: 2, amount: '1234.50' }],
      offset: 0,
    },
  }),
);

vi.mock('../lib/backend', async () => {
  const { fakeBackend } = await import('../test/fakeBackend');
  return fakeBackend({ documents: (q: unknown) => documents(q) });
});
vi.mock('../lib/backend/receive', () => ({
  documentCoverage: () => Promise.resolve({ ok: true, value: { sentHere: 1, received: 1 } }),
  receivedInvoices: () => Promise.resolve({ ok: true, value: [] }),
  answerInvoice: () => Promise.resolve({ ok: true, value: null }),
}));
vi.mock('../lib/backend/worktable', () => ({
  exportDocuments: vi.fn(() => Promise.resolve({ ok: true, value: null })),
  resendDocuments: vi.fn(() => Promise.resolve({ ok: true, value: [] })),
}));

afterEach(() => {
  setLocale('nl');
  documents.mockClear();
});

describe('Documenten', () => {
  it('sorts by a column header: aria-sort follows each click', async () => {
    render(Documents);
    const amount = await screen.findByTestId('sort-amount');
    expect(amount.getAttribute('aria-sort')).toBe('none');
    expect(screen.getByTestId('sort-date').getAttribute('aria-sort')).toBe('descending');
    await fireEvent.click(amount.querySelector('button')!);
    expect(amount.getAttribute('aria-sort')).toBe('descending');
    expect(screen.getByTestId('sort-date').getAttribute('aria-sort')).toBe('none');
    await fireEvent.click(amount.querySelector('button')!);
    expect(amount.getAttribute('aria-sort')).toBe('ascending');
    const last = documents.mock.calls.at(-1) as unknown as [{ sort: { field: string; descending: boolean } }];
    expect(last[0].sort).toEqual({ field: 'amount', descending: false });
  });

  it('shows the totals of the filtered set, formatted by Intl', async () => {
    render(Documents);
    const sum = await screen.findByTestId('documents-totals-sum');
    const expected = new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' }).format(1234.5);
    expect(sum.textContent?.trim()).toBe(expected);
    expect(screen.getByTestId('document-count').textContent).toContain('2 documenten');
  });

  it('shows the bulk actions once a row is selected', async () => {
    render(Documents);
    const boxes = await screen.findAllByTestId('select-row');
    expect(screen.queryByTestId('bulk-bar')).toBeNull();
    await fireEvent.click(boxes[0]!);
    expect(screen.getByTestId('bulk-count').textContent).toBe('1 geselecteerd');
    expect((screen.getByTestId('bulk-accept') as HTMLButtonElement).disabled).toBe(false);
    await fireEvent.click(screen.getByTestId('bulk-clear'));
    expect(screen.queryByTestId('bulk-bar')).toBeNull();
  });

  it('starts from the filter it was given', async () => {
    render(Documents, { props: { initial: { status: 'Failed', direction: 'sent', unanswered: true } } });
    await screen.findByTestId('documents-totals');
    const first = documents.mock.calls[0] as unknown as [{ status: string; direction: string; unanswered: boolean | null }];
    expect(first[0].status).toBe('Failed');
    expect(first[0].direction).toBe('sent');
    expect(first[0].unanswered).toBe(true);
    expect((screen.getByTestId('filter-unanswered') as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId('filter-direction-sent').getAttribute('aria-pressed')).toBe('true');
  });
});
