import type { receiving as nl } from '../nl/receiving';

// Receiving e-invoices: the pop-up after sign-in and the switch per organisation.
export const receiving: Record<keyof typeof nl, string> = {
  'receiving.prompt.title': 'Receive e-invoices too?',
  'receiving.prompt.intro': 'You may receive for these organisations, but receiving e-invoices is off.',
  'receiving.prompt.cost':
    'Receiving via Peppol is a paid service: every invoice received is taken from your transaction credit. That is why it is off by default for a new organisation, and the app only switches it on when you choose to.',
  'receiving.prompt.later': "You can always switch it on or off later on the organisation's page.",
  'receiving.prompt.close': 'Close',
  'receiving.enable': 'Switch on',
  'receiving.notNow': 'Not now',
  'receiving.never': "Don't ask again",
  'receiving.busy': 'Registering…',
  'receiving.result': 'Registered for receiving — state: {state}',
  'receiving.skipped': 'We will ask again the next time you sign in.',
  'receiving.neverAgain': 'We will not ask again for this organisation.',
  'receiving.switch.title': 'Receive e-invoices',
  'receiving.switch.cost': 'Paid service from your transaction credit; off by default.',
  'receiving.switch.enable': 'Switch receiving on',
  'receiving.switch.disable': 'Switch receiving off',
  'receiving.switch.noPermission':
    'You lack the "receive" permission for this organisation, so you cannot change this. Ask an administrator.',
  'receiving.switch.nowOn': 'Receiving is on now.',
  'receiving.switch.nowOff': 'Receiving is off now.',
};
