// Desktop integration in the real app: closing the window hands the app over to a fresh
// tray-only process (no WebKit), the tray's "Openen" handler brings the window back in that
// process, and a second launch hands its file to it. Xvfb has no tray host and no window
// manager, so the tray item and the close button are driven through a second launch's test
// controls (debug builds), which call the same handlers the tray menu and the window's
// close request call. WebDriver drives only the first window; after the hand-over the
// checks look at /proc, X and the log.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchApp, screenshot } from '../support/app.mjs';
import {
  appPid,
  appPids,
  closeToTray,
  eventually,
  logText,
  mainWindowId,
  mainWindowPainted,
  mapsLibrary,
  residentKb,
  running,
  secondLaunch,
  webkitPids,
} from '../support/tray.mjs';

/** The app's WebKit web process extension (crates/econnect-web-extension). */
const EXTENSION = 'libeconnect_web_extension.so';
/**
 * Logged when a new window is shown, hidden until its page committed (src-tauri's
 * first_show.rs: a webview drawn before then could stall for half a second).
 */
const SHOWN_ON_COMMIT = 'main window shown: its page committed';

/** How often `line` is in the app's log. */
function timesLogged(line) {
  return logText(app.dataFolder).split(line).length - 1;
}

let app;
let windowPid;
let trayPid;

/** Waits until the UI has rendered into #app (sign-in or the frame, whichever shows). */
async function uiRendered(browser) {
  await eventually('the UI to render', () =>
    browser.execute(() => document.querySelectorAll('#app [data-testid]').length).catch(() => 0),
  20_000);
  assert.equal(await browser.getTitle(), 'eConnect Desktop');
}

before(async () => {
  app = await launchApp();
  await uiRendered(app.browser);
  windowPid = appPid(app.dataFolder);
  assert.ok(windowPid, 'the app process is found by its data folder');
  assert.equal(timesLogged(SHOWN_ON_COMMIT), 1, 'the window was shown once its page committed');
});

after(async () => {
  // Afsluiten through the tray handler; then the WebDriver session goes too.
  const pid = appPid(app.dataFolder);
  if (pid) {
    await secondLaunch(app.dataFolder, ['--tray-menu=quit']);
    await eventually('the app to quit', () => !running(pid), 10_000).catch(() => {});
  }
  await app?.stop();
});

test('closing the window hands the app over to a tray-only process without WebKit, told once', async () => {
  assert.ok(mainWindowId(), 'the window is there before closing');
  assert.ok(webkitPids(app.dataFolder).length > 0, 'WebKit runs while the window is open');
  // The web process loads the app's extension, which gives back its start-up pages.
  await eventually('the web process to load the app\'s web process extension', () =>
    webkitPids(app.dataFolder).some((pid) => mapsLibrary(pid, EXTENSION)));
  const withWindow = residentKb([...appPids(app.dataFolder), ...webkitPids(app.dataFolder)]);
  trayPid = await closeToTray(app.dataFolder, windowPid);
  const log = logText(app.dataFolder);
  assert.ok(log.includes('main window closed; the app stays in the tray'));
  assert.ok(log.includes('handing over to a tray-only process'));
  const settings = JSON.parse(readFileSync(join(app.dataFolder, 'desktop-settings.json'), 'utf8'));
  assert.equal(settings.toldAboutTray, true, 'the user is told once, and that is remembered');
  assert.deepEqual(appPids(app.dataFolder), [trayPid], 'one app process, the tray one');
  await eventually('WebKit helper processes to go', () => webkitPids(app.dataFolder).length === 0);
  const inTray = residentKb(appPids(app.dataFolder));
  assert.ok(inTray * 2 < withWindow, `the tray process is light: ${inTray} kB vs ${withWindow} kB with the window`);
});

test('"Openen" from the tray brings the window back quickly, in the tray process', async () => {
  assert.equal(mainWindowId(), null);
  const shownBefore = timesLogged(SHOWN_ON_COMMIT);
  const started = Date.now();
  assert.equal(await secondLaunch(app.dataFolder, ['--tray-menu=open']), 0);
  await eventually('the reopened window to paint', () => mainWindowPainted(), 20_000);
  const ms = Date.now() - started;
  console.log(`tray Openen to first paint: ${ms} ms (debug build, incl. the second launch)`);
  assert.equal(appPid(app.dataFolder), trayPid, 'the tray process opened its window, no new process');
  assert.equal(timesLogged(SHOWN_ON_COMMIT), shownBefore + 1, 'shown once its page committed, not drawn before');
  await eventually('the new web process to load the extension too', () =>
    webkitPids(app.dataFolder).some((pid) => mapsLibrary(pid, EXTENSION)));
  assert.ok(statSync(screenshot('desktop-reopened.png')).size > 10_000);
  // A debug build on a shared CI machine: far slower than the release build measure.sh
  // times against the one-second target, so this only catches a reopen gone slow.
  assert.ok(ms < 5_000, `reopened in ${ms} ms`);
});

test('a second launch hands its file to the running app and exits', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'econnect-open-'));
  writeFileSync(join(folder, 'factuur.pdf'), '%PDF-1.7\n%test\n');
  const code = await secondLaunch(app.dataFolder, ['factuur.pdf'], { cwd: folder });
  assert.equal(code, 0, 'the second launch ends itself');
  const expected = JSON.stringify([join(folder, 'factuur.pdf')]);
  await eventually('the hand-over in the log', () => logText(app.dataFolder).includes(`files handed over: ${expected}`));
  assert.ok(running(trayPid), 'the running instance keeps running');
  assert.deepEqual(appPids(app.dataFolder), [trayPid], 'still one app process for this data folder');
});

test('closing the reopened window hands over again', async () => {
  const next = await closeToTray(app.dataFolder, trayPid);
  assert.notEqual(next, trayPid);
  await eventually('WebKit helper processes to go', () => webkitPids(app.dataFolder).length === 0);
  trayPid = next;
});
