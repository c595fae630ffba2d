// The app frame: sidebar, empty pages, Instellingen basics, errors.
export const frame = {
  'app.name': 'eConnect Desktop',
  'app.tagline': 'E-facturen via eConnect',
  'nav.label': 'Hoofdmenu',
  'nav.organisations': 'Organisaties',
  'nav.documents': 'Documenten',
  'nav.outbox': 'Verzenden',
  'nav.settings': 'Instellingen',
  'common.loading': 'Laden…',
  'organisations.title': 'Organisaties',
  'organisations.empty.title': 'Nog geen organisaties',
  'organisations.empty.body':
    'Na het inloggen zie je hier alle organisaties in je eConnect-omgeving: hun KvK-nummer, of ontvangen aan staat en welke rechten je hebt. Ook zonder internet.',
  'documents.title': 'Documenten',
  'documents.empty.title': 'Nog geen documenten',
  'documents.empty.body':
    'Hier komen alle verzonden en ontvangen facturen van je organisaties, met hun status van ontvangen tot afgeleverd of geweigerd. Zoeken en filteren werkt ook offline.',
  'outbox.title': 'Verzenden',
  'outbox.empty.title': 'Niets in de wachtrij',
  'outbox.empty.body':
    'Zet pdf-facturen in een gevolgde map (één submap per organisatie) of sleep ze op dit venster. Hier zie je per organisatie de wachtrij, de voortgang en wat er mislukte en waarom.',
  'settings.title': 'Instellingen',
  'settings.language.title': 'Taal',
  'settings.language.hint': 'De taal van de app. Nederlands is de standaard.',
  'settings.language.nl': 'Nederlands',
  'settings.language.en': 'English',
  'settings.about.title': 'Over deze app',
  'settings.about.version': 'Versie',
  'settings.about.dataFolder': 'Gegevensmap',
  'errors.title': 'Er ging iets mis',
  'errors.no_data_folder':
    'Het besturingssysteem geeft geen map voor app-gegevens. Stel ECONNECT_HOME in op een map waarin je mag schrijven.',
  'errors.ipc_unavailable':
    'De app-omgeving reageert niet. Start eConnect Desktop opnieuw; helpt dat niet, installeer de app dan opnieuw.',
  'errors.unknown': 'Onverwachte fout: {message}',
} as const;
