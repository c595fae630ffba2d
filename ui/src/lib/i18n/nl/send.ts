// Verzenden: de sleepzone, de organisatie per bestand en de resultaten als links.
export const send = {
  'send.drop.title': 'Sleep pdf-facturen hierheen of kies bestanden',
  'send.drop.body': 'Ook afbeeldingen en e-facturen (XML). Je ziet eerst de controle; er gaat pas iets weg als je op Verzenden klikt.',
  'send.drop.active': 'Laat los om te controleren',
  'send.drop.choose': 'Bestanden kiezen',
  'send.file.organisation': 'Organisatie voor {name}',
  'send.file.fromFolder': 'uit map',
  'send.allOrganisations': 'Voor alle bestanden',
  'send.allOrganisations.keep': 'Per bestand kiezen',
  'send.pickEach': 'Kies bij elk bestand voor welke organisatie het is.',
  'outbox.queue.openHint': 'Klik op de bestandsnaam om het document te openen.',
} as const;
