// Settings → Receiving: how received invoices reach this computer.
import type { channel as nl } from '../nl/channel';

export const channel: Record<keyof typeof nl, string> = {
  'settings.tab.channel': 'Receiving',
  'hookChannel.title': 'How received invoices get here',
  'hookChannel.intro':
    'eConnect has no list of received invoices that the app could ask for. The platform announces each received invoice the moment it arrives. Choose where that announcement goes.',
  'hookChannel.choice': 'Way of receiving',
  'hookChannel.public': 'This computer can be reached',
  'hookChannel.public.explain':
    'For an office server or NAS with a fixed internet address (usually behind a reverse proxy with https). The platform sends every announcement to that address; the app fetches the invoice at once and puts it in the receive folder.',
  'hookChannel.public.url': 'Public address (https)',
  'hookChannel.public.urlHint': 'For example https://invoices.myoffice.com/econnect. Only on this computer itself may it be http.',
  'hookChannel.public.autoPort': 'Port 0: the app picks a free port on this computer itself. That is how the sandbox receives; for a real office server, choose a fixed port.',
  'hookChannel.public.advanced': 'Address and port (advanced)',
  'hookChannel.public.listen': 'Listen on',
  'hookChannel.public.listenHint': 'The address and port on this computer that the reverse proxy forwards to, for example 127.0.0.1:8787.',
  'hookChannel.mail': 'By e-mail',
  'hookChannel.mail.explain':
    'The platform e-mails every received invoice, with the invoice attached, to the address you give here. Note: the app then does not see those invoices; they are only in that mailbox.',
  'hookChannel.mail.address': 'E-mail address',
  'hookChannel.none': 'Not through the app',
  'hookChannel.none.explain':
    'The app registers nothing. You then see received invoices only on the eConnect web platform or in your bookkeeping software.',
  'hookChannel.save': 'Save',
  'hookChannel.saving': 'Saving…',
  'hookChannel.saved': 'Saved.',
  'hookChannel.test': 'Test the connection',
  'hookChannel.testing': 'Testing…',
  'hookChannel.state': 'Current state',
  'hookChannel.state.registered': 'Registered with eConnect',
  'hookChannel.state.notRegistered': 'Not registered with eConnect yet',
  'hookChannel.state.listening': 'Receiver listening on {addr}',
  'hookChannel.state.notListening': 'Receiver not running',
  'hookChannel.state.lastEvent': 'Last announcement received: {time}',
  'hookChannel.state.noEvent': 'No announcement received yet',
  'hookChannel.test.sent': 'Test announcement sent. When it arrives, the time of the last announcement below changes.',
  'hookChannel.test.mailSent': 'The platform sends a test message to {address}.',
  'hookChannel.test.noOrganisation': 'There is no organisation to test the connection with.',
  'hookChannel.noPermission': 'You may not manage hooks in this environment. Ask an administrator to set this up.',
  'hookChannel.others': 'Other connections (such as your bookkeeping software) keep their own announcements; the app only changes what it created itself.',
  'documents.coverage':
    'This shows the documents sent from this computer ({sent}) and the invoices received through an announcement from the platform ({received}). eConnect has no list of all documents.',
};
