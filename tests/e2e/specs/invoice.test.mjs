// The readable invoice and Verzenden in the real window: a received invoice (by hook, as
// in receive.test.mjs) opens as an invoice with its lines, VAT, totals and IBAN, its PDF
// is drawn by pdf.js inside the window, previous/next walk the list; then Verzenden shows
// its drop zone, a file gets its organisation per row, and the sent file links to its
// document. Screenshots: invoice-nl, invoice-en, invoice-pdf-nl, send-dropzone-nl,
// send-results-nl.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { appBinary, byTestId, closeReceivePrompt, launchApp, screenshot } from '../support/app.mjs';
import { writeInvoicePdf } from '../support/pdf.mjs';
import { control, startSandbox } from '../support/sandbox.mjs';

/** The demo organisation that receives (Bakkerij De Gouden Korenaar B.V.). */
const RECEIVING_PARTY = '0106:30187412';
const CLIENT = { ECONNECT_CUSTOM_CLIENT_ID: 'econnect-desktop', ECONNECT_CUSTOM_CLIENT_SECRET: 'sandbox' };

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

/** The row of Documenten of document `id` (null while it is not shown). */
async function rowOf(browser, id) {
  const row = browser.$(`[data-testid="document-row"][data-id="${id}"]`);
  return (await row.isExisting()) ? row : null;
}

/** Opens Documenten on received documents only and waits for the row of `id`. */
async function showReceived(b, id) {
  await byTestId(b, 'nav-documents').click();
  const received = byTestId(b, 'filter-direction-received');
  await received.waitForDisplayed({ timeout: 10_000 });
  await received.click();
  await b.waitUntil(async () => (await rowOf(b, id)) !== null, { timeout: 40_000, interval: 500, timeoutMsg: `row ${id} not shown` });
}

/** Waits until the invoice view shows invoice `number`. */
async function invoiceShown(b, number) {
  await b.waitUntil(async () => {
    const el = byTestId(b, 'invoice-number');
    return (await el.isExisting()) && (await el.getText()) === number;
  }, { timeout: 15_000, timeoutMsg: `invoice ${number} not shown` });
}

describe('a received invoice, readable in the window, and Verzenden', () => {
  let app;
  let sandbox;
  let first;
  let second;
  before(async () => {
    sandbox = await startSandbox();
    const home = mkdtempSync(join(tmpdir(), 'econnect-e2e-invoice-'));
    const config = join(home, 'config');
    const documents = join(home, 'Documenten');
    mkdirSync(config, { recursive: true });
    mkdirSync(documents, { recursive: true });
    writeFileSync(join(config, 'user-dirs.dirs'), `XDG_DOCUMENTS_DIR="${documents}"\n`);
    app = await launchApp({ ...CLIENT, XDG_CONFIG_HOME: config });
  });
  after(async () => {
    await app?.stop();
    await sandbox?.stop();
  });

  test('signed in on the sandbox with the app receiving by hook', async () => {
    const b = app.browser;
    await byTestId(b, 'environment-custom').waitForDisplayed({ timeout: 20_000 });
    await byTestId(b, 'environment-custom').click();
    await byTestId(b, 'custom-api').setValue(sandbox.url);
    await byTestId(b, 'custom-identity').setValue(sandbox.url);
    await byTestId(b, 'username').setValue('demo@voorbeeld.nl');
    await byTestId(b, 'password').setValue('demo');
    await byTestId(b, 'remember').click();
    await byTestId(b, 'sign-in-submit').click();
    await closeReceivePrompt(b);
    const port = await freePort();
    await byTestId(b, 'nav-settings').click();
    await byTestId(b, 'settings-tab-channel').click();
    await byTestId(b, 'channel-public').click();
    await byTestId(b, 'channel-public-url').setValue(`http://127.0.0.1:${port}/econnect-hook`);
    await byTestId(b, 'channel-listen').setValue(`127.0.0.1:${port}`);
    await byTestId(b, 'channel-save').click();
    await b.waitUntil(async () => (await byTestId(b, 'channel-registered').getAttribute('data-registered')) === 'true', {
      timeout: 20_000,
      timeoutMsg: 'the app did not register its hook',
    });
  });

  test('a received invoice shows its supplier, lines, VAT, totals and IBAN in Dutch', async () => {
    const b = app.browser;
    ({ id: first } = await control(sandbox.url, 'received', {
      partyId: RECEIVING_PARTY,
      senderName: 'Drukkerij Van Dam B.V.',
      invoiceNumber: 'VD-2026-0412',
      amount: 1772.28,
      withPdf: true,
    }));
    ({ id: second } = await control(sandbox.url, 'received', {
      partyId: RECEIVING_PARTY,
      senderName: 'Schoonmaakbedrijf Helder',
      invoiceNumber: 'SH-2026-117',
      amount: 302.5,
      withPdf: false,
    }));
    await showReceived(b, first);
    await b.waitUntil(async () => (await rowOf(b, second)) !== null, { timeout: 40_000, interval: 500, timeoutMsg: 'second invoice not shown' });
    await (await rowOf(b, first)).click();
    await byTestId(b, 'invoice-view').waitForDisplayed({ timeout: 15_000 });
    await invoiceShown(b, 'VD-2026-0412');
    assert.match(await byTestId(b, 'invoice-supplier').getText(), /Drukkerij Van Dam B\.V\./);
    assert.match(await byTestId(b, 'invoice-supplier').getText(), /KvK/);
    assert.equal((await b.$$('[data-testid="invoice-line"]')).length, 1);
    assert.match(await byTestId(b, 'invoice-vat-row').getText(), /21\s?%/);
    assert.match(await byTestId(b, 'invoice-total-payable').getText(), /€\s?1\.772,28/);
    assert.equal(await byTestId(b, 'invoice-iban').getText(), 'NL91 ABNA 0417 1643 00');
    assert.equal(await byTestId(b, 'invoice-reference').getText(), 'VD-2026-0412');
    assert.match(await byTestId(b, 'invoice-due-date').getText(), /^\d{1,2}-\d{1,2}-\d{4}$/);
    // The accept/reject/paid answer stays where it was.
    await byTestId(b, 'answer-accept').waitForDisplayed({ timeout: 5_000 });
    screenshot('invoice-nl.png');
    // The lower half: VAT per rate, totals and the payment box.
    await b.execute(() => document.querySelector('[data-testid="invoice-payment"]')?.scrollIntoView({ block: 'end' }));
    screenshot('invoice-totals-nl.png');
    await b.execute(() => document.querySelector('[data-testid="document-detail"]')?.scrollTo(0, 0));

    // Previous/next walk the list, by button and by key, in the panel.
    const position = await byTestId(b, 'document-position').getText();
    const [index] = position.split(' ').map(Number);
    const toSecond = index === 1 ? 'document-next' : 'document-previous';
    await byTestId(b, toSecond).click();
    await invoiceShown(b, 'SH-2026-117');
    await b.execute(() => document.querySelector('[data-testid="document-detail"]')?.focus?.());
    await b.keys(index === 1 ? ['k'] : ['j']);
    await invoiceShown(b, 'VD-2026-0412');
  });

  test('the embedded PDF is drawn inside the window', async () => {
    const b = app.browser;
    await byTestId(b, 'invoice-tab-pdf').click();
    const canvas = b.$('[data-testid="invoice-pdf-page"][data-rendered="true"]');
    await canvas.waitForExist({ timeout: 20_000, timeoutMsg: 'the PDF page was not drawn' });
    // pdf.js drew the supplier's text: dark pixels on the white page.
    const dark = await b.execute(() => {
      const c = document.querySelector('[data-testid="invoice-pdf-page"]');
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 100 && data[i + 3] > 0) n++;
      return n;
    });
    assert.ok(dark > 50, `text pixels on the page: ${dark}`);
    screenshot('invoice-pdf-nl.png');
    await byTestId(b, 'invoice-tab-invoice').click();
    await byTestId(b, 'document-close').click();
  });

  test('the invoice in English', async () => {
    const b = app.browser;
    await byTestId(b, 'nav-settings').click();
    await byTestId(b, 'settings-tab-personal').click();
    await byTestId(b, 'language-en').click();
    await showReceived(b, first);
    await (await rowOf(b, first)).click();
    await invoiceShown(b, 'VD-2026-0412');
    assert.match(await byTestId(b, 'invoice-total-payable').getText(), /€1,772\.28/);
    assert.match(await byTestId(b, 'invoice-due-date').getText(), /^\d{2}\/\d{2}\/\d{4}$/);
    screenshot('invoice-en.png');
    await byTestId(b, 'document-close').click();
    await byTestId(b, 'nav-settings').click();
    await byTestId(b, 'settings-tab-personal').click();
    await byTestId(b, 'language-nl').click();
  });

  test('Verzenden: the drop zone, an organisation per file, and a link to the sent document', async () => {
    const b = app.browser;
    await byTestId(b, 'nav-outbox').click();
    const zone = byTestId(b, 'drop-zone');
    await zone.waitForDisplayed({ timeout: 10_000 });
    assert.match(await zone.getText(), /Sleep pdf-facturen hierheen of kies bestanden/);
    screenshot('send-dropzone-nl.png');

    // A file opened with the app arrives like a drop (the OS drag cannot be simulated).
    const folder = mkdtempSync(join(tmpdir(), 'econnect-send-'));
    const file = writeInvoicePdf(join(folder, 'factuur kantoorartikelen.pdf'), 'Factuur kantoorartikelen totaal 84,70');
    const env = { ...process.env, ...CLIENT, ECONNECT_HOME: app.dataFolder, XDG_DATA_HOME: join(app.dataFolder, 'xdg') };
    spawn(appBinary, [file], { env, stdio: 'ignore' });
    await byTestId(b, 'preflight-panel').waitForDisplayed({ timeout: 20_000 });
    const perFile = byTestId(b, 'file-organisation');
    await perFile.waitForDisplayed({ timeout: 20_000 });
    await perFile.selectByIndex(1);
    await byTestId(b, 'preflight-send').click();

    await b.waitUntil(
      async () => (await b.$$('[data-testid="outbox-item"]').map((el) => el.getAttribute('data-state'))).includes('sent'),
      { timeout: 60_000, timeoutMsg: 'the file was not sent' },
    );
    const bar = b.$('[data-testid="outbox-item"][data-state="sent"] [data-testid="outbox-progress"]');
    assert.equal(await bar.getAttribute('aria-valuenow'), '100');
    assert.match(await byTestId(b, 'outbox-overall').getText(), /1 van 1 verwerkt/);
    const link = byTestId(b, 'outbox-document-link');
    await link.waitForDisplayed({ timeout: 10_000 });
    assert.equal((await link.getProperty('textContent')).trim(), 'factuur kantoorartikelen.pdf');
    // The bar is drawn full: its fill is as wide as its track.
    const widths = await b.execute(() => {
      const track = document.querySelector('[data-testid="outbox-item"][data-state="sent"] [data-testid="outbox-progress"]');
      return [track.getBoundingClientRect().width, track.firstElementChild.getBoundingClientRect().width];
    });
    assert.ok(Math.abs(widths[0] - widths[1]) < 1, `bar ${widths[1]} of ${widths[0]}`);
    screenshot('send-results-nl.png');

    await link.click();
    await byTestId(b, 'document-detail').waitForDisplayed({ timeout: 10_000 });
    assert.match(await byTestId(b, 'document-detail').getProperty('textContent'), /factuur kantoorartikelen\.pdf/);
    await byTestId(b, 'document-close').click();
  });
});
