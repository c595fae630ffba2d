// Dates for the document filters: typed dd-mm-jjjj (nl) or dd/mm/yyyy (en) read into
// ISO dates, and the period presets (this month, last quarter, …) as ISO ranges.

/** An ISO date `YYYY-MM-DD` of a local calendar day. */
export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Whether year/month/day is a real calendar day. */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1 || year < 1000 || year > 9999) return false;
  return day <= new Date(year, month, 0).getDate();
}

/** What the user typed as an ISO date; `null` when it is not a real date. Accepts -, / or . between parts. */
export function parseTyped(text: string): string | null {
  const m = /^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isRealDate(year, month, day) ? isoDate(year, month, day) : null;
}

/** An ISO date as the user reads and types it: 31-12-2026 (nl) or 31/12/2026 (en). */
export function showTyped(iso: string | null | undefined, lang: 'nl' | 'en'): string {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})/.exec(iso) : null;
  if (!m) return '';
  const sep = lang === 'en' ? '/' : '-';
  return `${m[3]}${sep}${m[2]}${sep}${m[1]}`;
}

export const presets = ['all', 'thisMonth', 'lastMonth', 'thisQuarter', 'lastQuarter', 'thisYear', 'custom'] as const;
export type Preset = (typeof presets)[number];

/** The first and last day (ISO, inclusive) of a preset around `today`; nulls for all/custom. */
export function presetRange(preset: Preset, today: Date = new Date()): { from: string | null; to: string | null } {
  const y = today.getFullYear();
  const m = today.getMonth(); // 0-based
  const last = (year: number, month0: number) => new Date(year, month0 + 1, 0).getDate();
  const range = (y0: number, m0: number, y1: number, m1: number) => ({
    from: isoDate(y0, m0 + 1, 1),
    to: isoDate(y1, m1 + 1, last(y1, m1)),
  });
  switch (preset) {
    case 'thisMonth':
      return range(y, m, y, m);
    case 'lastMonth': {
      const py = m === 0 ? y - 1 : y;
      const pm = m === 0 ? 11 : m - 1;
      return range(py, pm, py, pm);
    }
    case 'thisQuarter': {
      const q = Math.floor(m / 3) * 3;
      return range(y, q, y, q + 2);
    }
    case 'lastQuarter': {
      const q = Math.floor(m / 3) * 3 - 3;
      const qy = q < 0 ? y - 1 : y;
      const qm = (q + 12) % 12;
      return range(qy, qm, qy, qm + 2);
    }
    case 'thisYear':
      return range(y, 0, y, 11);
    default:
      return { from: null, to: null };
  }
}
