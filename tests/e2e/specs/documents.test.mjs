// Documenten as a work table in the real window (demo sandbox): a period preset, two rows
// selected, the CSV export of the selection (BOM and semicolons), our own date picker,
// and screenshots in Dutch and English.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { byTestId, closeReceivePrompt, launchApp, screenshot } from '../support/app.mjs';

let app;
const saveFolder = mkdtempSync(join(tmpdir(), 'econnect-export-'));

before(async () => {
  app = await launchApp({ ECONNECT_TEST_SAVE_FOLDER: saveFolder });
  const submit = byTestId(app.browser, 'sign-in-submit');
  await submit.waitForDisplayed({ timeout: 20_000 });
  await submit.click();
  await closeReceivePrompt(app.browser);
});
after(async () => app?.stop());

async function rowCount(b) {
  return (await b.$$('[data-testid="document-row"]')).length;
}

test('a period preset filters the table and the totals row sums the filtered set', async () => {
  const b = app.browser;
  await byTestId(b, 'nav-documents').click();
  await b.waitUntil(async () => (await rowCount(b)) > 0, { timeout: 30_000, timeoutMsg: 'no documents' });
  const totals = byTestId(b, 'documents-totals-sum');
  // Sent demo invoices carry their customer and amount: the sum shows euros, Dutch style.
  await b.waitUntil(async () => /€\s?[\d.]+,\d\d/.test(await totals.getText()), {
    timeout: 20_000,
    timeoutMsg: 'no amount in the totals row',
  });
  assert.ok(statSync(screenshot('documents-nl.png')).size > 10_000);

  await byTestId(b, 'filter-period').selectByAttribute('value', 'thisYear');
  await b.waitUntil(async () => (await rowCount(b)) > 0, { timeout: 10_000 });
  assert.match(await byTestId(b, 'document-count').getText(), /Totaal: [\d.]+ documenten/);
  // The amount column's header sorts, and says how.
  const amount = byTestId(b, 'sort-amount');
  await amount.$('button').click();
  await b.waitUntil(async () => (await amount.getAttribute('aria-sort')) === 'descending', { timeout: 5_000 });
});

test('two selected rows export as a CSV that Dutch Excel opens in columns', async () => {
  const b = app.browser;
  const boxes = await b.$$('[data-testid="select-row"]');
  assert.ok(boxes.length >= 2);
  await boxes[0].click();
  await boxes[1].click();
  const bar = byTestId(b, 'bulk-bar');
  await bar.waitForDisplayed({ timeout: 5_000 });
  assert.equal(await byTestId(b, 'bulk-count').getText(), '2 geselecteerd');
  assert.ok(statSync(screenshot('documents-selection-nl.png')).size > 10_000);

  await byTestId(b, 'bulk-export').click();
  const message = byTestId(b, 'export-message');
  await message.waitForDisplayed({ timeout: 20_000 });
  assert.match(await message.getText(), /^2 documenten opgeslagen/);
  const bytes = readFileSync(join(saveFolder, 'documenten.csv'));
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
  const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
  assert.equal(lines.length, 3);
  assert.ok(lines[0].startsWith('Organisatie;Richting;Kanaal;Status;'), lines[0]);
  assert.equal(lines[1].split(';').length, 13);
  await byTestId(b, 'bulk-clear').click();
});

test('the custom period uses our own dd-mm-jjjj date picker, by keyboard', async () => {
  const b = app.browser;
  await byTestId(b, 'filter-period').selectByAttribute('value', 'custom');
  const from = byTestId(b, 'filter-from-text');
  await from.waitForDisplayed({ timeout: 5_000 });
  await from.setValue('31-02-2026');
  await b.keys('Enter');
  await byTestId(b, 'filter-from-error').waitForDisplayed({ timeout: 5_000 });
  await from.setValue('01-01-2026');
  await b.keys('Enter');
  await byTestId(b, 'filter-from-error').waitForDisplayed({ reverse: true, timeout: 5_000 });
  await byTestId(b, 'filter-to-open').click();
  const calendar = byTestId(b, 'filter-to-calendar');
  await calendar.waitForDisplayed({ timeout: 5_000 });
  assert.ok(statSync(screenshot('date-picker-nl.png')).size > 10_000);
  await b.keys('Escape');
  await calendar.waitForDisplayed({ reverse: true, timeout: 5_000 });
  await byTestId(b, 'filter-period').selectByAttribute('value', 'all');
});

test('the work table in English', async () => {
  const b = app.browser;
  await byTestId(b, 'nav-settings').click();
  await byTestId(b, 'settings-tab-personal').click();
  await byTestId(b, 'language-en').click();
  await byTestId(b, 'nav-documents').click();
  await b.waitUntil(async () => (await rowCount(b)) > 0, { timeout: 10_000 });
  assert.equal(await byTestId(b, 'filter-direction-all').getText(), 'All');
  assert.ok(statSync(screenshot('documents-en.png')).size > 10_000);
  await byTestId(b, 'nav-settings').click();
  await byTestId(b, 'language-nl').click();
});
