// People and receiving in the real window, in sandbox mode: the receive pop-up after sign-in and enabling
// receiving, adding a member to an organisation, creating a user, and screenshots of each of
// these screens (Gebruikers, Leden, Profiel, Help, icon legend) in Dutch and English.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { byTestId, launchApp, screenshot } from '../support/app.mjs';

/** Hoveniersbedrijf Groenrijk: not registered for receiving in the demo data. */
const HOVENIER = '0106:56012934';

async function count(browser, testid) {
  return (await browser.$$(`[data-testid="${testid}"]`)).length;
}

describe('people and receiving (sandbox)', () => {
  let app;
  before(async () => {
    app = await launchApp();
  });
  after(async () => app?.stop());

  test('after sign-in the receive pop-up lists the organisations where receiving is off; enabling works', async () => {
    const { browser } = app;
    const submit = byTestId(browser, 'sign-in-submit');
    await submit.waitForDisplayed({ timeout: 20_000 });
    await submit.click();
    const prompt = byTestId(browser, 'receive-prompt');
    await prompt.waitForDisplayed({ timeout: 30_000 });
    assert.match(await prompt.getText(), /transactietegoed/);
    await browser.waitUntil(async () => (await count(browser, 'receive-candidate')) === 7, {
      timeout: 10_000,
      timeoutMsg: 'the 7 unregistered demo organisations are not listed',
    });
    screenshot('receive-prompt-nl.png');
    const hovenier = browser.$(`[data-testid="receive-candidate"][data-id="${HOVENIER}"]`);
    await hovenier.$('[data-testid="receive-enable"]').click();
    const result = hovenier.$('[data-testid="receive-candidate-result"]');
    await result.waitForDisplayed({ timeout: 15_000 });
    assert.match(await result.getText(), /Aangemeld voor ontvangst — status: Aan/);
    screenshot('receive-prompt-enabled-nl.png');
    await byTestId(browser, 'receive-prompt-close').click();
    await prompt.waitForDisplayed({ reverse: true, timeout: 10_000 });
  });

  test('the organisation page shows receiving on, and an administrator adds a member', async () => {
    const { browser } = app;
    await byTestId(browser, 'nav-organisations').click();
    await byTestId(browser, `organisation-${HOVENIER}`).click();
    const state = byTestId(browser, 'receive-state');
    await state.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await state.getAttribute('data-state'), 'on');
    await byTestId(browser, 'tab-members').click();
    await byTestId(browser, 'member-list').waitForDisplayed({ timeout: 10_000 });
    const before = await count(browser, 'member-row');
    await byTestId(browser, 'member-add').click();
    await byTestId(browser, 'member-add-dialog').waitForDisplayed({ timeout: 5_000 });
    await byTestId(browser, 'member-user').selectByVisibleText('geblokkeerd@voorbeeld.nl');
    await byTestId(browser, 'preset-advanced').click();
    screenshot('member-add-nl.png');
    await byTestId(browser, 'member-add-submit').click();
    await byTestId(browser, 'members-notice').waitForDisplayed({ timeout: 15_000 });
    await browser.waitUntil(async () => (await count(browser, 'member-row')) === before + 1, {
      timeout: 10_000,
      timeoutMsg: 'the new member is not in the list',
    });
    const row = browser.$('[data-testid="member-row"][data-name="geblokkeerd@voorbeeld.nl"]');
    assert.match(await row.getText(), /Gevorderde gebruiker/);
    screenshot('organisation-members-nl.png');
  });

  test('an administrator creates a user and sees the initial password once', async () => {
    const { browser } = app;
    const nav = byTestId(browser, 'nav-users');
    await nav.waitForDisplayed({ timeout: 20_000 });
    await nav.click();
    await byTestId(browser, 'user-list').waitForDisplayed({ timeout: 10_000 });
    await byTestId(browser, 'user-new').click();
    await byTestId(browser, 'user-email').setValue('nieuw@voorbeeld.nl');
    await byTestId(browser, 'user-role-basic').click();
    await byTestId(browser, `user-org-${HOVENIER}`).click();
    await byTestId(browser, 'user-create-submit').click();
    const password = byTestId(browser, 'initial-password');
    await password.waitForDisplayed({ timeout: 15_000 });
    assert.equal((await password.getText()).length, 16);
    screenshot('user-created-nl.png');
    await byTestId(browser, 'user-created-done').click();
    await password.waitForDisplayed({ reverse: true, timeout: 5_000 });
    const row = browser.$('[data-testid="user-row"][data-name="nieuw@voorbeeld.nl"]');
    await row.waitForDisplayed({ timeout: 10_000 });
    assert.match(await row.getText(), /Basisgebruiker/);
    screenshot('users-nl.png');
  });

  test('Profiel, Help and the icon legend render (screenshots in Dutch)', async () => {
    const { browser } = app;
    await byTestId(browser, 'nav-profile').click();
    await byTestId(browser, 'intake-purchase').waitForDisplayed({ timeout: 10_000 });
    await byTestId(browser, 'extra-address').setValue('iemand@gmail.com');
    await byTestId(browser, 'extra-check').click();
    await byTestId(browser, 'extra-other-domain').waitForDisplayed({ timeout: 5_000 });
    screenshot('profile-nl.png');
    await byTestId(browser, 'nav-help').click();
    await byTestId(browser, 'help-topics').waitForDisplayed({ timeout: 5_000 });
    assert.equal((await browser.$$('[data-testid^="help-open-"]')).length, 9);
    screenshot('help-nl.png');
    await byTestId(browser, 'help-open-icons').click();
    await byTestId(browser, 'icon-legend').waitForDisplayed({ timeout: 5_000 });
    screenshot('help-icons-nl.png');
    await byTestId(browser, 'nav-documents').click();
    await browser.waitUntil(async () => (await count(browser, 'channel-icon')) > 0, { timeout: 15_000, timeoutMsg: 'no icons' });
    screenshot('documents-icons-nl.png');
  });

  test('the same screens in English, and the pop-up again after signing in anew', async () => {
    const { browser } = app;
    await byTestId(browser, 'nav-settings').click();
    await byTestId(browser, 'language-en').click();
    await byTestId(browser, 'nav-users').click();
    await byTestId(browser, 'user-list').waitForDisplayed({ timeout: 10_000 });
    assert.equal(await byTestId(browser, 'page-title').getText(), 'Users');
    screenshot('users-en.png');
    await byTestId(browser, 'nav-profile').click();
    await byTestId(browser, 'intake-purchase').waitForDisplayed({ timeout: 10_000 });
    screenshot('profile-en.png');
    await byTestId(browser, 'nav-help').click();
    await byTestId(browser, 'help-open-icons').click();
    await byTestId(browser, 'icon-legend').waitForDisplayed({ timeout: 5_000 });
    screenshot('help-icons-en.png');
    await byTestId(browser, 'help-back').click();
    screenshot('help-en.png');
    await byTestId(browser, 'nav-organisations').click();
    await byTestId(browser, `organisation-${HOVENIER}`).click();
    await byTestId(browser, 'tab-members').click();
    await byTestId(browser, 'member-list').waitForDisplayed({ timeout: 10_000 });
    screenshot('organisation-members-en.png');

    // A new sign-in starts a fresh demo platform: the pop-up asks again.
    await byTestId(browser, 'sign-out').click();
    await byTestId(browser, 'sign-in-submit').waitForDisplayed({ timeout: 20_000 });
    await byTestId(browser, 'sign-in-submit').click();
    const prompt = byTestId(browser, 'receive-prompt');
    await prompt.waitForDisplayed({ timeout: 30_000 });
    assert.match(await prompt.getText(), /transaction credit/);
    screenshot('receive-prompt-en.png');
  });
});
