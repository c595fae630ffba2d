// Maintenance and Instellingen in the real window: with the
// platform (an external sandbox) in maintenance, a handed-over file waits in the queue
// under the banner "Onderhoud tot HH:MM", and is sent by itself when maintenance ends.
// Then every section of Instellingen is shown and photographed in Dutch and English.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { appBinary, byTestId, closeReceivePrompt, launchApp, screenshot } from '../support/app.mjs';
import { writeInvoicePdf } from '../support/pdf.mjs';
import { control, startSandbox } from '../support/sandbox.mjs';

const CLIENT = { ECONNECT_CUSTOM_CLIENT_ID: 'econnect-desktop', ECONNECT_CUSTOM_CLIENT_SECRET: 'sandbox' };
const TABS = ['personal', 'environment', 'connection', 'folders', 'maintenance', 'data'];

let app;
let sandbox;

before(async () => {
  sandbox = await startSandbox();
  app = await launchApp(CLIENT);
  await byTestId(app.browser, 'environment-custom').waitForDisplayed({ timeout: 20_000 });
  await byTestId(app.browser, 'environment-custom').click();
  await byTestId(app.browser, 'custom-api').setValue(sandbox.url);
  await byTestId(app.browser, 'custom-identity').setValue(sandbox.url);
  await byTestId(app.browser, 'username').setValue('demo@voorbeeld.nl');
  await byTestId(app.browser, 'password').setValue('demo');
  await byTestId(app.browser, 'remember').click(); // no keyring needed here
  await byTestId(app.browser, 'sign-in-submit').click();
  await byTestId(app.browser, 'page-overview').waitForDisplayed({ timeout: 30_000 });
  await closeReceivePrompt(app.browser);
});

after(async () => {
  await app?.stop();
  await sandbox?.stop();
});

test('during maintenance the banner shows and a queued file is sent after it', async () => {
  await control(sandbox.url, 'maintenance', { seconds: 15 });
  const folder = mkdtempSync(join(tmpdir(), 'econnect-maintenance-'));
  const file = writeInvoicePdf(join(folder, 'factuur onderhoud.pdf'), 'Factuur onderhoud totaal 99,00');
  const env = { ...process.env, ...CLIENT, ECONNECT_HOME: app.dataFolder, XDG_DATA_HOME: join(app.dataFolder, 'xdg') };
  spawn(appBinary, [file], { env, stdio: 'ignore' });

  await byTestId(app.browser, 'preflight-panel').waitForDisplayed({ timeout: 20_000 });
  await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="preflight-file"]').length) === 1, {
    timeout: 20_000,
    timeoutMsg: 'the file was not checked',
  });
  await byTestId(app.browser, 'drop-organisation').selectByIndex(1);
  await byTestId(app.browser, 'preflight-send').click();

  const banner = byTestId(app.browser, 'maintenance-banner');
  await banner.waitForDisplayed({ timeout: 30_000 });
  assert.match(await banner.getText(), /Onderhoud tot \d\d:\d\d — je bestanden worden daarna verzonden/);
  assert.equal(await banner.getAttribute('data-source'), 'platform');
  const waiting = await app.browser.$$('[data-testid="outbox-item"]').map((el) => el.getAttribute('data-state'));
  assert.equal(waiting.length, 1);
  assert.ok(!['failed', 'dead', 'refused', 'sent'].includes(waiting[0]), `held, not failed: ${waiting[0]}`);
  screenshot('maintenance-banner-nl.png');

  await app.browser.waitUntil(
    async () => (await app.browser.$$('[data-testid="outbox-item"]').map((el) => el.getAttribute('data-state')))[0] === 'sent',
    { timeout: 60_000, timeoutMsg: 'the file was not sent after maintenance' },
  );
  await banner.waitForDisplayed({ timeout: 20_000, reverse: true });
  screenshot('maintenance-after-nl.png');
});

async function photographSections(language) {
  for (const tab of TABS) {
    await byTestId(app.browser, `settings-tab-${tab}`).click();
    await byTestId(app.browser, `settings-section-${tab}`).waitForDisplayed({ timeout: 10_000 });
    // Each section loads from the engine; wait until nothing says "Laden…"/"Loading…".
    await app.browser.waitUntil(async () => (await app.browser.$$('[aria-busy="true"]').length) === 0, {
      timeout: 10_000,
      timeoutMsg: `${tab} kept loading`,
    });
    screenshot(`settings-${tab}-${language}.png`);
  }
}

test('every section of Instellingen, in Dutch and English, and the schedule persists', async () => {
  await byTestId(app.browser, 'nav-settings').click();
  await byTestId(app.browser, 'settings-tab-personal').waitForDisplayed({ timeout: 10_000 });
  assert.equal(await byTestId(app.browser, 'personal-name').getText(), 'demo@voorbeeld.nl'); // the sandbox's /me name

  await byTestId(app.browser, 'settings-tab-maintenance').click();
  await byTestId(app.browser, 'add-weekly').click();
  await byTestId(app.browser, 'maintenance-save').click();
  await byTestId(app.browser, 'maintenance-saved').waitForDisplayed({ timeout: 10_000 });
  assert.match(await byTestId(app.browser, 'maintenance-next').getText(), /Volgend venster: \d{4}-\d\d-\d\d 22:00–02:00/);

  await photographSections('nl');
  await byTestId(app.browser, 'settings-tab-personal').click();
  await byTestId(app.browser, 'language-en').click();
  assert.equal(await byTestId(app.browser, 'settings-tab-data').getText(), 'Data');
  await photographSections('en');

  await byTestId(app.browser, 'settings-tab-personal').click();
  await byTestId(app.browser, 'theme-dark').click();
  assert.equal(await app.browser.execute(() => document.documentElement.dataset.theme), 'dark');
  screenshot('settings-personal-dark-en.png');
  await byTestId(app.browser, 'theme-system').click();
  await byTestId(app.browser, 'language-nl').click();
});
