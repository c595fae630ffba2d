/** The app's top-level pages, in sidebar order. */
export const pages = ['organisations', 'documents', 'outbox', 'users', 'profile', 'settings', 'help'] as const;
export type Page = (typeof pages)[number];
