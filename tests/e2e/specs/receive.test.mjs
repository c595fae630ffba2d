// Following documents and receiving in the real window: an invoice added
// to the platform appears in Documenten and on disk in the receive folder (by hook), and a
// document this installation sent that the platform rejected shows its reason in the
// document detail. Screenshots in nl and en.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { byTestId, closeReceivePrompt, launchApp, screenshot } from '../support/app.mjs';
import { control, startSandbox } from '../support/sandbox.mjs';

/** The demo organisation that receives (Bakkerij De Gouden Korenaar B.V.). */
const RECEIVING_PARTY = '0106:30187412';

/** A TCP port that is free on loopback now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

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
  const button = byTestId(browser, `filter-direction-${direction}`);
  await button.waitForDisplayed({ timeout: 10_000 });
  await button.click();
}

describe('receiving and rejections in the window', () => {
  let app;
  let sandbox;
  let receiveRoot;
  let invoiceId;
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
      ECONNECT_CUSTOM_CLIENT_ID: 'econnect-desktop',
      ECONNECT_CUSTOM_CLIENT_SECRET: 'sandbox',
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

    // The platform has no list of received invoices: they come by hook. On this machine the
    // app's own receiver is reachable on loopback (Instellingen → Ontvangen).
    const port = await freePort();
    await byTestId(b, 'settings-tab-channel').click();
    await byTestId(b, 'channel-public').click();
    // The automatic local address sits folded under "Geavanceerd".
    if (!(await byTestId(b, 'channel-public-url').isDisplayed())) await byTestId(b, 'channel-advanced-toggle').click();
    await byTestId(b, 'channel-public-url').setValue(`http://127.0.0.1:${port}/econnect-hook`);
    await byTestId(b, 'channel-listen').setValue(`127.0.0.1:${port}`);
    await byTestId(b, 'channel-save').click();
    await b.waitUntil(async () => (await byTestId(b, 'channel-registered').getAttribute('data-registered')) === 'true', {
      timeout: 20_000,
      timeoutMsg: 'the app did not register its hook',
    });
    assert.match(await byTestId(b, 'channel-listening').getText(), new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  // The platform has no list of received invoices: this one reaches the app by
  // the sandbox's signed InvoiceReceived hook to the receiver set up above.
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

    await byTestId(b, 'nav-documents').click();
    await showDirection(b, 'received');
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
    // The file paths are under "Geavanceerd" of the invoice view.
    await byTestId(b, 'invoice-advanced').waitForExist({ timeout: 10_000 });
    assert.match(await byTestId(b, 'invoice-advanced').getProperty('textContent'), /E2E-2026-001\.xml/);
    screenshot('receive-invoice-nl.png');
    await byTestId(b, 'document-close').click();
  });

  test('the received invoice in English', async () => {
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
    await byTestId(b, 'language-nl').click().catch(() => {});
  });
});

// Only what this installation sent is in Documenten: the demo's own history has
// a document the platform rejected; its status comes from the status call, with the reason.
describe('a rejection in the window', () => {
  let app;
  let rejectedId;
  before(async () => {
    app = await launchApp();
  });
  after(async () => app?.stop());

  /** The id of the first sent row whose status is rejected (null while there is none). */
  async function firstRejected(b) {
    for (const row of await b.$$('[data-testid="document-row"]')) {
      const status = await row.$('[data-testid="document-status"]');
      if ((await status.isExisting()) && (await status.getAttribute('data-status')) === 'rejected') return row.getAttribute('data-id');
    }
    return null;
  }

  test('a rejected document shows the platform reason and its history in its detail', async () => {
    const b = app.browser;
    const submit = byTestId(b, 'sign-in-submit');
    await submit.waitForDisplayed({ timeout: 20_000 });
    await submit.click();
    await byTestId(b, 'page-overview').waitForDisplayed({ timeout: 30_000 });
    await closeReceivePrompt(b);
    await byTestId(b, 'nav-documents').click();
    await showDirection(b, 'sent');
    await byTestId(b, 'filter-status').selectByAttribute('value', 'Rejected');
    await b
      .waitUntil(async () => (rejectedId = await firstRejected(b)) !== null, { timeout: 60_000, interval: 1_000 })
      .catch((e) => {
        screenshot('receive-debug-rejected.png');
        throw new Error(`no rejected document in Documenten: ${e.message}`);
      });
    await (await rowOf(b, rejectedId)).click();
    const reason = byTestId(b, 'rejection-reason');
    await reason.waitForDisplayed({ timeout: 10_000 });
    assert.ok((await reason.getText()).length > 3, 'the platform reason is shown');
    assert.ok((await byTestId(b, 'rejection-todo').getText()).length > 10);
    const steps = b.$$('[data-testid="status-history"] li');
    await b.waitUntil(async () => (await steps.length) > 0, { timeout: 10_000, timeoutMsg: 'no status history' });
    assert.match(await steps[0].getText(), /\d{2}:\d{2}/, 'each step says when');
    screenshot('receive-rejection-nl.png');
    await byTestId(b, 'document-close').click();
  });

  test('the rejection in English', async () => {
    const b = app.browser;
    await byTestId(b, 'nav-settings').click();
    await byTestId(b, 'settings-tab-personal').click();
    await byTestId(b, 'language-en').click();
    await byTestId(b, 'nav-documents').click();
    // The list is long (rows are drawn as they scroll into view): filter it down again.
    await showDirection(b, 'sent');
    await byTestId(b, 'filter-status').selectByAttribute('value', 'Rejected');
    await b.waitUntil(async () => (await rowOf(b, rejectedId)) !== null, { timeout: 20_000 });
    await (await rowOf(b, rejectedId)).click();
    await byTestId(b, 'rejection-reason').waitForDisplayed({ timeout: 10_000 });
    assert.match(await byTestId(b, 'rejection-advice').getText(), /The platform’s reason/);
    screenshot('receive-rejection-en.png');
    await byTestId(b, 'language-nl').click().catch(() => {});
  });
});
