// Runs `econnect sandbox` as its own process, so a test can stop the platform under the app.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { repoRoot } from './app.mjs';

/** The CLI binary built next to the app. */
export const cliBinary = process.env.ECONNECT_CLI ?? join(repoRoot, 'target', 'debug', 'econnect');

/** Starts a sandbox with the demo seed; resolves with its URL and a stop function. */
export function startSandbox() {
  const child = spawn(cliBinary, ['sandbox', '--addr', '127.0.0.1:0', '--seed', 'demo'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sandbox did not start in 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const match = line.match(/^listening on (http:\/\/\S+)$/);
      if (!match) return reject(new Error(`unexpected first line: ${line}`));
      const stop = () =>
        new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        });
      resolve({ url: match[1], stop });
    });
  });
}

/** Calls one of the sandbox's test controls. */
export async function control(url, path, body) {
  const response = await fetch(`${url}/_sandbox/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}
