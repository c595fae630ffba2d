// Small text helpers of the invoice view that are no locale formats (those are in format.ts).
import { isMessageKey, t } from '../../i18n/index.svelte';
import type { InvoiceParty } from '../../backend/invoice';

/** An IBAN in groups of four, as printed on paper ("NL91 ABNA 0417 1643 00"). */
export function groupIban(iban: string): string {
  return iban
    .replace(/\s+/g, '')
    .toUpperCase()
    .replace(/(.{4})(?=.)/g, '$1 ');
}

/** A unit of measure (UN/ECE rec. 20 code) in words, or the code when unknown. */
export function unitName(code: string | null): string {
  if (!code) return '';
  const key = `invoice.unit.${code}`;
  return isMessageKey(key) ? t(key) : code;
}

/** A VAT category (S, Z, E, AE, …) in words, or the code when unknown. */
export function vatCategory(code: string | null): string {
  if (!code) return '';
  const key = `invoice.vat.category.${code}`;
  return isMessageKey(key) ? t(key) : code;
}

/** The address lines of a party, without blanks. */
export function addressLines(party: InvoiceParty): string[] {
  const place = [party.postalZone, party.city].filter(Boolean).join('  ');
  return [party.street, party.additionalStreet, place, party.country && party.country !== 'NL' ? party.country : null].filter(
    (line): line is string => Boolean(line),
  );
}
