import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/index.svelte';
import Documents from './Documents.svelte';
import Overview from './Overview.svelte';
import Sidebar from '../lib/components/Sidebar.svelte';

const attention = vi.fn();
const documents = vi.fn();
vi.mock('../lib/backend', async () => {
  const { fakeBackend } = await import('../test/fakeBackend');
  return fakeBackend({ attention: () => attention(), documents: (q: unknown) => documents(q) });
});

const zero = { failedDocuments: 0, failedIntake: 0, rejected: 0, newReceived: 0, unanswered: 0, queued: 0 };
// As the engine sends them: worst first, the organisation with nothing last.
const rows = [
  { ...zero, partyId: '0106:1', name: 'Bakkerij De Korenaar', failedDocuments: 2, rejected: 1 },
  { ...zero, partyId: '0106:2', name: 'Advocaten Jansen', failedIntake: 1, queued: 3 },
  { ...zero, partyId: '0106:3', name: 'Hovenier Groenrijk', unanswered: 4, newReceived: 1 },
  { ...zero, partyId: '0106:4', name: 'Rustig B.V.' },
];
const overview = { since: '2026-11-07', newSince: '2026-11-30', organisations: rows };

// The document list measures its rows; jsdom has no ResizeObserver.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

afterEach(() => {
  setLocale('nl');
  attention.mockReset();
  documents.mockReset();
});

describe('Overzicht', () => {
  it('lists the organisations worst first and the ones with nothing open below', async () => {
    attention.mockResolvedValue({ ok: true, value: overview });
    render(Overview, { onnavigate: vi.fn() });
    await waitFor(() => expect(screen.getAllByTestId('attention-row')).toHaveLength(3));
    const order = screen.getAllByTestId('attention-row').map((r) => r.dataset.party);
    expect(order).toEqual(['0106:1', '0106:2', '0106:3']);
    const first = screen.getAllByTestId('attention-row')[0]!;
    expect(within(first).getByTestId('count-failed').textContent).toBe('2');
    expect(within(first).getByTestId('count-failed').tagName).toBe('BUTTON');
    expect(within(first).getByTestId('count-new').tagName).toBe('SPAN');
    expect(screen.getByTestId('overview-summary').textContent).toContain('3 organisaties vragen aandacht');
    expect(within(screen.getByTestId('up-to-date')).getByText('Rustig B.V.')).toBeTruthy();
  });

  it('opens Documenten filtered to the organisation and the state of a clicked count', async () => {
    attention.mockResolvedValue({ ok: true, value: overview });
    const onnavigate = vi.fn();
    render(Overview, { onnavigate });
    const rowsShown = await screen.findAllByTestId('attention-row');
    await fireEvent.click(within(rowsShown[0]!).getByTestId('count-rejected'));
    expect(onnavigate).toHaveBeenLastCalledWith('documents', { party: '0106:1', status: 'Rejected', from: '2026-11-07' });
    await fireEvent.click(within(rowsShown[2]!).getByTestId('count-unanswered'));
    expect(onnavigate).toHaveBeenLastCalledWith('documents', { party: '0106:3', direction: 'received', unanswered: true });
    await fireEvent.click(within(rowsShown[2]!).getByTestId('count-new'));
    expect(onnavigate).toHaveBeenLastCalledWith('documents', {
      party: '0106:3',
      direction: 'received',
      unanswered: true,
      from: '2026-11-30',
    });
    // Files that failed before the platform took them, and waiting files, are on Verzenden.
    await fireEvent.click(within(rowsShown[1]!).getByTestId('count-failed'));
    expect(onnavigate).toHaveBeenLastCalledWith('outbox', null);
    await fireEvent.click(within(rowsShown[1]!).getByTestId('count-queued'));
    expect(onnavigate).toHaveBeenLastCalledWith('outbox', null);
    // The totals row opens the same list for every organisation.
    const total = screen.getByTestId('attention-total');
    expect(within(total).getByTestId('count-failed').textContent).toBe('3');
    await fireEvent.click(within(total).getByTestId('count-rejected'));
    expect(onnavigate).toHaveBeenLastCalledWith('documents', { party: '', status: 'Rejected', from: '2026-11-07' });
  });

  it('names each count for screen readers with the organisation and the number', async () => {
    attention.mockResolvedValue({ ok: true, value: overview });
    render(Overview, { onnavigate: vi.fn() });
    const first = (await screen.findAllByTestId('attention-row'))[0]!;
    expect(within(first).getByTestId('count-failed').getAttribute('aria-label')).toBe('Mislukt bij Bakkerij De Korenaar: 2. Toon ze');
  });

  it('says all is up to date when nothing needs attention', async () => {
    attention.mockResolvedValue({ ok: true, value: { ...overview, organisations: [rows[3]] } });
    render(Overview, { onnavigate: vi.fn() });
    expect((await screen.findByTestId('overview-summary')).textContent).toContain('Alles bijgewerkt');
    expect(screen.queryByTestId('attention-list')).toBeNull();
  });

  it('Documenten starts with the filter a count gave it', async () => {
    documents.mockResolvedValue({ ok: true, value: { rows: [], total: 0, offset: 0 } });
    render(Documents, { initial: { party: '0106:3', direction: 'received', unanswered: true, from: '2026-11-30' } });
    await waitFor(() => expect(documents).toHaveBeenCalled());
    expect(documents).toHaveBeenCalledWith(
      expect.objectContaining({ party: '0106:3', direction: 'received', unanswered: true, from: '2026-11-30', status: null }),
    );
    expect((screen.getByTestId('filter-organisation') as HTMLSelectElement).value).toBe('');
    const chip = screen.getByTestId('filter-unanswered-chip');
    await fireEvent.click(chip);
    await waitFor(() => expect(documents).toHaveBeenLastCalledWith(expect.objectContaining({ unanswered: null })));
  });

  it('the sidebar badge counts the organisations that need attention, with a spoken label', async () => {
    attention.mockResolvedValue({ ok: true, value: overview });
    render(Sidebar, { current: 'documents', onnavigate: vi.fn() });
    const badge = await screen.findByTestId('overview-badge');
    expect(badge.textContent).toBe('3');
    expect(badge.getAttribute('aria-label')).toBe('3 organisaties vragen aandacht');
    expect(screen.getByTestId('nav-overview').textContent).toContain('Overzicht');
  });
});
