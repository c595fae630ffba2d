import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { OrgBinding } from '../../backend';
import { clearHandedFiles, handOver, setDropParty } from '../../outbox.svelte';
import PreflightPanel from '../PreflightPanel.svelte';
import DropZone from './DropZone.svelte';
import { defaultParty, groupByParty } from './fileParty';

const backend = vi.hoisted(() => ({
  organisations: vi.fn(),
  preflightFiles: vi.fn(),
  submitFiles: vi.fn(),
  watchedFolders: vi.fn(),
}));
const hover = vi.hoisted(() => ({ handler: null as null | ((over: boolean) => void) }));

vi.mock('../../backend', async () => {
  const { fakeBackend } = await import('../../../test/fakeBackend');
  return fakeBackend(backend);
});
vi.mock('../../backend/send', () => ({
  onDropHover: vi.fn((handler: (over: boolean) => void) => {
    hover.handler = handler;
    return Promise.resolve(() => {});
  }),
}));

const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });
const org = (id: string, name: string) => ({ id, name, permissions: { canSendDocument: true, canReceiveDocument: true } });
const check = (fileName: string) => ({ fileName, size: 4000, eInvoice: false, refusal: null, warnings: [] });
const bindings: OrgBinding[] = [
  { path: '/watch/Bakkerij', partyId: '0106:30187412', direction: 'purchase', filesWaiting: 0 },
  { path: '/watch/Smit', partyId: '0106:05167723', direction: 'purchase', filesWaiting: 0 },
];

beforeEach(() => {
  clearHandedFiles();
  setDropParty(null);
  for (const fn of Object.values(backend)) fn.mockReset();
  backend.organisations.mockImplementation(() => ok([org('0106:30187412', 'Bakkerij'), org('0106:05167723', 'Smit'), org('0106:61844390', 'Het Wiel')]));
  backend.watchedFolders.mockImplementation(() => ok([{ path: '/watch', organisations: bindings }]));
  backend.preflightFiles.mockImplementation((paths: string[]) => ok(paths.map((p) => check(p.split('/').pop() ?? p))));
  backend.submitFiles.mockImplementation((party: string, _d: string, paths: string[]) =>
    ok(paths.map((path) => ({ path, preflight: check(path), outcome: { outcome: 'queued', id: `${party}:${path}` } }))),
  );
});

describe('the organisation per file', () => {
  it('defaults from the watched subfolder, else the last choice', () => {
    expect(defaultParty('/watch/Smit/f.pdf', bindings, '0106:61844390')).toBe('0106:05167723');
    expect(defaultParty('/watch/Smitjes/f.pdf', bindings, '0106:61844390')).toBe('0106:61844390');
    expect(defaultParty('/elders/f.pdf', bindings, null)).toBeNull();
    expect(groupByParty(['a', 'b', 'c'], (p) => (p === 'b' ? 'y' : p === 'c' ? '' : 'x'))).toEqual([
      ['x', ['a']],
      ['y', ['b']],
    ]);
  });

  it('is chosen per row and each organisation gets its own files', async () => {
    setDropParty('0106:61844390');
    handOver(['/watch/Bakkerij/brood.pdf', '/watch/Smit/apk.pdf', '/bureaublad/los.pdf']);
    render(PreflightPanel);
    await waitFor(() => expect(screen.getAllByTestId('preflight-file')).toHaveLength(3));
    const selects = () => screen.getAllByTestId('file-organisation') as HTMLSelectElement[];
    await waitFor(() => expect(selects().map((s) => s.value)).toEqual(['0106:30187412', '0106:05167723', '0106:61844390']));

    await fireEvent.change(selects()[2] as HTMLSelectElement, { target: { value: '0106:30187412' } });
    await fireEvent.click(screen.getByTestId('preflight-send'));
    await waitFor(() => expect(backend.submitFiles).toHaveBeenCalledTimes(2));
    expect(backend.submitFiles.mock.calls.map((c) => [c[0], c[2]])).toEqual([
      ['0106:30187412', ['/watch/Bakkerij/brood.pdf', '/bureaublad/los.pdf']],
      ['0106:05167723', ['/watch/Smit/apk.pdf']],
    ]);
  });

  it('does not send a file without an organisation and says so', async () => {
    backend.watchedFolders.mockImplementation(() => ok([]));
    handOver(['/bureaublad/a.pdf', '/bureaublad/b.pdf']);
    render(PreflightPanel);
    await waitFor(() => expect(screen.getAllByTestId('preflight-file')).toHaveLength(2));
    expect(screen.getByTestId('preflight-missing-organisation').textContent).toContain('Kies bij elk bestand');
    expect((screen.getByTestId('preflight-send') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.change(screen.getByTestId('drop-organisation'), { target: { value: '0106:61844390' } });
    expect((screen.getAllByTestId('file-organisation') as HTMLSelectElement[]).map((s) => s.value)).toEqual(['0106:61844390', '0106:61844390']);
    expect(screen.getByTestId('preflight-send').textContent).toContain('2 verzenden');
  });
});

describe('the drop zone', () => {
  it('lights up while files are dragged over and opens the chooser from its button', async () => {
    const onchoose = vi.fn();
    render(DropZone, { onchoose });
    const zone = screen.getByTestId('drop-zone');
    expect(zone.textContent).toContain('Sleep pdf-facturen hierheen of kies bestanden');
    await waitFor(() => expect(hover.handler).not.toBeNull());
    hover.handler?.(true);
    await waitFor(() => expect(zone.dataset.over).toBe('true'));
    hover.handler?.(false);
    await waitFor(() => expect(zone.dataset.over).toBe('false'));
    await fireEvent.click(screen.getByTestId('choose-files'));
    expect(onchoose).toHaveBeenCalledOnce();
  });
});
