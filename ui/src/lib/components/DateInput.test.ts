import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../i18n/index.svelte';
import Harness from '../../test/DateInputHarness.svelte';
import { parseTyped, presetRange, showTyped } from '../dates/period';

afterEach(() => setLocale('nl'));

async function type(text: string) {
  const input = screen.getByTestId('d-text') as HTMLInputElement;
  await fireEvent.input(input, { target: { value: text } });
  await fireEvent.blur(input);
  return input;
}

describe('DateInput', () => {
  it('takes a typed Dutch date and shows it as dd-mm-jjjj', async () => {
    render(Harness);
    const input = await type('31-12-2026');
    expect(screen.getByTestId('bound').textContent).toBe('2026-12-31');
    expect(input.value).toBe('31-12-2026');
    expect(screen.queryByTestId('d-error')).toBeNull();
  });

  it('refuses 31-02-2026 with a translated error and keeps the old value', async () => {
    render(Harness, { props: { value: '2026-01-15' } });
    const input = await type('31-02-2026');
    expect(screen.getByTestId('d-error').textContent).toContain('Geen geldige datum');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('bound').textContent).toBe('2026-01-15');
  });

  it('shows dd/mm/yyyy in English', async () => {
    setLocale('en');
    render(Harness, { props: { value: '2026-05-12' } });
    expect((screen.getByTestId('d-text') as HTMLInputElement).value).toBe('12/05/2026');
    await type('31/02/2026');
    expect(screen.getByTestId('d-error').textContent).toContain('Not a valid date');
  });

  it('is driven by keyboard in the calendar: arrows move, Enter chooses, Esc closes', async () => {
    render(Harness, { props: { value: '2026-05-12' } });
    await fireEvent.click(screen.getByTestId('d-open'));
    const calendar = screen.getByTestId('d-calendar');
    // Month names come from Intl in the UI's language.
    expect(calendar.textContent).toContain('mei 2026');
    const grid = calendar.querySelector('table')!;
    await fireEvent.keyDown(grid, { key: 'ArrowRight' });
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(calendar.querySelector('[tabindex="0"]')?.getAttribute('data-day')).toBe('2026-05-20');
    await fireEvent.keyDown(grid, { key: 'Enter' });
    expect(screen.getByTestId('bound').textContent).toBe('2026-05-20');
    expect(screen.queryByTestId('d-calendar')).toBeNull();

    await fireEvent.click(screen.getByTestId('d-open'));
    const again = screen.getByTestId('d-calendar').querySelector('table')!;
    await fireEvent.keyDown(again, { key: 'PageDown' });
    expect(screen.getByTestId('d-calendar').textContent).toContain('juni 2026');
    await fireEvent.keyDown(again, { key: 'Escape' });
    expect(screen.queryByTestId('d-calendar')).toBeNull();
    expect(screen.getByTestId('bound').textContent).toBe('2026-05-20');
  });
});

describe('period helpers', () => {
  it('reads real dates only', () => {
    expect(parseTyped('1-3-2026')).toBe('2026-03-01');
    expect(parseTyped('29-02-2027')).toBeNull();
    expect(parseTyped('2026-12-31')).toBeNull();
    expect(showTyped('2026-03-01', 'nl')).toBe('01-03-2026');
  });

  it('turns presets into inclusive ranges', () => {
    const today = new Date(2026, 0, 20);
    expect(presetRange('thisMonth', today)).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect(presetRange('lastMonth', today)).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(presetRange('thisQuarter', today)).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(presetRange('lastQuarter', today)).toEqual({ from: '2025-10-01', to: '2025-12-31' });
    expect(presetRange('thisYear', today)).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(presetRange('all', today)).toEqual({ from: null, to: null });
  });
});
