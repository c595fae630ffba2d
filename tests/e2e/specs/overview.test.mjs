// Overzicht in the real window: the start screen after sign-in, with the demo's failed,
// rejected and received invoices counted per organisation, worst first; a count opens
// Documenten filtered to that organisation and state (by mouse and by keyboard); the same
// counts and role names on Organisaties. Screenshots in Dutch, English and dark.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { byTestId, closeReceivePrompt, launchApp, screenshot } from '../support/app.mjs';

const KINDS = ['failed', 'rejected', 'new', 'unanswered', 'queued'];

/** Every row of Overzicht as { party, counts by kind }, in screen order. */
async function overviewRows(b) {
  return b.execute((kinds) => {
    return [...document.querySelectorAll('[data-testid="attention-row"]')].map((row) => {
      const counts = {};
      for (const kind of kinds) counts[kind] = Number(row.querySelector(`[data-testid="count-${kind}"]`)?.dataset.count ?? 0);
      return { party: row.dataset.party, counts };
    });
  }, KINDS);
}

/** Opens Instellingen → Persoonlijk. */
async function personalSettings(b) {
  await byTestId(b, 'nav-settings').click();
  await byTestId(b, 'settings-tab-personal').click();
}

describe('Overzicht (sandbox)', () => {
  let app;
  before(async () => {
    app = await launchApp();
  });
  after(async () => app?.stop());

  test('is the start screen and counts what needs attention, worst first', async () => {
    const b = app.browser;
    const submit = byTestId(b, 'sign-in-submit');
    await submit.waitForDisplayed({ timeout: 20_000 });
    await submit.click();
    await byTestId(b, 'page-overview').waitForDisplayed({ timeout: 30_000 });
    await closeReceivePrompt(b);
    assert.equal(await byTestId(b, 'page-title').getText(), 'Overzicht');
    assert.equal(await byTestId(b, 'nav-overview').getAttribute('aria-current'), 'page');

    // The tracker learns the demo's statuses and the hook brings its received invoices.
    await b
      .waitUntil(
        async () => {
          const rows = await overviewRows(b);
          return rows.some((r) => r.counts.rejected > 0) && rows.some((r) => r.counts.failed > 0) && rows.some((r) => r.counts.unanswered > 0);
        },
        { timeout: 90_000, interval: 1_000 },
      )
      .catch((e) => {
        screenshot('overview-debug.png');
        throw new Error(`no failed, rejected and unanswered counts on Overzicht: ${e.message}`);
      });
    const rows = await overviewRows(b);
    const problems = (r) => r.counts.failed + r.counts.rejected;
    const needing = (r) => problems(r) + r.counts.unanswered;
    for (let i = 1; i < rows.length; i++) {
      const [prev, next] = [rows[i - 1], rows[i]];
      assert.ok(problems(prev) > 0 || problems(next) === 0, `failures first: ${JSON.stringify(rows)}`);
      if (problems(prev) > 0 === problems(next) > 0) assert.ok(needing(prev) >= needing(next), `most needing first: ${JSON.stringify(rows)}`);
    }
    const badge = byTestId(b, 'overview-badge');
    await badge.waitForDisplayed({ timeout: 10_000 });
    const badgeLabel = await badge.getAttribute('aria-label');
    assert.match(badgeLabel, /^\d+ organisaties? (vragen|vraagt) aandacht$/);
    assert.equal(Number(await badge.getText()), rows.filter((r) => needing(r) > 0).length);
    screenshot('overview-nl.png');
  });

  test('a count opens Documenten filtered to that organisation and state', async () => {
    const b = app.browser;
    const [first] = await overviewRows(b);
    const row = b.$(`[data-testid="attention-row"][data-party="${first.party}"]`);
    const rejected = row.$('[data-testid="count-rejected"]');
    const expected = Number(await rejected.getAttribute('data-count'));
    assert.ok(expected > 0);
    assert.ok((await rejected.getSize('height')) >= 24, 'a count is at least 24 px high');
    await rejected.click();
    await byTestId(b, 'page-documents').waitForDisplayed({ timeout: 10_000 });
    assert.equal(await byTestId(b, 'filter-status').getValue(), 'Rejected');
    assert.equal(await byTestId(b, 'filter-organisation').getValue(), first.party);
    await b.waitUntil(async () => (await b.$$('[data-testid="document-row"]').length) === expected, {
      timeout: 10_000,
      timeoutMsg: `Documenten does not show the ${expected} rejected document(s) the count promised`,
    });
    for (const doc of await b.$$('[data-testid="document-row"]')) {
      assert.equal(await doc.$('[data-testid="document-status"]').getAttribute('data-status'), 'rejected');
    }

    // By keyboard: Tab to a count and Enter opens the unanswered received invoices.
    await byTestId(b, 'nav-overview').click();
    const withUnanswered = (await overviewRows(b)).find((r) => r.counts.unanswered > 0);
    const selector = `[data-testid="attention-row"][data-party="${withUnanswered.party}"] [data-testid="count-unanswered"]`;
    await b.$(selector).waitForDisplayed({ timeout: 10_000 });
    await b.execute((sel) => document.querySelector(sel).focus(), selector);
    assert.equal(await b.execute(() => document.activeElement?.dataset.testid), 'count-unanswered', 'a count takes focus');
    await b.keys('Enter');
    await byTestId(b, 'filter-unanswered-chip').waitForDisplayed({ timeout: 10_000 });
    assert.equal(await byTestId(b, 'filter-direction-received').getAttribute('aria-pressed'), 'true');
    await b.waitUntil(async () => (await b.$$('[data-testid="document-row"]').length) === withUnanswered.counts.unanswered, {
      timeout: 10_000,
      timeoutMsg: 'Documenten does not show the unanswered invoices the count promised',
    });
    screenshot('overview-documents-nl.png');
  });

  test('Organisaties shows the same counts and the role by name', async () => {
    const b = app.browser;
    await byTestId(b, 'nav-organisations').click();
    await byTestId(b, 'organisation-list').waitForDisplayed({ timeout: 10_000 });
    // The demo user has all five permissions everywhere: the role, by name, not letters.
    await b.waitUntil(
      async () => {
        const roles = await b.$$('[data-testid="organisation-row"] [data-testid="role"]');
        return roles.length === 12 && (await roles[0].getText()) === 'Beheerder';
      },
      { timeout: 10_000, timeoutMsg: 'the role is not named on Organisaties' },
    );
    assert.equal(await b.$('[data-testid="permissions"]').isExisting(), false, 'no permission letters');
    await b.waitUntil(async () => (await b.$$('[data-testid="organisation-row"] button[data-testid="count-rejected"]').length) > 0, {
      timeout: 10_000,
      timeoutMsg: 'no counts on Organisaties',
    });
    screenshot('organisations-nl.png');
  });

  test('in English and in the dark theme', async () => {
    const b = app.browser;
    await personalSettings(b);
    await byTestId(b, 'language-en').click();
    await byTestId(b, 'nav-overview').click();
    await byTestId(b, 'attention-list').waitForDisplayed({ timeout: 10_000 });
    assert.equal(await byTestId(b, 'page-title').getText(), 'Overview');
    assert.match(await byTestId(b, 'overview-badge').getAttribute('aria-label'), /organisations? needs? attention$/);
    screenshot('overview-en.png');
    await byTestId(b, 'nav-organisations').click();
    await byTestId(b, 'organisation-list').waitForDisplayed({ timeout: 10_000 });
    screenshot('organisations-en.png');

    await personalSettings(b);
    await byTestId(b, 'language-nl').click();
    await byTestId(b, 'theme-dark').click();
    assert.equal(await b.execute(() => document.documentElement.dataset.theme), 'dark');
    await byTestId(b, 'nav-overview').click();
    await byTestId(b, 'attention-list').waitForDisplayed({ timeout: 10_000 });
    screenshot('overview-dark-nl.png');
    await personalSettings(b);
    await byTestId(b, 'theme-system').click();
  });
});
