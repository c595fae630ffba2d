// The real window: sidebar → Instellingen, language switch both ways, IPC value shown.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { byTestId, cargoVersion, closeReceivePrompt, launchApp, screenshot } from '../support/app.mjs';

let app;

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.stop();
});

test('opens on Overzicht in Dutch after opening the sandbox', async () => {
  const submit = byTestId(app.browser, 'sign-in-submit');
  await submit.waitForDisplayed({ timeout: 20_000 });
  assert.equal(await submit.getText(), 'Proefomgeving openen');
  await submit.click();
  await closeReceivePrompt(app.browser);
  const title = byTestId(app.browser, 'page-title');
  await title.waitForDisplayed({ timeout: 20_000 });
  assert.equal(await title.getText(), 'Overzicht');
  assert.equal(await byTestId(app.browser, 'nav-outbox').getText(), 'Verzenden');
});

test('Instellingen shows the version and data folder from Rust', async () => {
  await byTestId(app.browser, 'nav-settings').click();
  // Over deze app sits under Gegevens.
  await byTestId(app.browser, 'settings-tab-data').click();
  const version = byTestId(app.browser, 'app-version');
  await version.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await version.getText(), cargoVersion());
  assert.equal(await byTestId(app.browser, 'data-folder').getText(), app.dataFolder);
});

test('the language switches to English and back', async () => {
  await byTestId(app.browser, 'settings-tab-personal').click();
  await byTestId(app.browser, 'language-en').click();
  const title = byTestId(app.browser, 'page-title');
  await title.waitUntil(async () => (await title.getText()) === 'Settings', { timeout: 5_000 });
  assert.equal(await byTestId(app.browser, 'nav-organisations').getText(), 'Organisations');
  assert.ok(statSync(screenshot('settings-en.png')).size > 10_000);

  await byTestId(app.browser, 'language-nl').click();
  await title.waitUntil(async () => (await title.getText()) === 'Instellingen', { timeout: 5_000 });
  assert.equal(await byTestId(app.browser, 'nav-organisations').getText(), 'Organisaties');
  await byTestId(app.browser, 'settings-tab-data').click();
  await byTestId(app.browser, 'app-version').waitForDisplayed({ timeout: 5_000 });
  assert.equal(await byTestId(app.browser, 'app-version').getText(), cargoVersion());
  assert.ok(statSync(screenshot('settings-nl.png')).size > 10_000);
});
