import type { send as nl } from '../nl/send';

// Verzenden: the drop zone, the organisation per file and the results as links.
export const send: Record<keyof typeof nl, string> = {
  'send.drop.title': 'Drop PDF invoices here or choose files',
  'send.drop.body': 'Images and e-invoices (XML) too. You see the check first; nothing is sent until you click Send.',
  'send.drop.active': 'Release to check',
  'send.drop.choose': 'Choose files',
  'send.file.organisation': 'Organisation for {name}',
  'send.file.fromFolder': 'from folder',
  'send.allOrganisations': 'For all files',
  'send.allOrganisations.keep': 'Choose per file',
  'send.pickEach': 'Choose for each file which organisation it is for.',
  'outbox.queue.openHint': 'Click the file name to open the document.',
};
