// Starts the built app under tauri-driver and opens a WebDriver session on it.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { remote } from 'webdriverio';

/** The repository root (tests/e2e/support → ../../..). */
export const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

/** Where screenshots go: under the build output, never committed. */
export const artifactsDir = join(repoRoot, 'target', 'e2e');

/** The app binary under test; ECONNECT_APP overrides the debug build. */
export const appBinary =
  process.env.ECONNECT_APP ?? join(repoRoot, 'target', 'debug', 'econnect-desktop');

/** The version Cargo gives the app, read the same way Cargo does (workspace.package). */
export function cargoVersion() {
  const manifest = readFileSync(join(repoRoot, 'Cargo.toml'), 'utf8');
  const match = manifest.match(/\[workspace\.package\][^[]*?version\s*=\s*"([^"]+)"/);
  if (!match) throw new Error('no version in Cargo.toml');
  return match[1];
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function waitForPort(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited with ${child.exitCode}`);
    const open = await new Promise((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => socket.end(() => done(true)));
      socket.once('error', () => done(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on ${port} within ${timeoutMs} ms`);
}

/**
 * Launches the app with a fresh data folder and returns the browser plus a stop function.
 * Environment variables for the app go on tauri-driver, which starts the app.
 */
export async function launchApp(extraEnv = {}) {
  mkdirSync(artifactsDir, { recursive: true });
  const dataFolder = mkdtempSync(join(tmpdir(), 'econnect-e2e-'));
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    // A fresh XDG data home also gives WebKit a fresh profile (localStorage).
    env: { ...process.env, ECONNECT_HOME: dataFolder, XDG_DATA_HOME: join(dataFolder, 'xdg'), ...extraEnv },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForPort(port, driver, 20_000);
  const browser = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'warn',
    capabilities: {
      browserName: 'wry',
      'wdio:enforceWebDriverClassic': true,
      'tauri:options': { application: appBinary },
    },
  });
  const stop = async () => {
    await browser.deleteSession().catch(() => {});
    driver.kill();
    // Closing the window leaves the app in the tray, by design. Whatever of this launch is
    // left would keep the test runner's output pipe open (and the runner waiting): end it.
    for (const pid of processesOf(dataFolder)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  return { browser, dataFolder, stop };
}

/** The processes started for `dataFolder` (their environment names it): app and WebKit. */
export function processesOf(dataFolder) {
  const found = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(`ECONNECT_HOME=${dataFolder}`)) found.push(Number(entry));
    } catch {
      // Ended meanwhile, or not ours to read.
    }
  }
  return found;
}

/** Selects an element by its data-testid. */
export function byTestId(browser, id) {
  return browser.$(`[data-testid="${id}"]`);
}

/**
 * Saves a screenshot of the X display the app runs on. WebKitWebDriver's own screenshot
 * call never answers under Xvfb, so this asks the X server (ImageMagick's `import`).
 */
export function screenshot(name) {
  const path = join(artifactsDir, name);
  execFileSync('import', ['-window', 'root', path], { timeout: 15_000 });
  return path;
}

/**
 * After a first sign-in as the demo user, the app asks about switching on receiving for
 * the organisations where it is off; tests about other things close that pop-up.
 */
export async function closeReceivePrompt(browser) {
  await browser.$('[data-testid="receive-prompt"]').waitForDisplayed({ timeout: 30_000 });
  await browser.$('[data-testid="receive-prompt-close"]').click();
  await browser.$('[data-testid="receive-prompt"]').waitForDisplayed({ reverse: true, timeout: 10_000 });
}
