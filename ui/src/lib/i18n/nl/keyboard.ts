// Sneltoetsen (het overzicht, de organisatiekiezer) en het tijdveld.
export const keyboard = {
  'shortcuts.title': 'Sneltoetsen',
  'shortcuts.search': 'Zoeken op deze pagina',
  'shortcuts.next': 'Volgende regel',
  'shortcuts.previous': 'Vorige regel',
  'shortcuts.open': 'Regel openen',
  'shortcuts.close': 'Venster of paneel sluiten',
  'shortcuts.organisation': 'Naar een organisatie gaan',
  'shortcuts.help': 'Dit overzicht tonen',
  'shortcuts.close.button': 'Sluiten',
  'switcher.title': 'Naar organisatie',
  'switcher.search': 'Typ een naam of KvK-nummer',
  'switcher.none': 'Geen organisatie gevonden.',
  'switcher.hint': 'Pijltjes kiezen, Enter opent.',
  'time.placeholder': 'uu:mm',
  'time.invalid': 'Geen geldige tijd. Schrijf de tijd als uu:mm, bijvoorbeeld 22:00.',
} as const;
