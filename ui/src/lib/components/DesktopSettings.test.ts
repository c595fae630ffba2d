import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../i18n/index.svelte';
import DesktopSettings from './DesktopSettings.svelte';

const calls = {
  desktopOverview: vi.fn(),
  setNoticeEnabled: vi.fn(),
  setDesktopLanguage: vi.fn(),
  setStartAtLogin: vi.fn(),
  openLogFolder: vi.fn(),
  checkForUpdate: vi.fn(),
  restartToUpdate: vi.fn(),
};
let pushStatus: (status: unknown) => void = () => {};

vi.mock('../backend/desktop', () => ({
  desktopOverview: () => calls.desktopOverview(),
  setNoticeEnabled: (kind: string, on: boolean) => calls.setNoticeEnabled(kind, on),
  setDesktopLanguage: (language: string) => calls.setDesktopLanguage(language),
  setStartAtLogin: (on: boolean) => calls.setStartAtLogin(on),
  openLogFolder: () => calls.openLogFolder(),
  checkForUpdate: () => calls.checkForUpdate(),
  restartToUpdate: () => calls.restartToUpdate(),
  onUpdateStatus: async (handler: (status: unknown) => void) => {
    pushStatus = handler;
    return () => {};
  },
}));

const notifications = {
  fileSent: true,
  fileRefused: true,
  documentDelivered: true,
  documentRejected: true,
  invoiceReceived: false,
  maintenanceStarting: true,
  signedOut: true,
};

function overview(update: unknown = { state: 'idle' }) {
  return {
    ok: true,
    value: {
      settings: { notifications, language: 'nl', updateChannel: 'stable', toldAboutTray: false },
      startAtLogin: false,
      update,
      logFolder: '/logs/econnect',
    },
  };
}

afterEach(() => {
  setLocale('nl');
  for (const call of Object.values(calls)) call.mockReset();
});

describe('DesktopSettings', () => {
  it('shows each notification switch as stored and saves a change', async () => {
    calls.desktopOverview.mockResolvedValue(overview());
    calls.setDesktopLanguage.mockResolvedValue({ ok: true, value: null });
    calls.setNoticeEnabled.mockResolvedValue({ ok: true, value: { notifications: { ...notifications, fileSent: false } } });
    render(DesktopSettings);
    const fileSent = (await screen.findByTestId('notice-fileSent')) as HTMLInputElement;
    expect(fileSent.checked).toBe(true);
    expect((screen.getByTestId('notice-invoiceReceived') as HTMLInputElement).checked).toBe(false);
    await fireEvent.click(fileSent);
    expect(calls.setNoticeEnabled).toHaveBeenCalledWith('fileSent', false);
    expect(screen.getByTestId('log-folder').textContent).toContain('/logs/econnect');
  });

  it('tells the shell the UI language, also after a switch', async () => {
    calls.desktopOverview.mockResolvedValue(overview());
    calls.setDesktopLanguage.mockResolvedValue({ ok: true, value: null });
    render(DesktopSettings);
    await screen.findByTestId('notice-fileSent');
    expect(calls.setDesktopLanguage).toHaveBeenLastCalledWith('nl');
    setLocale('en');
    await vi.waitFor(() => expect(calls.setDesktopLanguage).toHaveBeenLastCalledWith('en'));
  });

  it('explains why a .deb install does not update itself', async () => {
    calls.desktopOverview.mockResolvedValue(overview({ state: 'disabled', support: 'byPackageManager' }));
    calls.setDesktopLanguage.mockResolvedValue({ ok: true, value: null });
    render(DesktopSettings);
    await screen.findByTestId('notice-fileSent');
    expect(screen.getByTestId('update-status').textContent).toContain('apt upgrade');
    expect(screen.queryByTestId('check-update')).toBeNull();
  });

  it('shows download progress and then the restart button', async () => {
    calls.desktopOverview.mockResolvedValue(overview());
    calls.setDesktopLanguage.mockResolvedValue({ ok: true, value: null });
    calls.restartToUpdate.mockResolvedValue({ ok: true, value: null });
    render(DesktopSettings);
    await screen.findByTestId('notice-fileSent');
    pushStatus({ state: 'downloading', version: '1.4.0', downloaded: 50, total: 200 });
    await vi.waitFor(() => expect(screen.getByTestId('update-status').textContent).toContain('25%'));
    pushStatus({ state: 'ready', version: '1.4.0' });
    const restart = await screen.findByTestId('restart-to-update');
    expect(restart.textContent).toContain('Herstarten om bij te werken');
    await fireEvent.click(restart);
    expect(calls.restartToUpdate).toHaveBeenCalledOnce();
  });

  it('shows a translated error when start at login fails', async () => {
    calls.desktopOverview.mockResolvedValue(overview());
    calls.setDesktopLanguage.mockResolvedValue({ ok: true, value: null });
    calls.setStartAtLogin.mockResolvedValue({ ok: false, error: { code: 'autostart_failed', message: 'x' } });
    render(DesktopSettings);
    await fireEvent.click(await screen.findByTestId('start-at-login'));
    expect((await screen.findByTestId('desktop-error')).textContent).toContain('inloggen');
  });
});
