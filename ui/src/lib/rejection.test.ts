import { describe, expect, it } from 'vitest';
import { adviceFor } from './rejection';

describe('adviceFor', () => {
  it('gives advice for rejections and failures only', () => {
    expect(adviceFor('Delivered', 'x')).toBeNull();
    expect(adviceFor('Rejected', 'Geen factuur herkend (bijv. herinnering) / Not an invoice')).toBe('rejection.advice.notInvoice');
    expect(adviceFor('Rejected', 'Document bevat meerdere documenten / Document contains multiple documents')).toBe('rejection.advice.multiple');
    expect(adviceFor('Failed', 'Ontvanger niet bereikbaar / Recipient not reachable')).toBe('rejection.advice.unreachable');
    expect(adviceFor('Failed', null)).toBe('rejection.advice.other');
  });
});
