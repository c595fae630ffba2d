/** The app's top-level pages, in sidebar order. */
export const pages = ['organisations', 'documents', 'outbox', 'settings'] as const;
export type Page = (typeof pages)[number];
