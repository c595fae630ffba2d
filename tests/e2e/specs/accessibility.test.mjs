// Every screen, in Dutch and English, in the light and the dark theme, checked by axe-core:
// a serious or critical violation (contrast, names, roles, labels…) fails the screen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, closeReceivePrompt, launchApp } from '../support/app.mjs';
import { axeViolations } from '../support/axe.mjs';

let app;

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.stop();
});

/** Sets language and theme the way a user does, on Instellingen → Persoonlijk. */
async function choose(browser, language, theme) {
  await byTestId(browser, 'nav-settings').click();
  await byTestId(browser, 'settings-tab-personal').click();
  await byTestId(browser, `language-${language}`).click();
  await byTestId(browser, `theme-${theme}`).click();
  await browser.waitUntil(async () => (await browser.execute(() => document.documentElement.lang)) === language, {
    timeout: 5_000,
  });
}

/** The sidebar's pages, found in the window so new pages are checked without listing them. */
async function sidebarPages(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid^="nav-"]')].map((el) => el.getAttribute('data-testid')),
  );
}

test('the sign-in screen has no serious accessibility violations', async () => {
  await byTestId(app.browser, 'sign-in-submit').waitForDisplayed({ timeout: 20_000 });
  assert.deepEqual(await axeViolations(app.browser), []);
});

test('every screen in both languages and both themes has no serious accessibility violations', async () => {
  const { browser } = app;
  await byTestId(browser, 'sign-in-submit').click();
  await closeReceivePrompt(browser);
  const pages = await sidebarPages(browser);
  assert.ok(pages.length >= 6, `sidebar pages found: ${pages.join(', ')}`);
  const failures = [];
  for (const language of ['nl', 'en']) {
    for (const theme of ['light', 'dark']) {
      await choose(browser, language, theme);
      for (const page of pages) {
        await byTestId(browser, page).click();
        await byTestId(browser, 'page-title').waitForDisplayed({ timeout: 10_000 });
        // Let the page's first data arrive, so rows and badges are checked too.
        await browser.waitUntil(async () => !(await browser.execute(() => document.querySelector('[aria-busy="true"]'))), {
          timeout: 10_000,
        });
        for (const line of await axeViolations(browser)) failures.push(`${page} ${language} ${theme}: ${line}`);
      }
    }
  }
  await choose(browser, 'nl', 'system');
  assert.deepEqual(failures, []);
});
