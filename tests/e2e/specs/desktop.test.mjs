// Desktop integration in the real app: closing the window keeps the process in the tray,
// the tray's "Openen" handler brings the window back, and a second launch hands its file
// to the first. Xvfb has no tray host and no window manager, so the tray item and the
// close button are driven through a second launch's test controls (debug builds), which
// call the same handlers the tray menu and the window's close request call.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { appBinary, launchApp, screenshot } from '../support/app.mjs';

let app;
let env;
let pid;

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
async function eventually(what, check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The app process started for this data folder (its environment names the folder). */
function appPid(dataFolder) {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      const exe = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0];
      if (environ.includes(`ECONNECT_HOME=${dataFolder}`) && exe === appBinary) return Number(entry);
    } catch {
      // The process ended or is not ours to read.
    }
  }
  return null;
}

function alive(processId) {
  try {
    process.kill(processId, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether X shows a window titled like the app's main window. */
function mainWindowMapped() {
  const tree = execFileSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8' });
  return tree.split('\n').some((line) => line.includes('"eConnect Desktop"') && !line.includes('has no name'));
}

/** Runs a second launch of the app with `args`; resolves to its exit code. */
function secondLaunch(args, cwd) {
  return new Promise((done, fail) => {
    const child = spawn(appBinary, args, { env, cwd, stdio: 'ignore' });
    child.once('error', fail);
    child.once('exit', (code) => done(code));
  });
}

function logText() {
  const folder = join(app.dataFolder, 'xdg', 'eu.econnect.desktop', 'logs');
  if (!existsSync(folder)) return '';
  return readdirSync(folder)
    .map((name) => readFileSync(join(folder, name), 'utf8'))
    .join('\n');
}

/** Waits until the UI has rendered into #app (sign-in or the frame, whichever shows). */
async function uiRendered(browser) {
  await eventually('the UI to render', () =>
    browser.execute(() => document.querySelectorAll('#app [data-testid]').length).catch(() => 0),
  20_000);
  assert.equal(await browser.getTitle(), 'eConnect Desktop');
}

before(async () => {
  app = await launchApp();
  env = { ...process.env, ECONNECT_HOME: app.dataFolder, XDG_DATA_HOME: join(app.dataFolder, 'xdg') };
  await uiRendered(app.browser);
  pid = appPid(app.dataFolder);
  assert.ok(pid, 'the app process is found by its data folder');
});

after(async () => {
  // Afsluiten through the tray handler; then the WebDriver session goes too.
  if (pid && alive(pid)) {
    await secondLaunch(['--tray-menu=quit']);
    await eventually('the app to quit', () => !alive(pid), 10_000).catch(() => {});
  }
  await app?.stop();
});

test('closing the window keeps the app running in the tray, told once', async () => {
  assert.ok(mainWindowMapped(), 'the window is there before closing');
  assert.equal(await secondLaunch(['--close-window']), 0);
  await eventually('the window to go', () => !mainWindowMapped());
  await eventually('the close to be logged', () => logText().includes('main window closed; the app stays in the tray'));
  const settings = JSON.parse(readFileSync(join(app.dataFolder, 'desktop-settings.json'), 'utf8'));
  assert.equal(settings.toldAboutTray, true, 'the user is told once, and that is remembered');
  assert.ok(alive(pid), 'the process stays after its last window closed');
});

test('"Openen" from the tray brings the window back', async () => {
  assert.equal(mainWindowMapped(), false);
  assert.ok(alive(pid));
  assert.equal(await secondLaunch(['--tray-menu=open']), 0);
  await eventually('the window to come back', () => mainWindowMapped());
  const handles = await eventually('WebDriver to see the new window', async () => {
    const all = await app.browser.getWindowHandles().catch(() => []);
    return all.length > 0 ? all : null;
  });
  await app.browser.switchToWindow(handles[handles.length - 1]);
  await uiRendered(app.browser);
  assert.equal(appPid(app.dataFolder), pid, 'the same process, not a new one');
  assert.ok(statSync(screenshot('desktop-reopened.png')).size > 10_000);
});

test('a second launch hands its file to the first and exits', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'econnect-open-'));
  writeFileSync(join(folder, 'factuur.pdf'), '%PDF-1.7\n%test\n');
  const code = await secondLaunch(['factuur.pdf'], folder);
  assert.equal(code, 0, 'the second launch ends itself');
  const expected = JSON.stringify([join(folder, 'factuur.pdf')]);
  await eventually('the hand-over in the log', () => logText().includes(`files handed over: ${expected}`));
  assert.ok(alive(pid), 'the first instance keeps running');
  assert.equal(appPid(app.dataFolder), pid, 'still one app process for this data folder');
});
