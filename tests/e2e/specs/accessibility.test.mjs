// Every screen, in Dutch and English, in the light and the dark theme, checked by axe-core:
// a serious or critical violation (contrast, names, roles, labels…) fails the screen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, closeReceivePrompt, launchApp, screenshot } from '../support/app.mjs';
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

/** Waits until the page's first data arrived, so rows and badges are checked too. */
async function settled(browser) {
  await browser.waitUntil(async () => !(await browser.execute(() => document.querySelector('[aria-busy="true"]'))), {
    timeout: 10_000,
  });
}

/** The screens inside a page (tabs, a detail): each is checked like a page. */
async function subScreens(browser, page) {
  const ids = await browser.execute((p) => {
    const found = (selector) => [...document.querySelectorAll(selector)].map((el) => el.getAttribute('data-testid'));
    if (p === 'nav-settings') return found('[data-testid^="settings-tab-"]');
    // An organisation, then its Leden tab; a document with its readable invoice.
    if (p === 'nav-organisations') return [...found('[data-testid^="organisation-0"]').slice(0, 1), 'tab-members'];
    if (p === 'nav-documents') return found('[data-testid="document-row"]').slice(0, 1);
    return [];
  }, page);
  return ids;
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
        await settled(browser);
        for (const line of await axeViolations(browser)) failures.push(`${page} ${language} ${theme}: ${line}`);
        // Every screen is also kept as a picture, to be looked at in both languages and themes.
        screenshot(`screen-${page.replace('nav-', '')}-${language}-${theme}.png`);
        for (const sub of await subScreens(browser, page)) {
          await byTestId(browser, sub).click();
          await settled(browser);
          for (const line of await axeViolations(browser)) failures.push(`${sub} ${language} ${theme}: ${line}`);
          screenshot(`screen-${sub.replace(/[^a-z0-9-]/gi, '_')}-${language}-${theme}.png`);
        }
      }
      // The keyboard's own dialogs.
      await browser.keys('?');
      await byTestId(browser, 'shortcuts').waitForDisplayed({ timeout: 5_000 });
      for (const line of await axeViolations(browser)) failures.push(`shortcuts ${language} ${theme}: ${line}`);
      await browser.keys('Escape');
      await browser.keys(['Control', 'k']);
      await byTestId(browser, 'switcher').waitForDisplayed({ timeout: 5_000 });
      for (const line of await axeViolations(browser)) failures.push(`switcher ${language} ${theme}: ${line}`);
      await browser.keys('Escape');
    }
  }
  await choose(browser, 'nl', 'system');
  assert.deepEqual(failures, []);
});

test('the keyboard finds the search, opens an organisation with Ctrl+K and shows a focus ring', async () => {
  const { browser } = app;
  await byTestId(browser, 'nav-organisations').click();
  await byTestId(browser, 'organisation-search').waitForDisplayed({ timeout: 10_000 });
  await browser.execute(() => document.activeElement?.blur());
  await browser.keys('/');
  assert.equal(await browser.execute(() => document.activeElement?.getAttribute('data-testid')), 'organisation-search');
  await browser.keys(['Control', 'k']);
  const search = byTestId(browser, 'switcher-search');
  await search.waitForDisplayed({ timeout: 5_000 });
  await browser.keys('Groenrijk'.split(''));
  await browser.waitUntil(async () => (await browser.$$('[data-testid="switcher-option"]').length) === 1, { timeout: 5_000 });
  await browser.keys('Enter');
  await byTestId(browser, 'switcher').waitForDisplayed({ reverse: true, timeout: 5_000 });
  await browser.waitUntil(async () => (await byTestId(browser, 'page-title').getText()).includes('Groenrijk'), { timeout: 10_000 });
  // Tab to a control: the ring is drawn (an outline of at least 2 px that is not transparent).
  await browser.keys('Tab');
  const ring = await browser.execute(() => {
    const style = getComputedStyle(document.activeElement);
    return { width: parseFloat(style.outlineWidth), style: style.outlineStyle, color: style.outlineColor };
  });
  assert.ok(ring.width >= 2 && ring.style !== 'none' && !ring.color.includes('0, 0, 0, 0'), JSON.stringify(ring));
  screenshot('keyboard-focus-nl.png');
});

test('j/k move through the documents and Enter opens one, Esc closes it', async () => {
  const { browser } = app;
  await byTestId(browser, 'nav-documents').click();
  await byTestId(browser, 'document-open').waitForDisplayed({ timeout: 10_000 });
  await browser.execute(() => document.activeElement?.blur());
  await browser.keys('j');
  await browser.keys('j');
  const focused = await browser.execute(() => {
    const rows = [...document.querySelectorAll('main [data-row]')];
    return rows.indexOf(document.activeElement);
  });
  assert.equal(focused, 1, 'two presses of j land on the second row');
  await browser.keys('k');
  assert.equal(await browser.execute(() => [...document.querySelectorAll('main [data-row]')].indexOf(document.activeElement)), 0);
  await browser.keys('Enter');
  await byTestId(browser, 'document-detail').waitForDisplayed({ timeout: 10_000 });
  await browser.keys('Escape');
  await byTestId(browser, 'document-detail').waitForDisplayed({ reverse: true, timeout: 5_000 });
});
