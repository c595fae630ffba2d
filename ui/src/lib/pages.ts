/** The app's top-level pages, in sidebar order. */
export const pages = ['overview', 'organisations', 'documents', 'outbox', 'users', 'profile', 'settings', 'help'] as const;
export type Page = (typeof pages)[number];

/** A starting filter for Documenten, e.g. from a count on Overzicht. */
export type DocumentFilter = {
  party?: string;
  status?: 'Failed' | 'Rejected';
  direction?: 'sent' | 'received';
  /** First day, `YYYY-MM-DD`. */
  from?: string;
  /** Only received invoices without an answer. */
  unanswered?: boolean;
};
