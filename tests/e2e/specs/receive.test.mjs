// Following documents and receiving in the real window (issue 8): an invoice added to the
// platform appears in Documenten and on disk in the receive folder, and a sent document the
// platform rejects shows its reason in the document detail. Screenshots in nl and en.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { byTestId, closeReceivePrompt, launchApp, screenshot } from '../support/app.mjs';
import { control, startSandbox } from '../support/sandbox.mjs';

/** The demo organisation that receives (Bakkerij De Gouden Korenaar B.V.). */
const RECEIVING_PARTY = '0106:30187412';
const REASON = 'Factuurnummer ontbreekt / Invoice number missing';

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir, prefix = '') {
  let out = [];
  let entries = [];
  try {
    entries = readdirSync(join(dir, prefix), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    out = e.isDirectory() ? out.concat(filesUnder(dir, rel)) : out.concat([rel]);
  }
  return out;
}

/** The row of Documenten of document `id` (null while it is not shown). */
async function rowOf(browser, id) {
  const row = browser.$(`[data-testid="document-row"][data-id="${id}"]`);
  return (await row.isExisting()) ? row : null;
}

/** Shows only sent or received documents in Documenten. */
async function showDirection(browser, direction) {
  const select = byTestId(browser, 'filter-direction');
  await select.waitForDisplayed({ timeout: 10_000 });
  await select.selectByAttribute('value', direction);
}

describe('receiving and rejections in the window', () => {
  let app;
  let sandbox;
  let receiveRoot;
  let invoiceId;
  let rejectedId;
  before(async () => {
    sandbox = await startSandbox();
    // The receive folder defaults to the user's Documents folder, which the desktop names
    // in user-dirs.dirs under XDG_CONFIG_HOME: a temp folder here, so nothing lands in ~.
    const home = mkdtempSync(join(tmpdir(), 'econnect-e2e-receive-'));
    const config = join(home, 'config');
    receiveRoot = join(home, 'Documenten');
    mkdirSync(config, { recursive: true });
    mkdirSync(receiveRoot, { recursive: true });
    writeFileSync(join(config, 'user-dirs.dirs'), `XDG_DOCUMENTS_DIR="${receiveRoot}"\n`);
    app = await launchApp({
      ECONNECT_CLIENT_ID: 'econnect-desktop',
      ECONNECT_CLIENT_SECRET: 'sandbox',
      XDG_CONFIG_HOME: config,
    });
  });
  after(async () => {
    await app?.stop();
    await sandbox?.stop();
  });

  test('sign in on the external sandbox; the receive folder is the temp one', async () => {
    const b = app.browser;
    await byTestId(b, 'environment-custom').waitForDisplayed({ timeout: 20_000 });
    await byTestId(b, 'environment-custom').click();
    await byTestId(b, 'custom-api').setValue(sandbox.url);
    await byTestId(b, 'custom-identity').setValue(sandbox.url);
    await byTestId(b, 'username').setValue('demo@voorbeeld.nl');
    await byTestId(b, 'password').setValue('demo');
    await byTestId(b, 'remember').click(); // no keyring needed for this test
    await byTestId(b, 'sign-in-submit').click();
    await closeReceivePrompt(b);
    await byTestId(b, 'nav-settings').click();
    await byTestId(b, 'settings-tab-folders').click();
    const path = byTestId(b, 'receive-folder-path');
    await path.waitForDisplayed({ timeout: 10_000 });
    assert.ok((await path.getText()).includes(join(receiveRoot, 'eConnect')), await path.getText());
  });

  test('an invoice added to the platform appears in Documenten and on disk', async () => {
    const b = app.browser;
    const { id } = await control(sandbox.url, 'received', {
      partyId: RECEIVING_PARTY,
      senderName: 'Drukkerij Van Dijk B.V.',
      invoiceNumber: 'E2E-2026-001',
      amount: 242.5,
      withPdf: true,
    });
    assert.ok(id, 'the sandbox returned an id');
    invoiceId = id;
    // A sent document the platform rejects (after 5 s of its clock; moved on a minute).
    const sent = await control(sandbox.url, 'sent', { partyId: RECEIVING_PARTY, count: 1, rejectEvery: 1, reason: REASON, idPrefix: 'e2e-rejected-' });
    rejectedId = sent.ids[0];
    await control(sandbox.url, 'time/advance', { seconds: 60 });

    await byTestId(b, 'nav-documents').click();
    await showDirection(b, 'received');
    // A sync starts a receive pass; the receiver also passes every minute by itself.
    await byTestId(b, 'sync-now').click();
    await b
      .waitUntil(async () => (await (await rowOf(b, invoiceId))?.getProperty('textContent'))?.includes('E2E-2026-001'), { timeout: 40_000, interval: 500 })
      .catch((e) => {
        screenshot('receive-debug.png');
        throw new Error(`the received invoice did not appear in Documenten: ${e.message}`);
      });
    const row = await rowOf(b, invoiceId);
    // WebKit's WebDriver gives a grid button's visible text as its first cell only.
    const text = await row.getProperty('textContent');
    assert.match(text, /Drukkerij Van Dijk B\.V\./);
    assert.match(text, /242,50/);

    const saved = filesUnder(receiveRoot);
    const month = new Date().toISOString().slice(0, 7);
    const folder = `eConnect/Ontvangen/Bakkerij De Gouden Korenaar B.V/${month}`;
    assert.ok(saved.includes(`${folder}/Drukkerij Van Dijk B.V. E2E-2026-001.xml`), JSON.stringify(saved));
    assert.ok(saved.includes(`${folder}/Drukkerij Van Dijk B.V. E2E-2026-001.pdf`), JSON.stringify(saved));
    assert.ok(!saved.some((f) => f.endsWith('.part')), 'no temp files left');
    const pdf = readFileSync(join(receiveRoot, folder, 'Drukkerij Van Dijk B.V. E2E-2026-001.pdf'));
    assert.equal(pdf.subarray(0, 4).toString(), '%PDF');

    await row.click();
    const panel = byTestId(b, 'received-invoice');
    await panel.waitForDisplayed({ timeout: 10_000 });
    assert.match(await byTestId(b, 'received-files').getText(), /E2E-2026-001\.xml/);
    screenshot('receive-invoice-nl.png');
    await byTestId(b, 'document-close').click();
  });

  test('a rejected document shows the platform reason in its detail', async () => {
    const b = app.browser;
    await showDirection(b, 'sent');
    // The status follows the platform: the tracker (or the next sync) sees the rejection.
    await b
      .waitUntil(
        async () => {
          const row = await rowOf(b, rejectedId);
          if (row && (await row.$('[data-testid="document-status"]').getAttribute('data-status')) === 'rejected') return true;
          await byTestId(b, 'sync-now').click().catch(() => {});
          return false;
        },
        { timeout: 40_000, interval: 2_000 },
      )
      .catch((e) => {
        screenshot('receive-debug-rejected.png');
        throw new Error(`the rejected document did not show as rejected: ${e.message}`);
      });
    await (await rowOf(b, rejectedId)).click();
    const reason = byTestId(b, 'rejection-reason');
    await reason.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await reason.getText(), REASON);
    assert.ok((await byTestId(b, 'rejection-todo').getText()).length > 10);
    screenshot('receive-rejection-nl.png');
    await byTestId(b, 'document-close').click();
  });

  test('the same screens in English', async () => {
    const b = app.browser;
    await byTestId(b, 'nav-settings').click();
    await byTestId(b, 'settings-tab-personal').click();
    await byTestId(b, 'language-en').click();
    await byTestId(b, 'nav-documents').click();
    await showDirection(b, 'received');
    await b.waitUntil(async () => (await rowOf(b, invoiceId)) !== null, { timeout: 20_000 });
    await (await rowOf(b, invoiceId)).click();
    await byTestId(b, 'received-invoice').waitForDisplayed({ timeout: 10_000 });
    screenshot('receive-invoice-en.png');
    await byTestId(b, 'document-close').click();

    await showDirection(b, 'sent');
    await b.waitUntil(async () => (await rowOf(b, rejectedId)) !== null, { timeout: 20_000 });
    await (await rowOf(b, rejectedId)).click();
    await byTestId(b, 'rejection-reason').waitForDisplayed({ timeout: 10_000 });
    assert.match(await byTestId(b, 'rejection-advice').getText(), /The platform’s reason/);
    screenshot('receive-rejection-en.png');
    await byTestId(b, 'language-nl').click().catch(() => {});
  });
});
