// The app's processes, window and tray from outside: Xvfb has no tray host and no window
// manager, so tray items and the close button are driven through a second launch's test
// controls (debug builds), which call the same handlers the tray menu and the window's
// close request call. On Linux closing the window hands the app over to a fresh
// tray-only process, which WebDriver does not drive: these helpers look at /proc and X.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { appBinary } from './app.mjs';

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function eventually(what, check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The environment of a launch on this data folder (same folder: the same instance). */
export function appEnv(dataFolder, extra = {}) {
  return { ...process.env, ECONNECT_HOME: dataFolder, XDG_DATA_HOME: join(dataFolder, 'xdg'), ...extra };
}

function environOf(pid) {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
}

/** The running app processes on this data folder (zombies have no command line). */
export function appPids(dataFolder) {
  const found = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const exe = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0];
      if (exe === appBinary && environOf(entry).includes(`ECONNECT_HOME=${dataFolder}`)) found.push(Number(entry));
    } catch {
      // The process ended or is not ours to read.
    }
  }
  return found;
}

/** The one app process on this data folder, or null (none, or two during a hand-over). */
export function appPid(dataFolder) {
  const pids = appPids(dataFolder);
  return pids.length === 1 ? pids[0] : null;
}

/** The process's arguments. */
export function argsOf(pid) {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(1);
}

/** Whether the process runs (a zombie has ended: it holds nothing any more). */
export function running(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The resident memory of these processes together, in kB. */
export function residentKb(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
      total += Number(match?.[1] ?? 0);
    } catch {
      // Ended meanwhile.
    }
  }
  return total;
}

/** WebKit's helper processes (web, network) running on this data folder; not the test's WebKitWebDriver. */
export function webkitPids(dataFolder) {
  const found = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8');
      if (comm.startsWith('WebKit') && !comm.startsWith('WebKitWebDriver') && running(entry) && environOf(entry).includes(`ECONNECT_HOME=${dataFolder}`)) {
        found.push(Number(entry));
      }
    } catch {
      // Ended meanwhile, or not ours to read.
    }
  }
  return found;
}

/** Whether process `pid` has a library whose path ends in `name` loaded. */
export function mapsLibrary(pid, name) {
  try {
    return readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').some((line) => line.endsWith(`/${name}`));
  } catch {
    return false;
  }
}

/** The X id of the app's main window, or null when none is mapped. */
export function mainWindowId() {
  try {
    const info = execFileSync('xwininfo', ['-name', 'eConnect Desktop'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return info.match(/Window id: (0x[0-9a-f]+)/)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Whether the main window shows more than a blank fill (many colours: text is drawn). */
export function mainWindowPainted() {
  const id = mainWindowId();
  if (!id) return false;
  try {
    const png = execFileSync('import', ['-window', id, 'png:-'], { timeout: 10_000, maxBuffer: 64 << 20 });
    const colours = execFileSync('convert', ['-', '-format', '%k', 'info:'], { input: png, encoding: 'utf8' });
    return Number(colours) > 50;
  } catch {
    return false;
  }
}

/** The pid holding the app's single-instance name on the session bus, or null. */
export function singleInstanceOwner() {
  try {
    const reply = execFileSync(
      'dbus-send',
      ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus',
        'org.freedesktop.DBus.GetConnectionUnixProcessID', 'string:eu.econnect.desktop.SingleInstance'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return Number(reply.match(/uint32 (\d+)/)?.[1]) || null;
  } catch {
    return null;
  }
}

/** Runs a launch of the app with `args` on this data folder; resolves to its exit code. */
export function secondLaunch(dataFolder, args, { cwd, env = {} } = {}) {
  return new Promise((done, fail) => {
    const child = spawn(appBinary, args, { env: appEnv(dataFolder, env), cwd, stdio: 'ignore' });
    child.once('error', fail);
    child.once('exit', (code) => done(code));
  });
}

/** Everything the app logged on this data folder, all processes together. */
export function logText(dataFolder) {
  const folder = join(dataFolder, 'xdg', 'eu.econnect.desktop', 'logs');
  if (!existsSync(folder)) return '';
  return readdirSync(folder)
    .sort()
    .map((name) => readFileSync(join(folder, name), 'utf8'))
    .join('\n');
}

/**
 * Closes the window (its close handler) and waits for the hand-over: the window's process
 * ends and a tray-only process (`--hidden`, without WebKit) takes its place. Returns its pid.
 */
export async function closeToTray(dataFolder, windowPid) {
  const code = await secondLaunch(dataFolder, ['--close-window']);
  if (code !== 0) throw new Error(`--close-window exited with ${code}`);
  await eventually('the window to go', () => !mainWindowId());
  await eventually('the window process to end', () => !running(windowPid), 30_000);
  const trayPid = await eventually('the tray process', () => {
    const pid = appPid(dataFolder);
    return pid && pid !== windowPid && argsOf(pid).includes('--hidden') ? pid : null;
  }, 30_000);
  // Ready for the tray's clicks (and the tests' second launches) once it owns the name.
  await eventually('the tray process to take the single-instance name', () => singleInstanceOwner() === trayPid, 30_000);
  return trayPid;
}
