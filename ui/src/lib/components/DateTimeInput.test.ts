import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import DateTimeInput from './DateTimeInput.svelte';

describe('DateTimeInput', () => {
  it('shows a local date-time as dd-mm-jjjj and uu:mm, and a typed time changes the value', async () => {
    let value = '2026-12-07T06:00';
    const changed = vi.fn((v: string) => (value = v));
    render(DateTimeInput, {
      get value() {
        return value;
      },
      set value(v: string) {
        changed(v);
      },
      label: 'Begin',
      testid: 'once-start',
    });
    expect((screen.getByTestId('once-start-date-text') as HTMLInputElement).value).toBe('07-12-2026');
    const time = screen.getByTestId('once-start-time') as HTMLInputElement;
    expect(time.value).toBe('06:00');
    await fireEvent.input(time, { target: { value: '22.30' } });
    await fireEvent.blur(time);
    expect(changed).toHaveBeenLastCalledWith('2026-12-07T22:30');
  });

  it('refuses a time that is not one, with a translated reason, and keeps the value', async () => {
    const changed = vi.fn();
    render(DateTimeInput, {
      get value() {
        return '2026-12-07T06:00';
      },
      set value(v: string) {
        changed(v);
      },
      label: 'Begin',
      testid: 'once-start',
    });
    const time = screen.getByTestId('once-start-time');
    await fireEvent.input(time, { target: { value: '10:00 PM' } });
    await fireEvent.blur(time);
    expect(screen.getByTestId('once-start-time-error').textContent).toContain('uu:mm');
    expect(changed).not.toHaveBeenCalled();
  });
});
