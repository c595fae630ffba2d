import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../i18n/index.svelte';
import { sessionStarted } from '../../session.svelte';
import Settings from '../../../pages/Settings.svelte';
import { setSettingsTab } from '../../settingsTab.svelte';
import MaintenanceBanner from '../MaintenanceBanner.svelte';
import { setReceiving } from '../../backend';

const fake = vi.hoisted(() => ({ calls: {} as Record<string, ReturnType<typeof vi.fn>> }));

vi.mock('../../backend', async () => {
  const { fakeBackend } = await import('../../../test/fakeBackend');
  return fakeBackend({
    organisations: vi.fn(() =>
      Promise.resolve({
        ok: true,
        value: [
          { id: '0106:30187412', name: 'Bakkerij de Korenschoof', kvk: '30187412', permissions: {}, receive: 'off', documentCount: 3 },
          { id: '0106:56012934', name: 'Hoveniersbedrijf Groenrijk', kvk: '56012934', permissions: { canReceiveDocument: true }, receive: 'off', documentCount: 1 },
        ],
      }),
    ),
  });
});
vi.mock('../../backend/settings', async () => {
  const { fakeSettings } = await import('../../../test/fakeSettings');
  const module = fakeSettings();
  fake.calls = module as unknown as Record<string, ReturnType<typeof vi.fn>>;
  return module;
});

function signedIn(isAdmin: boolean) {
  sessionStarted({
    environment: { kind: 'sandbox' },
    apiBase: 'http://127.0.0.1:1/',
    username: 'demo@voorbeeld.nl',
    displayName: 'Demo Gebruiker',
    isAdmin,
    profile: 'sandbox-demo@voorbeeld.nl',
    keyring: 'notRequested',
    keyringMessage: null,
    openedOffline: false,
  });
}

beforeEach(() => {
  setSettingsTab('personal');
  signedIn(true);
});

afterEach(() => {
  setLocale('nl');
  delete document.documentElement.dataset.theme;
  localStorage.clear();
  vi.clearAllMocks();
});

describe('Instellingen sections', () => {
  it('shows seven tabs and opens each section', async () => {
    render(Settings);
    const tabs = ['personal', 'environment', 'connection', 'folders', 'channel', 'maintenance', 'data'];
    for (const tab of tabs) {
      await fireEvent.click(screen.getByTestId(`settings-tab-${tab}`));
      expect(screen.getByTestId(`settings-section-${tab}`)).toBeTruthy();
      expect(screen.getByTestId(`settings-tab-${tab}`).getAttribute('aria-selected')).toBe('true');
    }
    expect(screen.getByTestId('settings-tab-data').textContent?.trim()).toBe('Gegevens');
    setLocale('en');
    await waitFor(() => expect(screen.getByTestId('settings-tab-data').textContent?.trim()).toBe('Data'));
  });

  it('Persoonlijk shows the name from the platform and switches to dark, saved in Rust', async () => {
    render(Settings);
    expect(screen.getByTestId('personal-name').textContent).toBe('Demo Gebruiker');
    await fireEvent.click(screen.getByTestId('theme-dark'));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem('econnect.theme')).toBe('dark');
    expect(fake.calls.setTheme).toHaveBeenCalledWith('dark');
    await fireEvent.click(screen.getByTestId('theme-system'));
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('Omgeving lets an admin save the Peppol defaults, also when the cache learnt it after sign-in', async () => {
    signedIn(false);
    setSettingsTab('environment');
    render(Settings);
    const invoices = (await screen.findByTestId('peppol-default-invoices')) as HTMLInputElement;
    await waitFor(() => expect(invoices.disabled).toBe(false));
    await fireEvent.click(invoices);
    await fireEvent.click(screen.getByTestId('peppol-defaults-save'));
    expect(fake.calls.setPeppolDefaults).toHaveBeenCalledWith({ invoices: true, invoiceResponse: false, orders: false });
    expect(await screen.findByTestId('peppol-defaults-saved')).toBeTruthy();
    expect((await screen.findByTestId('receiving-0106:30187412')).textContent).toContain('Bakkerij');
  });

  it('Omgeving switches receiving per organisation where you may receive, and says why it failed', async () => {
    setSettingsTab('environment');
    render(Settings);
    await screen.findByTestId('receiving-0106:56012934');
    expect(screen.queryByTestId('receiving-toggle-0106:30187412')).toBeNull();
    vi.mocked(setReceiving).mockResolvedValueOnce({ ok: false, error: { code: 'no_receive_permission', message: '403' } });
    await fireEvent.click(screen.getByTestId('receiving-toggle-0106:56012934'));
    expect(setReceiving).toHaveBeenCalledWith('0106:56012934', true);
    const error = await screen.findByTestId('receiving-error-0106:56012934');
    expect(error.textContent).not.toContain('403');
    expect(error.textContent?.length).toBeGreaterThan(10);
  });

  it('Omgeving is read-only for a user without admin rights, with the reason', async () => {
    signedIn(false);
    fake.calls.connectionInfo?.mockResolvedValueOnce({
      ok: true,
      value: { environment: 'sandbox', apiBase: '', identityBase: '', username: 'x', isAdmin: false, subscriptionKeySet: false, keyringProblem: null },
    });
    setSettingsTab('environment');
    render(Settings);
    const invoices = (await screen.findByTestId('peppol-default-invoices')) as HTMLInputElement;
    await Promise.resolve();
    expect(invoices.disabled).toBe(true);
    expect(screen.queryByTestId('peppol-defaults-save')).toBeNull();
    expect(screen.getByTestId('peppol-admin-only').textContent).toContain('beheerder');
  });

  it('Koppeling stores the subscription key and shows a refusal translated', async () => {
    fake.calls.setSubscriptionKey?.mockResolvedValueOnce({ ok: false, error: { code: 'keyring', message: 'no keyring' } });
    setSettingsTab('connection');
    render(Settings);
    expect((await screen.findByTestId('connection-api')).textContent).toBe('http://127.0.0.1:1/');
    const input = screen.getByTestId('subscription-key') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'abc123' } });
    await fireEvent.click(screen.getByTestId('subscription-key-save'));
    expect(fake.calls.setSubscriptionKey).toHaveBeenCalledWith('abc123');
    expect(await screen.findByTestId('connection-error')).toBeTruthy();
  });

  it('Onderhoud says nothing is preset, adds a weekly window and saves it', async () => {
    setSettingsTab('maintenance');
    render(Settings);
    expect((await screen.findByTestId('maintenance-no-preset')).textContent).toContain('geen venster');
    expect(screen.getByTestId('maintenance-next').textContent).toContain('geen venster gepland');
    await fireEvent.click(await screen.findByTestId('add-weekly'));
    await fireEvent.click(screen.getByTestId('maintenance-save'));
    expect(fake.calls.setMaintenanceSchedule).toHaveBeenCalledWith({
      weekly: [{ weekday: 'saturday', start: '22:00', minutes: 240 }],
      once: [],
      noticeMinutes: 30,
    });
    expect(await screen.findByTestId('maintenance-saved')).toBeTruthy();
  });

  it('Gegevens shows the cache, asks before emptying it, and exports CSV', async () => {
    setSettingsTab('data');
    render(Settings);
    expect((await screen.findByTestId('cache-size')).textContent).toBe('3,1 MB');
    await fireEvent.click(screen.getByTestId('clear-cache'));
    expect(fake.calls.clearCache).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('clear-cache-cancel'));
    await fireEvent.click(screen.getByTestId('clear-cache'));
    await fireEvent.click(screen.getByTestId('clear-cache-yes'));
    expect(fake.calls.clearCache).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.getByTestId('cache-documents').textContent).toBe('0'));
    await fireEvent.click(screen.getByTestId('export-csv'));
    expect((await screen.findByTestId('data-message')).textContent).toBe('240 documenten opgeslagen in /tmp/documenten.csv');
  });
});

describe('Maintenance banner', () => {
  it('says until when, in both languages', async () => {
    fake.calls.maintenanceState?.mockResolvedValueOnce({
      ok: true,
      value: { active: true, source: 'platform', until: '2026-06-06T20:00:00Z', untilClock: '22:00', next: null },
    });
    render(MaintenanceBanner);
    const banner = await screen.findByTestId('maintenance-banner');
    expect(banner.textContent).toContain('Onderhoud tot 22:00 — je bestanden worden daarna verzonden');
    setLocale('en');
    await waitFor(() => expect(banner.textContent).toContain('Maintenance until 22:00'));
  });

  it('is not there without maintenance', async () => {
    render(MaintenanceBanner);
    await Promise.resolve();
    expect(screen.queryByTestId('maintenance-banner')).toBeNull();
  });
});
