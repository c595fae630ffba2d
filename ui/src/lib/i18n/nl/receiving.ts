// Ontvangen van e-facturen: de pop-up na het inloggen en de schakelaar per organisatie.
export const receiving = {
  'receiving.prompt.title': 'Ook e-facturen ontvangen?',
  'receiving.prompt.intro': 'Voor deze organisaties mag je ontvangen, maar staat het ontvangen van e-facturen uit.',
  'receiving.prompt.cost':
    'Ontvangen via Peppol is een betaalde dienst: elke ontvangen factuur gaat af van je transactietegoed. Daarom staat het bij een nieuwe organisatie standaard uit, en zet de app het alleen aan als jij dat kiest.',
  'receiving.prompt.later': 'Je kunt het later altijd aan- of uitzetten op de pagina van de organisatie.',
  'receiving.prompt.close': 'Sluiten',
  'receiving.enable': 'Inschakelen',
  'receiving.notNow': 'Niet nu',
  'receiving.never': 'Niet meer vragen',
  'receiving.busy': 'Bezig met aanmelden…',
  'receiving.result': 'Aangemeld voor ontvangst — status: {state}',
  'receiving.skipped': 'We vragen het bij de volgende keer inloggen opnieuw.',
  'receiving.neverAgain': 'We vragen het niet meer voor deze organisatie.',
  'receiving.switch.title': 'E-facturen ontvangen',
  'receiving.switch.cost': 'Betaalde dienst uit je transactietegoed; standaard uit.',
  'receiving.switch.enable': 'Ontvangen inschakelen',
  'receiving.switch.disable': 'Ontvangen uitschakelen',
  'receiving.switch.noPermission':
    'Je hebt niet het recht "ontvangen" voor deze organisatie, dus je kunt dit niet wijzigen. Vraag een beheerder.',
  'receiving.switch.nowOn': 'Ontvangen staat nu aan.',
  'receiving.switch.nowOff': 'Ontvangen staat nu uit.',
} as const;
