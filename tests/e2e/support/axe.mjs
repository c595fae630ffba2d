// Runs axe-core in the real window and returns what it finds at the impacts we refuse.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Impacts that fail a screen; minor and moderate findings are reported, not failed. */
export const refusedImpacts = ['serious', 'critical'];

/**
 * Checks the current screen with axe-core (WCAG 2.0/2.1 A and AA rules) and returns its
 * serious and critical violations as readable lines, empty when there are none.
 */
export async function axeViolations(browser) {
  // The page's CSP does not apply to WebDriver's own scripts, so axe is injected as-is.
  await browser.execute(`if (!window.axe) { ${axeSource} }`);
  const violations = await browser.executeAsync((done) => {
    window.axe
      .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
      .then((result) =>
        done(
          result.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 3).join(' ')}`),
          })),
        ),
      )
      .catch((error) => done([{ id: 'axe-error', impact: 'critical', help: String(error), nodes: [] }]));
  });
  return violations
    .filter((v) => refusedImpacts.includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`);
}
