import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DocumentInvoice, InvoiceView as View } from '../../backend/invoice';
import { setLocale } from '../../i18n/index.svelte';
import DocumentDetail from '../DocumentDetail.svelte';
import InvoiceView from './InvoiceView.svelte';
import { groupIban } from './invoiceText';

const invoiceBackend = vi.hoisted(() => ({
  documentInvoice: vi.fn(),
  invoicePdf: vi.fn(),
  openInvoiceFile: vi.fn(),
  revealInvoiceFile: vi.fn(),
}));
const backend = vi.hoisted(() => ({ document: vi.fn() }));

vi.mock('../../backend/invoice', () => invoiceBackend);
vi.mock('../../backend', async () => {
  const { fakeBackend } = await import('../../../test/fakeBackend');
  return fakeBackend(backend);
});
vi.mock('../../backend/receive', () => ({ receivedInvoices: vi.fn(() => Promise.resolve({ ok: true, value: [] })), answerInvoice: vi.fn() }));
vi.mock('./pdfRender', () => ({
  openPdf: vi.fn(() => Promise.resolve({ pages: 2, render: vi.fn(() => Promise.resolve()), close: vi.fn() })),
}));

const ok = <T>(value: T) => ({ ok: true as const, value });

const view: View = {
  kind: 'invoice',
  number: '2026-0412',
  typeCode: '380',
  issueDate: '2026-11-03',
  dueDate: '2026-12-03',
  currency: 'EUR',
  buyerReference: 'PO-88231',
  orderReference: null,
  supplier: {
    name: 'Drukkerij Van Dam',
    legalName: 'Drukkerij Van Dam B.V.',
    street: 'Oudegracht 112',
    additionalStreet: null,
    postalZone: '3511 AX',
    city: 'Utrecht',
    country: 'NL',
    kvk: '30187412',
    legalId: null,
    vatId: 'NL812345678B01',
    endpoint: '0106:30187412',
    contact: null,
  },
  customer: null,
  lines: [
    { id: '1', description: 'Folders A4', detail: null, quantity: '2500', unit: 'C62', unitPrice: '0.40', vatCategory: 'S', vatPercent: '21', amount: '1000.00' },
    { id: '2', description: 'Opmaak', detail: 'twee rondes', quantity: '2.5', unit: 'HUR', unitPrice: '100.00', vatCategory: 'S', vatPercent: '9', amount: '250.00' },
  ],
  vat: [
    { category: 'S', percent: '21', taxable: '1000.00', tax: '210.00', exemptionReason: null },
    { category: 'S', percent: '9', taxable: '250.00', tax: '22.50', exemptionReason: null },
  ],
  totals: { lines: '1250.00', allowances: null, charges: null, withoutVat: '1250.00', vat: '232.50', withVat: '1482.50', prepaid: null, rounding: null, payable: '1482.50' },
  payment: { meansCode: '30', iban: 'NL91ABNA0417164300', accountName: null, bic: 'ABNANL2A', reference: '2026-0412', terms: null, mandate: null },
  notes: ['Levering volgens offerte.'],
  attachments: [{ index: 0, id: '2026-0412', description: null, fileName: 'Factuur 2026-0412.pdf', mime: 'application/pdf', size: 2_600_000, isPdf: true, uri: null }],
};

const withView = (v: View | null = view): DocumentInvoice => ({
  view: v,
  problem: v ? null : { code: 'malformed', message: 'Het factuurbestand is geen geldige XML', messageEn: 'The invoice file is not valid XML' },
  xmlPath: '/d/Ontvangen/f.xml',
  pdfPath: null,
  hasPdf: v !== null,
});

beforeEach(() => {
  setLocale('nl');
  for (const fn of [...Object.values(invoiceBackend), ...Object.values(backend)]) fn.mockReset();
  invoiceBackend.openInvoiceFile.mockResolvedValue(ok(null));
  invoiceBackend.revealInvoiceFile.mockResolvedValue(ok(null));
  invoiceBackend.invoicePdf.mockResolvedValue(ok(new Uint8Array([37, 80, 68, 70])));
});

describe('the invoice view', () => {
  it('shows lines, VAT per rate, totals and the IBAN in Dutch formats', async () => {
    invoiceBackend.documentInvoice.mockResolvedValue(ok(withView()));
    render(InvoiceView, { id: 'doc-1' });
    expect((await screen.findByTestId('invoice-number')).textContent).toBe('2026-0412');
    const lines = screen.getAllByTestId('invoice-line');
    expect(lines).toHaveLength(2);
    expect(lines[0]?.textContent).toContain('2.500');
    expect(lines[0]?.textContent).toContain('st.');
    expect(lines[0]?.textContent).toMatch(/€\s?1\.000,00/);
    expect(lines[1]?.textContent).toContain('2,5');
    expect(lines[1]?.textContent).toContain('uur');
    const rates = screen.getAllByTestId('invoice-vat-row').map((r) => r.textContent ?? '');
    expect(rates[0]).toMatch(/21\s?%/);
    expect(rates[1]).toMatch(/€\s?22,50/);
    expect(screen.getByTestId('invoice-total-payable').textContent).toMatch(/€\s?1\.482,50/);
    expect(screen.getByTestId('invoice-iban').textContent).toBe('NL91 ABNA 0417 1643 00');
    expect(screen.getByTestId('invoice-due-date').textContent).toBe('03-12-2026');
    expect(screen.getByTestId('invoice-supplier').textContent).toContain('KvK 30187412');
    expect(screen.getByTestId('invoice-attachment').textContent).toMatch(/2,6\s?MB/);
  });

  it('speaks English with English formats', async () => {
    setLocale('en');
    invoiceBackend.documentInvoice.mockResolvedValue(ok(withView()));
    render(InvoiceView, { id: 'doc-1' });
    expect((await screen.findByTestId('invoice-total-payable')).textContent).toBe('€1,482.50');
    expect(screen.getByTestId('invoice-due-date').textContent).toBe('03/12/2026');
    expect(screen.getAllByTestId('invoice-line')[1]?.textContent).toMatch(/2\.5\s*h/);
  });

  it('opens the PDF tab with its pages, and opens or reveals the file by the document id', async () => {
    invoiceBackend.documentInvoice.mockResolvedValue(ok(withView()));
    render(InvoiceView, { id: 'doc-1' });
    await fireEvent.click(await screen.findByTestId('invoice-tab-pdf'));
    await waitFor(() => expect(screen.getAllByTestId('invoice-pdf-page')).toHaveLength(2));
    expect(invoiceBackend.invoicePdf).toHaveBeenCalledWith('doc-1');
    await fireEvent.click(screen.getByTestId('invoice-open'));
    expect(invoiceBackend.openInvoiceFile).toHaveBeenCalledWith('doc-1', 'pdf');
    await fireEvent.click(screen.getByTestId('invoice-reveal'));
    expect(invoiceBackend.revealInvoiceFile).toHaveBeenCalledWith('doc-1', 'xml');
  });

  it('says why an unreadable invoice is not shown, and keeps the paths under Geavanceerd', async () => {
    invoiceBackend.documentInvoice.mockResolvedValue(ok(withView(null)));
    render(InvoiceView, { id: 'doc-2' });
    expect((await screen.findByTestId('invoice-problem')).textContent).toContain('geen geldige XML');
    expect(screen.getByTestId('invoice-advanced').textContent).toContain('/d/Ontvangen/f.xml');
    expect(screen.queryByTestId('invoice-paper')).toBeNull();
  });

  it('groups an IBAN in fours', () => {
    expect(groupIban('nl91abna0417164300')).toBe('NL91 ABNA 0417 1643 00');
    expect(groupIban('BE68 5390 0754 7034')).toBe('BE68 5390 0754 7034');
  });
});

describe('previous and next in the document panel', () => {
  const detail = (id: string) =>
    ok({
      document: { id, partyId: 'p', partyName: 'Org', direction: 'received', channel: 'peppol', status: 'Delivered', counterpartyId: null, counterpartyName: null, invoiceNumber: id, issueDate: null, amount: null, currency: null, fileName: null, sha256: null, createdAt: '2026-11-03T10:00:00Z' },
      history: [],
    });

  it('steps with the buttons and with the arrow and j/k keys, not past the ends', async () => {
    backend.document.mockImplementation((id: string) => Promise.resolve(detail(id)));
    invoiceBackend.documentInvoice.mockResolvedValue(ok(withView()));
    const onstep = vi.fn();
    render(DocumentDetail, { id: 'a', onclose: vi.fn(), onstep, position: { index: 1, total: 3 } });
    const panel = await screen.findByTestId('document-detail');
    expect((screen.getByTestId('document-previous') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('document-position').textContent).toBe('1 van 3');
    await fireEvent.click(screen.getByTestId('document-next'));
    await fireEvent.keyDown(panel, { key: 'ArrowRight' });
    await fireEvent.keyDown(panel, { key: 'j' });
    await fireEvent.keyDown(panel, { key: 'ArrowLeft' });
    expect(onstep.mock.calls).toEqual([[1], [1], [1]]);
  });

  it('shows the document stepped to, also when the previous one finishes loading after it', async () => {
    const pending = new Map<string, (value: ReturnType<typeof detail>) => void>();
    backend.document.mockImplementation((id: string) => new Promise((resolve) => pending.set(id, resolve)));
    invoiceBackend.documentInvoice.mockImplementation(() => new Promise(() => {}));
    const props = { onclose: vi.fn(), onstep: vi.fn(), position: { index: 1, total: 2 } };
    const { rerender } = render(DocumentDetail, { id: 'VD-0412', ...props });
    await rerender({ id: 'SH-117', ...props, position: { index: 2, total: 2 } });
    await waitFor(() => expect(pending.size).toBe(2));
    pending.get('SH-117')?.(detail('SH-117'));
    await waitFor(() => expect(screen.getByTestId('document-facts').textContent).toContain('SH-117'));
    pending.get('VD-0412')?.(detail('VD-0412'));
    // A macrotask later every callback of the late answer has run.
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.getByTestId('document-facts').textContent).not.toContain('VD-0412');
    expect(invoiceBackend.documentInvoice).toHaveBeenLastCalledWith('SH-117');
  });
});
