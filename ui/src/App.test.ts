import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { pages } from './lib/pages';

const backend = vi.hoisted(() => ({
  restoreSession: vi.fn(),
  signIn: vi.fn(),
  signInSandbox: vi.fn(),
}));

const demoSession = {
  environment: { kind: 'sandbox' },
  apiBase: 'http://127.0.0.1:1',
  username: 'demo@voorbeeld.nl',
  displayName: 'Demo',
  isAdmin: true,
  profile: 'sandbox-demo',
  keyring: 'notRequested',
  keyringMessage: null,
  openedOffline: false,
};

vi.mock('./lib/backend', async () => {
  const { fakeBackend } = await import('./test/fakeBackend');
  return fakeBackend({
    restoreSession: backend.restoreSession,
    signIn: backend.signIn,
    signInSandbox: backend.signInSandbox,
  });
});

beforeEach(() => {
  backend.restoreSession.mockReset();
  backend.signIn.mockReset();
  backend.signInSandbox.mockReset();
});

describe('the app frame', () => {
  it('asks a newcomer to sign in, with the sandbox chosen', async () => {
    backend.restoreSession.mockResolvedValue({ ok: true, value: null });
    render(App);
    const submit = await screen.findByTestId('sign-in-submit');
    expect(submit.textContent?.trim()).toBe('Proefomgeving openen');
    expect((screen.getByTestId('environment-sandbox') as HTMLInputElement).checked).toBe(true);
  });

  it('opens the sandbox without credentials and then shows the frame', async () => {
    backend.restoreSession.mockResolvedValue({ ok: true, value: null });
    backend.signInSandbox.mockResolvedValue({ ok: true, value: demoSession });
    render(App);
    await fireEvent.click(await screen.findByTestId('sign-in-submit'));
    expect(backend.signInSandbox).toHaveBeenCalledOnce();
    expect(backend.signIn).not.toHaveBeenCalled();
    // Overzicht is the start screen: what needs attention across organisations.
    expect(await screen.findByTestId('page-overview')).toBeTruthy();
    expect(screen.getByTestId('nav-overview').getAttribute('aria-current')).toBe('page');
  });

  it('shows the wrong-password message from its code', async () => {
    backend.restoreSession.mockResolvedValue({ ok: true, value: null });
    backend.signIn.mockResolvedValue({ ok: false, error: { code: 'wrong_password', message: 'x' } });
    render(App);
    await fireEvent.click(await screen.findByTestId('environment-production'));
    await fireEvent.input(screen.getByTestId('username'), { target: { value: 'a@b.nl' } });
    await fireEvent.input(screen.getByTestId('password'), { target: { value: 'nope' } });
    await fireEvent.submit(screen.getByTestId('sign-in-submit').closest('form') as HTMLFormElement);
    expect((await screen.findByTestId('sign-in-error')).textContent).toContain('Onjuiste gebruikersnaam of wachtwoord');
    expect(backend.signIn).toHaveBeenCalledWith(
      expect.objectContaining({ environment: { kind: 'production' }, username: 'a@b.nl', password: 'nope' }),
    );
  });

  it('restores a remembered session and reaches every page from the sidebar', async () => {
    backend.restoreSession.mockResolvedValue({ ok: true, value: demoSession });
    render(App);
    expect(await screen.findByTestId('page-overview')).toBeTruthy();
    for (const page of pages) {
      await fireEvent.click(screen.getByTestId(`nav-${page}`));
      expect(screen.getByTestId(`page-${page}`)).toBeTruthy();
      expect(screen.getByTestId(`nav-${page}`).getAttribute('aria-current')).toBe('page');
    }
  });
});
