// The "Datum" column shows the day the list sorts by: the invoice date, else the UTC day
// the document came in (not the local day of that moment).
import { describe, expect, it } from 'vitest';
import { documentDay } from './documentDay';
import { formatDate } from './format';

describe('documentDay', () => {
  it('is the invoice date when there is one', () => {
    expect(documentDay({ issueDate: '2026-10-28', createdAt: '2026-11-02T09:00:00Z' })).toBe('2026-10-28');
  });

  it('is the UTC day received or sent without one, shown as that calendar day', () => {
    const doc = { issueDate: null, createdAt: '2026-11-02T23:30:00Z' };
    expect(documentDay(doc)).toBe('2026-11-02');
    expect(formatDate(documentDay(doc))).toBe('02-11-2026');
  });

  it('orders documents as the store sorts them: by that day', () => {
    const docs = [
      { issueDate: null, createdAt: '2026-11-03T08:00:00Z' },
      { issueDate: '2026-11-05', createdAt: '2026-11-01T08:00:00Z' },
      { issueDate: '2026-10-30', createdAt: '2026-11-04T08:00:00Z' },
    ];
    const days = docs.map(documentDay).sort();
    expect(days).toEqual(['2026-10-30', '2026-11-03', '2026-11-05']);
  });
});
