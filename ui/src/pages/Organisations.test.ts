import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { reloadAttention } from '../lib/attention.svelte';
import Organisations from './Organisations.svelte';

const none = { canSendDocument: false, canReceiveDocument: false, canRemoveDocument: false, canManageHook: false, canChangeDocumentStatus: false };
const all = { canSendDocument: true, canReceiveDocument: true, canRemoveDocument: true, canManageHook: true, canChangeDocumentStatus: true };
const basic = { ...none, canSendDocument: true, canReceiveDocument: true };
const presets = [
  { role: 'basic', permissions: basic },
  { role: 'advanced', permissions: { ...basic, canRemoveDocument: true, canChangeDocumentStatus: true } },
  { role: 'administrator', permissions: all },
];
const org = (id: string, name: string, permissions: typeof none) => ({ id, name, kvk: id.slice(5), permissions, receive: 'on', documentCount: 0 });
const zero = { failedDocuments: 0, failedIntake: 0, rejected: 0, newReceived: 0, unanswered: 0, queued: 0 };

vi.mock('../lib/backend', async () => {
  const { fakeBackend } = await import('../test/fakeBackend');
  const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });
  return fakeBackend({
    organisations: () =>
      ok([org('0106:11111111', 'Bakkerij', all), org('0106:22222222', 'Hovenier', { ...none, canSendDocument: true }), org('0106:33333333', 'Leeg', none)]),
    rolePresets: () => ok(presets),
    attention: () =>
      ok({
        since: '2026-11-07',
        newSince: '2026-11-30',
        organisations: [
          { ...zero, partyId: '0106:11111111', name: 'Bakkerij', rejected: 2 },
          { ...zero, partyId: '0106:22222222', name: 'Hovenier' },
        ],
      }),
  });
});

describe('Organisaties', () => {
  it('names the role in words instead of permission letters, and shows the counts', async () => {
    await reloadAttention();
    const onnavigate = vi.fn();
    render(Organisations, { onopen: vi.fn(), onnavigate });
    await waitFor(() => expect(screen.getAllByTestId('organisation-row')).toHaveLength(3));
    const [bakkerij, hovenier, leeg] = screen.getAllByTestId('organisation-row');
    await waitFor(() => expect(within(bakkerij!).getByTestId('role').textContent).toBe('Beheerder'));
    expect(within(hovenier!).getByTestId('role').textContent).toBe('Aangepast: verzenden');
    expect(within(leeg!).getByTestId('role').textContent).toBe('Geen rechten');
    expect(screen.queryByTestId('permissions')).toBeNull();

    const rejected = within(bakkerij!).getByTestId('count-rejected');
    expect(rejected.textContent).toBe('2');
    await fireEvent.click(rejected);
    expect(onnavigate).toHaveBeenCalledWith('documents', { party: '0106:11111111', status: 'Rejected', from: '2026-11-07' });
    // Nothing rejected: a quiet 0, not a button.
    expect(within(hovenier!).getByTestId('count-rejected').textContent).toBe('0');
    expect(within(hovenier!).getByTestId('count-rejected').tagName).toBe('SPAN');
  });
});
