/**
 * Tickets for loads that can finish out of order (a step to another document while the
 * previous one is reloaded for new data): `const current = ask()` before a load, and only
 * apply its answer while `current()` is true, i.e. no later load was asked for since.
 */
export function latestOnly(): () => () => boolean {
  let asked = 0;
  return () => {
    const mine = ++asked;
    return () => mine === asked;
  };
}
