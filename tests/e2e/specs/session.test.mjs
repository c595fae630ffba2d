// Sign-in and the offline cache in the real window.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { byTestId, closeReceivePrompt, launchApp, screenshot } from '../support/app.mjs';
import { startSandbox } from '../support/sandbox.mjs';

describe('sandbox mode (embedded demo platform)', () => {
  let app;
  before(async () => {
    app = await launchApp();
  });
  after(async () => app?.stop());

  test('a newcomer opens the sandbox without an account and sees 12 organisations', async () => {
    const submit = byTestId(app.browser, 'sign-in-submit');
    await submit.waitForDisplayed({ timeout: 20_000 });
    assert.equal(await byTestId(app.browser, 'environment-sandbox').isSelected(), true);
    screenshot('sign-in-nl.png');
    await submit.click();
    // Overzicht is the start screen; the organisations are one click away.
    await byTestId(app.browser, 'page-overview').waitForDisplayed({ timeout: 30_000 });
    await closeReceivePrompt(app.browser);
    await byTestId(app.browser, 'nav-organisations').click();
    const list = byTestId(app.browser, 'organisation-list');
    await list.waitForDisplayed({ timeout: 30_000 });
    await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid^="organisation-0106"]')).length === 12, {
      timeout: 30_000,
      timeoutMsg: 'the 12 demo organisations did not appear',
    });
    screenshot('organisations-nl.png');
  });
});

describe('an external platform that goes away', () => {
  let app;
  let sandbox;
  before(async () => {
    sandbox = await startSandbox();
    app = await launchApp({ ECONNECT_CUSTOM_CLIENT_ID: 'econnect-desktop', ECONNECT_CUSTOM_CLIENT_SECRET: 'sandbox' });
  });
  after(async () => {
    await app?.stop();
    await sandbox?.stop();
  });

  test('sign in with a password, open an organisation, see that it has sent nothing yet', async () => {
    await byTestId(app.browser, 'environment-custom').waitForDisplayed({ timeout: 20_000 });
    await byTestId(app.browser, 'environment-custom').click();
    await byTestId(app.browser, 'custom-api').setValue(sandbox.url);
    await byTestId(app.browser, 'custom-identity').setValue(sandbox.url);
    await byTestId(app.browser, 'username').setValue('demo@voorbeeld.nl');
    await byTestId(app.browser, 'password').setValue('fout');
    await byTestId(app.browser, 'remember').click(); // no keyring needed for this test
    await byTestId(app.browser, 'sign-in-submit').click();
    const error = byTestId(app.browser, 'sign-in-error');
    await error.waitForDisplayed({ timeout: 20_000 });
    assert.match(await error.getText(), /Onjuiste gebruikersnaam of wachtwoord/);

    await byTestId(app.browser, 'password').setValue('demo');
    await byTestId(app.browser, 'sign-in-submit').click();
    await closeReceivePrompt(app.browser);
    await byTestId(app.browser, 'nav-organisations').click();
    const first = app.browser.$('[data-testid^="organisation-0106"]');
    await first.waitForDisplayed({ timeout: 30_000 });
    const name = await first.getText();
    await first.click();
    const title = byTestId(app.browser, 'page-title');
    await title.waitUntil(async () => (await title.getText()) === name, { timeout: 10_000 });
    // The platform has no document lists: a fresh installation knows only what it
    // sent itself, which is nothing yet, and says so instead of failing.
    await byTestId(app.browser, 'empty-documents').waitForDisplayed({ timeout: 30_000 });
    assert.equal(await app.browser.$('[role="alert"]').isExisting(), false, 'no error on the page');
    screenshot('organisation-detail-nl.png');
  });

  test('with the platform gone, the same screens work from the cache and say offline', async () => {
    await sandbox.stop();
    await byTestId(app.browser, 'sync-now').click();
    const offline = byTestId(app.browser, 'offline-since');
    await offline.waitForDisplayed({ timeout: 30_000 });
    assert.match(await offline.getText(), /^Offline sinds \d{2}:\d{2}$/);

    await byTestId(app.browser, 'nav-documents').click();
    // Documenten reads only the local store: offline it still says what it covers.
    const coverage = byTestId(app.browser, 'documents-coverage');
    await coverage.waitForDisplayed({ timeout: 10_000 });
    assert.match(await coverage.getText(), /vanaf deze computer zijn verzonden \(0\)/);
    await byTestId(app.browser, 'nav-organisations').click();
    await app.browser.$('[data-testid^="organisation-0106"]').waitForDisplayed({ timeout: 10_000 });
    await byTestId(app.browser, 'nav-organisations').click();
    screenshot('offline-nl.png');
  });
});
