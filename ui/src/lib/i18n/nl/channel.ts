// Instellingen → Ontvangen: hoe ontvangen facturen deze computer bereiken. Het
// platform heeft geen lijst van documenten; het meldt een ontvangen factuur via een hook.
export const channel = {
  'settings.tab.channel': 'Ontvangen',
  'hookChannel.title': 'Hoe ontvangen facturen hier komen',
  'hookChannel.intro':
    'eConnect heeft geen lijst met ontvangen facturen die de app kan opvragen. Het platform meldt elke ontvangen factuur op het moment dat hij binnenkomt. Kies waar die melding naartoe gaat.',
  'hookChannel.choice': 'Manier van ontvangen',
  'hookChannel.public': 'Deze computer is bereikbaar',
  'hookChannel.public.explain':
    'Voor een kantoorserver of NAS met een vast internetadres (meestal achter een reverse proxy met https). Het platform stuurt elke melding naar dat adres; de app haalt de factuur direct op en zet hem in de ontvangstmap.',
  'hookChannel.public.url': 'Openbaar adres (https)',
  'hookChannel.public.urlHint': 'Bijvoorbeeld https://facturen.mijnkantoor.nl/econnect. Alleen op deze computer zelf mag het http zijn.',
  'hookChannel.public.autoPort': 'Poort 0: de app kiest zelf een vrije poort op deze computer. Zo ontvangt de proefomgeving; voor een echte kantoorserver kies je een vaste poort.',
  'hookChannel.public.advanced': 'Adres en poort (geavanceerd)',
  'hookChannel.public.listen': 'Luisteren op',
  'hookChannel.public.listenHint': 'Het adres en de poort op deze computer waar de reverse proxy naartoe doorstuurt, bijvoorbeeld 127.0.0.1:8787.',
  'hookChannel.mail': 'Per e-mail',
  'hookChannel.mail.explain':
    'Het platform mailt elke ontvangen factuur, met de factuur als bijlage, naar het adres dat je hier opgeeft. Let op: de app ziet die facturen dan niet; ze staan alleen in die mailbox.',
  'hookChannel.mail.address': 'E-mailadres',
  'hookChannel.none': 'Niet ontvangen via de app',
  'hookChannel.none.explain':
    'De app meldt zich nergens voor aan. Ontvangen facturen zie je dan alleen op het webplatform van eConnect of in je boekhoudpakket.',
  'hookChannel.save': 'Opslaan',
  'hookChannel.saving': 'Bezig met opslaan…',
  'hookChannel.saved': 'Opgeslagen.',
  'hookChannel.test': 'Test de verbinding',
  'hookChannel.testing': 'Bezig met testen…',
  'hookChannel.state': 'Stand van zaken',
  'hookChannel.state.registered': 'Aangemeld bij eConnect',
  'hookChannel.state.notRegistered': 'Nog niet aangemeld bij eConnect',
  'hookChannel.state.listening': 'Ontvanger luistert op {addr}',
  'hookChannel.state.notListening': 'Ontvanger draait niet',
  'hookChannel.state.lastEvent': 'Laatste melding ontvangen: {time}',
  'hookChannel.state.noEvent': 'Nog geen melding ontvangen',
  'hookChannel.test.sent': 'Testmelding verstuurd. Komt hij aan, dan staat hieronder het tijdstip van de laatste melding.',
  'hookChannel.test.mailSent': 'Het platform stuurt een testbericht naar {address}.',
  'hookChannel.test.noOrganisation': 'Er is geen organisatie om de verbinding mee te testen.',
  'hookChannel.noPermission': 'Je mag geen hooks beheren in deze omgeving. Vraag een beheerder om dit in te stellen.',
  'hookChannel.others': 'Andere koppelingen (zoals je boekhoudpakket) houden hun eigen meldingen; de app verandert alleen wat zij zelf heeft aangemaakt.',
  'documents.coverage':
    'Hier staan de documenten die vanaf deze computer zijn verzonden ({sent}) en de facturen die via een melding van het platform zijn ontvangen ({received}). eConnect heeft geen lijst van alle documenten.',
} as const;
