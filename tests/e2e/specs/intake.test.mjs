// Invoice intake in the real window (issue 5): two files handed to the app go through the
// same path a drop on the window takes (the shell's hand-over), are checked, sent for an
// organisation, and reach "Verzonden".
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { appBinary, byTestId, launchApp, screenshot } from '../support/app.mjs';
import { writeInvoicePdf } from '../support/pdf.mjs';

let app;

before(async () => {
  app = await launchApp();
  await byTestId(app.browser, 'sign-in-submit').waitForDisplayed({ timeout: 20_000 });
  await byTestId(app.browser, 'sign-in-submit').click();
  await byTestId(app.browser, 'organisation-list').waitForDisplayed({ timeout: 30_000 });
});

after(async () => app?.stop());

test('two handed-over PDFs are checked, sent, and reach Verzonden', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'econnect-drop-'));
  const files = [
    writeInvoicePdf(join(folder, 'factuur 2026-001.pdf'), 'Factuur 2026-001 totaal 121,00'),
    writeInvoicePdf(join(folder, 'factuur 2026-002.pdf'), 'Factuur 2026-002 totaal 242,00'),
  ];
  // A second launch with files: the single-instance hand-over, which a native drop also uses.
  const env = { ...process.env, ECONNECT_HOME: app.dataFolder, XDG_DATA_HOME: join(app.dataFolder, 'xdg') };
  spawn(appBinary, files, { env, stdio: 'ignore' });

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
      const states = await app.browser.$$('[data-testid="outbox-item"]').map((el) => el.getAttribute('data-state'));
      return states.length === 2 && states.every((s) => s === 'sent');
    },
    { timeout: 60_000, timeoutMsg: 'the files did not reach Verzonden' },
  );
  const labels = await app.browser.$$('[data-testid="outbox-state"]').map((el) => el.getText());
  assert.deepEqual(labels, ['Verzonden', 'Verzonden']);
  screenshot('intake-sent-nl.png');
});
