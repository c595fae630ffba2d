// The day the document list shows in its "Datum" column, sorts that column by (the
// store's `doc_date`) and exports: the invoice date, or else the day the document was
// received or sent. That day is the UTC calendar day of `createdAt`, as the period filter
// and the Overzicht counts read it, so a document never shows a day its sort or filter
// does not use.
import type { DocumentRow } from './backend';

/** The calendar day (`YYYY-MM-DD`) shown for a document. */
export function documentDay(doc: Pick<DocumentRow, 'issueDate' | 'createdAt'>): string {
  return doc.issueDate ?? doc.createdAt.slice(0, 10);
}
