// Receiving by hook in the real window: the platform has no list of received
// invoices, so the demo's invoices reach the app the way they reach any installation: the
// embedded sandbox posts signed hooks to the app's own receiver. Instellingen → Ontvangen
// shows that receiver, and Documenten shows the invoices and says what it covers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { byTestId, closeReceivePrompt, launchApp, screenshot } from '../support/app.mjs';

describe('received invoices arrive by hook in the demo', () => {
  let app;
  before(async () => {
    app = await launchApp();
  });
  after(async () => app?.stop());

  test('the demo signs in and its receiver is registered and has heard from the platform', async () => {
    const b = app.browser;
    const submit = byTestId(b, 'sign-in-submit');
    await submit.waitForDisplayed({ timeout: 20_000 });
    await submit.click();
    await byTestId(b, 'page-overview').waitForDisplayed({ timeout: 30_000 });
    await closeReceivePrompt(b);

    await byTestId(b, 'nav-settings').click();
    await byTestId(b, 'settings-tab-channel').click();
    const section = byTestId(b, 'receive-channel');
    await section.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await byTestId(b, 'channel-public').isSelected(), true, 'the demo receives on this computer');
    // The state is read when the tab opens: reopen it until the first hook has arrived.
    await b.waitUntil(
      async () => {
        await byTestId(b, 'settings-tab-personal').click();
        await byTestId(b, 'settings-tab-channel').click();
        const last = byTestId(b, 'channel-last-event');
        return (await last.isExisting()) && /Laatste melding ontvangen/.test(await last.getText());
      },
      { timeout: 30_000, interval: 1_000, timeoutMsg: 'no hook event reached the app' },
    );
    assert.equal(await byTestId(b, 'channel-registered').getAttribute('data-registered'), 'true');
    assert.match(await byTestId(b, 'channel-listening').getText(), /127\.0\.0\.1:\d+/);
    screenshot('settings-receive-channel-nl.png');

    // Per e-mail is explained, with what it means for the app.
    await byTestId(b, 'channel-mail').click();
    await byTestId(b, 'channel-mail-address-input').waitForDisplayed({ timeout: 5_000 });
    assert.match(await section.getText(), /de app ziet die facturen dan niet/);
    screenshot('settings-receive-channel-mail-nl.png');
  });

  test('Documenten shows the invoices that came by hook and says what it covers', async () => {
    const b = app.browser;
    await byTestId(b, 'nav-documents').click();
    const coverage = byTestId(b, 'documents-coverage');
    await coverage.waitForDisplayed({ timeout: 10_000 });
    await byTestId(b, 'filter-direction-received').click();
    await b.waitUntil(async () => (await b.$$('[data-testid="document-row"]').length) > 0, {
      timeout: 30_000,
      timeoutMsg: 'no received invoice in Documenten',
    });
    const receivedCount = async () => Number((await coverage.getText()).match(/zijn ontvangen \((\d+)\)/)?.[1] ?? 0);
    await b.waitUntil(async () => (await receivedCount()) > 0, {
      timeout: 30_000,
      timeoutMsg: 'the coverage line counts no received invoice',
    });
    assert.match(await coverage.getText(), /vanaf deze computer zijn verzonden \(\d+\)/);
    screenshot('documents-received-by-hook-nl.png');
  });
});
