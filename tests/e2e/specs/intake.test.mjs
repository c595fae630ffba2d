// Invoice intake in the real window: two files handed to the app go through the
// same path a drop on the window takes (the shell's hand-over), are checked, sent for an
// organisation, and reach "Verzonden".
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { appBinary, byTestId, closeReceivePrompt, launchApp, screenshot } from '../support/app.mjs';
import { writeInvoicePdf } from '../support/pdf.mjs';

let app;

before(async () => {
  app = await launchApp();
  await byTestId(app.browser, 'sign-in-submit').waitForDisplayed({ timeout: 20_000 });
  await byTestId(app.browser, 'sign-in-submit').click();
  await byTestId(app.browser, 'page-overview').waitForDisplayed({ timeout: 30_000 });
  await closeReceivePrompt(app.browser);
});

after(async () => app?.stop());

/** The environment of a second launch of this app (same data folder: same instance). */
function appEnv() {
  return { ...process.env, ECONNECT_HOME: app.dataFolder, XDG_DATA_HOME: join(app.dataFolder, 'xdg') };
}

/** A second launch with test controls (the tray menu's handlers); resolves to its exit code. */
function trayMenu(item) {
  return new Promise((done, fail) => {
    const child = spawn(appBinary, [`--tray-menu=${item}`], { env: appEnv(), stdio: 'ignore' });
    child.once('error', fail);
    child.once('exit', done);
  });
}

/** The states of the outbox rows shown on Verzenden. */
async function outboxStates() {
  return app.browser.$$('[data-testid="outbox-item"]').map((el) => el.getAttribute('data-state'));
}

test('two handed-over PDFs are checked, sent, and reach Verzonden', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'econnect-drop-'));
  const files = [
    writeInvoicePdf(join(folder, 'factuur 2026-001.pdf'), 'Factuur 2026-001 totaal 121,00'),
    writeInvoicePdf(join(folder, 'factuur 2026-002.pdf'), 'Factuur 2026-002 totaal 242,00'),
  ];
  // A second launch with files: the single-instance hand-over, which a native drop also uses.
  spawn(appBinary, files, { env: appEnv(), stdio: 'ignore' });

  const panel = byTestId(app.browser, 'preflight-panel');
  await panel.waitForDisplayed({ timeout: 20_000 });
  await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="preflight-file"]').length) === 2, {
    timeout: 20_000,
    timeoutMsg: 'the two files were not checked',
  });
  const organisation = byTestId(app.browser, 'drop-organisation');
  await organisation.selectByIndex(1);
  screenshot('intake-preflight-nl.png');
  await byTestId(app.browser, 'preflight-send').click();

  await app.browser.waitUntil(
    async () => {
      const states = await outboxStates();
      return states.length === 2 && states.every((s) => s === 'sent');
    },
    { timeout: 60_000, timeoutMsg: 'the files did not reach Verzonden' },
  );
  const labels = await app.browser.$$('[data-testid="outbox-state"]').map((el) => el.getText());
  assert.deepEqual(labels, ['Verzonden', 'Verzonden']);
  screenshot('intake-sent-nl.png');
});

test('"Verzenden pauzeren" in the tray holds a new file until "hervatten"', async () => {
  assert.equal(await trayMenu('toggle-pause'), 0);
  // The window hears it from the tray: Verzenden says why files will wait.
  await byTestId(app.browser, 'sending-paused').waitForDisplayed({ timeout: 10_000 });
  const folder = mkdtempSync(join(tmpdir(), 'econnect-pause-'));
  const file = writeInvoicePdf(join(folder, 'factuur 2026-003.pdf'), 'Factuur 2026-003 totaal 363,00');
  spawn(appBinary, [file], { env: appEnv(), stdio: 'ignore' });
  await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="preflight-file"]').length) === 1, {
    timeout: 20_000,
    timeoutMsg: 'the file was not checked',
  });
  await byTestId(app.browser, 'preflight-send').click();
  await app.browser.waitUntil(async () => (await outboxStates()).length === 3, {
    timeout: 20_000,
    timeoutMsg: 'the file did not join the queue',
  });
  // Unpaused, a file is sent within a second on the sandbox; paused, it waits.
  const sentWhilePaused = await app.browser
    .waitUntil(async () => (await outboxStates()).every((s) => s === 'sent'), { timeout: 3_000 })
    .catch(() => false);
  assert.equal(sentWhilePaused, false, 'the file was sent while sending was paused');
  screenshot('intake-paused-nl.png');

  assert.equal(await trayMenu('toggle-pause'), 0);
  await byTestId(app.browser, 'sending-paused').waitForDisplayed({ reverse: true, timeout: 10_000 });
  await app.browser.waitUntil(async () => (await outboxStates()).every((s) => s === 'sent'), {
    timeout: 30_000,
    timeoutMsg: 'the file was not sent after resuming',
  });
});
