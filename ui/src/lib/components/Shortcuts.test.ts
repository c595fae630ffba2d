import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Shortcuts from './Shortcuts.svelte';

const orgs = [
  { id: '0106:30187412', name: 'Bakkerij De Gouden Korenaar B.V.', kvk: '30187412' },
  { id: '0106:24356718', name: 'Van der Meer Installatietechniek B.V.', kvk: '24356718' },
  { id: '0106:56012934', name: 'Hoveniersbedrijf Groenrijk', kvk: '56012934' },
];

vi.mock('../backend', async () => {
  const { fakeBackend } = await import('../../test/fakeBackend');
  return fakeBackend({ organisations: () => Promise.resolve({ ok: true, value: orgs }) });
});

afterEach(() => {
  document.body.innerHTML = '';
});

/** A page with a search field and three rows, as lists mark them. */
function page(onrow: (n: number) => void) {
  const main = document.createElement('main');
  main.innerHTML = '<input type="search" data-testid="search" />';
  for (const n of [0, 1, 2]) {
    const row = document.createElement('div');
    row.dataset.row = '';
    row.tabIndex = 0;
    row.dataset.testid = `row-${n}`;
    row.addEventListener('click', () => onrow(n));
    main.append(row);
  }
  document.body.append(main);
}

describe('Sneltoetsen', () => {
  it('/ focuses the search, j/k move through rows and Enter opens the focused row', async () => {
    const opened: number[] = [];
    render(Shortcuts, { onopenorganisation: () => {} });
    page((n) => opened.push(n));
    await fireEvent.keyDown(window, { key: '/' });
    expect(document.activeElement).toBe(screen.getByTestId('search'));
    // Typing in the search is text, not a move.
    await fireEvent.keyDown(screen.getByTestId('search'), { key: 'j' });
    expect(document.activeElement).toBe(screen.getByTestId('search'));
    screen.getByTestId('search').blur();
    await fireEvent.keyDown(window, { key: 'j' });
    await fireEvent.keyDown(document.activeElement ?? window, { key: 'j' });
    expect(document.activeElement).toBe(screen.getByTestId('row-1'));
    await fireEvent.keyDown(document.activeElement ?? window, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(screen.getByTestId('row-0'));
    await fireEvent.keyDown(document.activeElement ?? window, { key: 'Enter' });
    expect(opened).toEqual([0]);
  });

  it('? opens the cheat sheet listing every shortcut', async () => {
    render(Shortcuts, { onopenorganisation: () => {} });
    const sheet = screen.getByTestId('shortcuts') as HTMLDialogElement;
    expect(sheet.open).toBe(false);
    await fireEvent.keyDown(window, { key: '?' });
    expect(sheet.open).toBe(true);
    expect(sheet.textContent).toContain('Naar een organisatie gaan');
    expect(sheet.querySelectorAll('kbd').length).toBeGreaterThanOrEqual(9);
  });

  it('Ctrl+K finds an organisation by name or KvK number and Enter opens it', async () => {
    const open = vi.fn();
    render(Shortcuts, { onopenorganisation: open });
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    expect((screen.getByTestId('switcher') as HTMLDialogElement).open).toBe(true);
    await waitFor(() => expect(screen.getAllByTestId('switcher-option')).toHaveLength(3));
    const search = screen.getByTestId('switcher-search');
    await fireEvent.input(search, { target: { value: '5601' } });
    expect(screen.getAllByTestId('switcher-option').map((o) => o.textContent?.trim())).toEqual(['Hoveniersbedrijf Groenrijk 56012934']);
    await fireEvent.input(search, { target: { value: 'b.v.' } });
    await fireEvent.keyDown(search, { key: 'ArrowDown' });
    await fireEvent.keyDown(search, { key: 'Enter' });
    expect(open).toHaveBeenCalledWith('0106:24356718');
    expect((screen.getByTestId('switcher') as HTMLDialogElement).open).toBe(false);
  });
});
