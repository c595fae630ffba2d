// The hand-over under load: a watched folder keeps receiving invoices while the window
// closes (the app hands over to a tray-only process), opens again from the tray and closes
// again. Every file must reach the platform exactly once (one document per file on the
// external sandbox, each file in Verwerkt/ once, none in Mislukt/), the tray process
// must have signed in again by itself, and its notifier must keep working.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { byTestId, closeReceivePrompt, launchApp } from '../support/app.mjs';
import { writeInvoicePdf } from '../support/pdf.mjs';
import { control, startSandbox } from '../support/sandbox.mjs';
import {
  appPid,
  appPids,
  closeToTray,
  eventually,
  logText,
  mainWindowPainted,
  running,
  secondLaunch,
} from '../support/tray.mjs';

const CLIENT = { ECONNECT_CUSTOM_CLIENT_ID: 'econnect-desktop', ECONNECT_CUSTOM_CLIENT_SECRET: 'sandbox' };
const PARTY = '0106:30187412';

let app;
let sandbox;
let watched;
let staging;

before(async () => {
  sandbox = await startSandbox();
  watched = mkdtempSync(join(tmpdir(), 'econnect-handover-'));
  staging = mkdtempSync(join(tmpdir(), 'econnect-staging-'));
  app = await launchApp({ ...CLIENT, ECONNECT_TEST_WATCH_FOLDER: watched, ECONNECT_TEST_WATCH_PARTY: PARTY });
  await byTestId(app.browser, 'environment-custom').waitForDisplayed({ timeout: 20_000 });
  await byTestId(app.browser, 'environment-custom').click();
  await byTestId(app.browser, 'custom-api').setValue(sandbox.url);
  await byTestId(app.browser, 'custom-identity').setValue(sandbox.url);
  await byTestId(app.browser, 'username').setValue('demo@voorbeeld.nl');
  await byTestId(app.browser, 'password').setValue('demo');
  // "Onthoud mij" stays on (the default): the tray process signs in again from the keyring.
  await byTestId(app.browser, 'sign-in-submit').click();
  await byTestId(app.browser, 'page-overview').waitForDisplayed({ timeout: 30_000 });
  await closeReceivePrompt(app.browser);
});

after(async () => {
  const pid = appPid(app.dataFolder);
  if (pid) {
    await secondLaunch(app.dataFolder, ['--tray-menu=quit'], { env: CLIENT });
    await eventually('the app to quit', () => !running(pid), 20_000).catch(() => {});
  }
  await app?.stop();
  await sandbox?.stop();
});

/** Every file under `dir`, recursively (names only). */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

/** Drops invoices into the watched folder, one every `everyMs`, until stopped. */
function startWriting(everyMs) {
  const written = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const name = `factuur ${String(written.length + 1).padStart(3, '0')}.pdf`;
      // Written beside the folder and moved in, as a scanner or an export does.
      const staged = writeInvoicePdf(join(staging, name), `Factuur ${name} totaal ${written.length + 1},00`);
      renameSync(staged, join(watched, name));
      written.push(name);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    written,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

test('files dropped while the window closes and opens are each sent once', async () => {
  const windowPid = appPid(app.dataFolder);
  assert.ok(windowPid);
  const writer = startWriting(150);
  await eventually('the first files to be sent', () => filesUnder(join(watched, 'Verwerkt')).length >= 3, 30_000);

  const firstTray = await closeToTray(app.dataFolder, windowPid);
  await eventually('the tray process to sign in again', () =>
    logText(app.dataFolder).includes('session restored in the tray'), 30_000);
  const sentBefore = filesUnder(join(watched, 'Verwerkt')).length;
  await eventually('the tray process to send files', () =>
    filesUnder(join(watched, 'Verwerkt')).length > sentBefore, 30_000);
  // Its notifier reports them (shown, or refused by a desktop without a notification
  // server: either way the notice reached the OS from the tray process).
  // The window process has exited before the tray process starts: what follows the tray
  // process's first line is its own.
  const trayStart = logText(app.dataFolder).lastIndexOf('session restored in the tray');
  await eventually('a notification from the tray process', () =>
    /notification (shown: |')/.test(logText(app.dataFolder).slice(trayStart)), 30_000);

  assert.equal(await secondLaunch(app.dataFolder, ['--tray-menu=open'], { env: CLIENT }), 0);
  await eventually('the reopened window to paint', () => mainWindowPainted(), 20_000);
  assert.equal(appPid(app.dataFolder), firstTray, 'the tray process opened the window itself');

  const secondTray = await closeToTray(app.dataFolder, firstTray);
  // A few more for the second tray process, then the backlog must drain.
  await eventually('files written after the last switch', () => writer.written.length >= 40, 30_000);
  await writer.stop();
  const total = writer.written.length;

  await eventually(`all ${total} files in Verwerkt/`, () => filesUnder(join(watched, 'Verwerkt')).length === total, 90_000);
  const processed = filesUnder(join(watched, 'Verwerkt')).sort();
  assert.deepEqual(processed, [...writer.written].sort(), 'each written file is in Verwerkt/ once');
  assert.deepEqual(filesUnder(join(watched, 'Mislukt')), [], 'nothing failed');
  const counters = await control(sandbox.url, 'counters');
  const created = Object.values(counters.documentsCreated).reduce((a, b) => a + b, 0);
  assert.equal(created, total, 'one document per file on the platform');

  console.log(`${total} files, ${created} documents, ${counters.duplicatesRefused} answered 409 (resumed uploads)`);
  assert.deepEqual(appPids(app.dataFolder), [secondTray], 'one app process at the end');
});
