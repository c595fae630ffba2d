import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../i18n/index.svelte';
import PauseControl from './PauseControl.svelte';

const calls = { sendingPaused: vi.fn(), setSendingPaused: vi.fn() };
let pushPaused: (paused: boolean) => void = () => {};

vi.mock('../../backend/desktop', () => ({
  sendingPaused: () => calls.sendingPaused(),
  setSendingPaused: (paused: boolean) => calls.setSendingPaused(paused),
  onSendingPaused: async (handler: (paused: boolean) => void) => {
    pushPaused = handler;
    return () => {};
  },
}));

afterEach(() => {
  setLocale('nl');
  vi.clearAllMocks();
});

describe('PauseControl', () => {
  it('pauses from the window and says why files wait, then resumes', async () => {
    calls.sendingPaused.mockResolvedValue({ ok: true, value: false });
    calls.setSendingPaused.mockImplementation(async (paused: boolean) => ({ ok: true, value: paused }));
    render(PauseControl);
    const button = await screen.findByTestId('pause-sending');
    expect(button.textContent?.trim()).toBe('Verzenden pauzeren');
    expect(screen.queryByTestId('sending-paused')).toBeNull();

    await fireEvent.click(button);
    expect(calls.setSendingPaused).toHaveBeenCalledWith(true);
    expect((await screen.findByTestId('sending-paused')).textContent).toContain('gepauzeerd');
    expect(button.getAttribute('aria-pressed')).toBe('true');

    await fireEvent.click(button);
    expect(calls.setSendingPaused).toHaveBeenLastCalledWith(false);
    await waitFor(() => expect(screen.queryByTestId('sending-paused')).toBeNull());
  });

  it('follows a pause from the tray, in English too', async () => {
    calls.sendingPaused.mockResolvedValue({ ok: true, value: false });
    setLocale('en');
    render(PauseControl);
    await screen.findByTestId('pause-sending');
    pushPaused(true);
    expect((await screen.findByTestId('sending-paused')).textContent).toContain('Sending is paused');
    expect(screen.getByTestId('pause-sending').textContent?.trim()).toBe('Resume sending');
  });
});
