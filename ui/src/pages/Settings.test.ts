import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/index.svelte';
import Settings from './Settings.svelte';
import { setSettingsTab } from '../lib/settingsTab.svelte';

const appInfo = vi.fn();
vi.mock('../lib/backend', async () => {
  const { fakeBackend } = await import('../test/fakeBackend');
  return fakeBackend({ appInfo: () => appInfo() });
});

vi.mock('../lib/backend/settings', async () => {
  const { fakeSettings } = await import('../test/fakeSettings');
  return fakeSettings();
});

afterEach(() => {
  setLocale('nl');
  setSettingsTab('personal');
  appInfo.mockReset();
});

describe('Instellingen', () => {
  it('shows the version and data folder from the backend', async () => {
    appInfo.mockResolvedValue({ ok: true, value: { version: '1.2.3', dataFolder: '/data/x' } });
    setSettingsTab('data');
    render(Settings);
    expect((await screen.findByTestId('app-version')).textContent).toBe('1.2.3');
    expect(screen.getByTestId('data-folder').textContent).toBe('/data/x');
  });

  it('shows a translated error instead of the facts', async () => {
    appInfo.mockResolvedValue({ ok: false, error: { code: 'no_data_folder', message: 'x' } });
    setSettingsTab('data');
    render(Settings);
    const alert = await screen.findByTestId('about-error');
    expect(alert.textContent).toContain('ECONNECT_HOME');
  });

  it('switches the language to English and back', async () => {
    appInfo.mockResolvedValue({ ok: true, value: { version: '1', dataFolder: '/d' } });
    render(Settings);
    expect(screen.getByTestId('page-title').textContent).toBe('Instellingen');
    await fireEvent.click(screen.getByTestId('language-en'));
    expect(screen.getByTestId('page-title').textContent).toBe('Settings');
    expect(screen.getByTestId('language-en').getAttribute('aria-checked')).toBe('true');
    await fireEvent.click(screen.getByTestId('language-nl'));
    expect(screen.getByTestId('page-title').textContent).toBe('Instellingen');
  });
});
