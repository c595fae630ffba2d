import { describe, expect, it } from 'vitest';
import { bilingualParts, platformText } from './platformText';

describe('platform texts in one language', () => {
  it('picks the Dutch or the English half of a bilingual text', () => {
    expect(platformText('Document ontvangen / Document received', 'nl')).toBe('Document ontvangen');
    expect(platformText('Document ontvangen / Document received', 'en')).toBe('Document received');
  });

  it('leaves a one-language text, an empty text and a text with several slashes as they are', () => {
    expect(platformText('Ontvanger onbekend in Peppol', 'en')).toBe('Ontvanger onbekend in Peppol');
    expect(platformText(null, 'nl')).toBe('');
    expect(bilingualParts('a / b / c')).toBeNull();
    expect(bilingualParts('KvK / ')).toBeNull();
  });
});
