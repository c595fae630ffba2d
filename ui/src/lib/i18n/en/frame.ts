import type { frame as nlFrame } from '../nl/frame';

export const frame: Record<keyof typeof nlFrame, string> = {
  'app.name': 'eConnect Desktop',
  'app.tagline': 'E-invoices through eConnect',
  'nav.label': 'Main menu',
  'nav.organisations': 'Organisations',
  'nav.documents': 'Documents',
  'nav.outbox': 'Sending',
  'nav.settings': 'Settings',
  'common.loading': 'Loading…',
  'organisations.title': 'Organisations',
  'organisations.empty.title': 'No organisations yet',
  'organisations.empty.body':
    'After signing in you will see every organisation in your eConnect environment here: its KvK number, whether receiving is on and which rights you have. Also offline.',
  'documents.title': 'Documents',
  'documents.empty.title': 'No documents yet',
  'documents.empty.body':
    'All sent and received invoices of your organisations will show here, with their status from received to delivered or rejected. Search and filters work offline too.',
  'outbox.title': 'Sending',
  'outbox.empty.title': 'Nothing queued',
  'outbox.empty.body':
    'Save PDF invoices into a watched folder (one subfolder per organisation) or drop them on this window. Here you will see each organisation’s queue, the progress, and what failed and why.',
  'settings.title': 'Settings',
  'settings.language.title': 'Language',
  'settings.language.hint': 'The language of the app. Dutch is the default.',
  'settings.language.nl': 'Nederlands',
  'settings.language.en': 'English',
  'settings.about.title': 'About this app',
  'settings.about.version': 'Version',
  'settings.about.dataFolder': 'Data folder',
  'errors.title': 'Something went wrong',
  'errors.no_data_folder':
    'The operating system reports no folder for app data. Set ECONNECT_HOME to a folder you can write to.',
  'errors.ipc_unavailable':
    'The app environment does not respond. Restart eConnect Desktop; if that does not help, reinstall the app.',
  'errors.unknown': 'Unexpected error: {message}',
};
