import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { pages } from './lib/pages';

vi.mock('./lib/backend', () => ({
  appInfo: () => Promise.resolve({ ok: true, value: { version: '1', dataFolder: '/d' } }),
}));

describe('the app frame', () => {
  it('opens on Organisaties and reaches every page from the sidebar', async () => {
    render(App);
    expect(screen.getByTestId('page-organisations')).toBeTruthy();
    for (const page of pages) {
      await fireEvent.click(screen.getByTestId(`nav-${page}`));
      expect(screen.getByTestId(`page-${page}`)).toBeTruthy();
      expect(screen.getByTestId(`nav-${page}`).getAttribute('aria-current')).toBe('page');
    }
  });
});
