import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReceiveChannel, ReceiveChannelState } from '../../backend/receive';
import { setLocale } from '../../i18n/index.svelte';
import ChannelSection from './ChannelSection.svelte';

function stateOf(channel: ReceiveChannel, more: Partial<ReceiveChannelState> = {}): ReceiveChannelState {
  return { channel, registered: false, listening: null, lastEvent: null, canManageHooks: true, problem: null, ...more };
}

const backend = vi.hoisted(() => ({
  receiveChannel: vi.fn(),
  setReceiveChannel: vi.fn(),
  testReceiveChannel: vi.fn(),
}));

vi.mock('../../backend/receive', () => backend);

afterEach(() => {
  setLocale('nl');
  vi.clearAllMocks();
});

describe('Instellingen → Ontvangen', () => {
  it('explains the three ways and shows that the app receiver listens and what arrived last', async () => {
    backend.receiveChannel.mockResolvedValue({
      ok: true,
      value: stateOf(
        { kind: 'public', publicUrl: 'http://127.0.0.1:41234/econnect-hook', listen: '127.0.0.1:0' },
        { registered: true, listening: '127.0.0.1:41234', lastEvent: '2026-12-05T09:30:00Z' },
      ),
    });
    render(ChannelSection);
    await waitFor(() => expect(screen.getByTestId('channel-listening').textContent).toContain('127.0.0.1:41234'));
    expect((screen.getByTestId('channel-public') as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId('channel-registered').textContent?.trim()).toBe('Aangemeld bij eConnect');
    expect(screen.getByTestId('channel-last-event').textContent).toContain('5-12-2026');
    expect(screen.getByText(/de app ziet die facturen dan niet/)).toBeTruthy();
  });

  it('saves "per e-mail" with the address and says so', async () => {
    backend.receiveChannel.mockResolvedValue({ ok: true, value: stateOf({ kind: 'none' }) });
    backend.setReceiveChannel.mockImplementation((channel: ReceiveChannel) =>
      Promise.resolve({ ok: true, value: stateOf(channel, { registered: true }) }),
    );
    render(ChannelSection);
    await waitFor(() => expect(screen.getByTestId('channel-registered')).toBeTruthy());
    await fireEvent.click(screen.getByTestId('channel-mail'));
    await fireEvent.input(screen.getByTestId('channel-mail-address-input'), { target: { value: 'facturen@voorbeeld.nl' } });
    await fireEvent.submit(screen.getByTestId('channel-save').closest('form') as HTMLFormElement);
    await waitFor(() => expect(screen.getByTestId('channel-notice').textContent).toBe('Opgeslagen.'));
    expect(backend.setReceiveChannel).toHaveBeenCalledWith(expect.objectContaining({ kind: 'mail', mailAddress: 'facturen@voorbeeld.nl' }));
    expect(screen.getByTestId('channel-registered').dataset.registered).toBe('true');
  });

  it('shows the refusal of an http address as a translated error and keeps the choice', async () => {
    backend.receiveChannel.mockResolvedValue({ ok: true, value: stateOf({ kind: 'none' }) });
    backend.setReceiveChannel.mockResolvedValue({
      ok: false,
      error: { code: 'invalid_input', message: 'publiek adres "http://kantoor.nl": moet https zijn' },
    });
    render(ChannelSection);
    await waitFor(() => expect(screen.getByTestId('channel-registered')).toBeTruthy());
    await fireEvent.click(screen.getByTestId('channel-public'));
    await fireEvent.input(screen.getByTestId('channel-public-url'), { target: { value: 'http://kantoor.nl' } });
    await fireEvent.submit(screen.getByTestId('channel-save').closest('form') as HTMLFormElement);
    await waitFor(() => expect(screen.getByTestId('channel-error').textContent).toContain('moet https zijn'));
    expect((screen.getByTestId('channel-public') as HTMLInputElement).checked).toBe(true);
  });
});
