import type { help as nl } from '../nl/help';

// Help: the nine help-centre topics in our own words, and the icon legend.
export const help: Record<keyof typeof nl, string> = {
  'nav.help': 'Help',
  'help.title': 'Help',
  'help.intro': "Short explanations of the eConnect help centre's topics, and where to find them in this app.",
  'help.back': '← All topics',
  'help.where': 'In this app',
  'help.open': 'Help: {topic}',
  'help.go': 'Go there',
  'help.setup.title': "How eConnect's platform is set up",
  'help.setup.summary': 'Environment, users and organisations: how they fit together.',
  'help.setup.body':
    'Everything starts with an environment: the place of your office or company at eConnect. An environment belongs to an e-mail domain, for example @yourfirm.nl.\n\nAn environment holds users (people who sign in) and organisations (the companies you send and receive invoices for). An accountant often has dozens of organisations in one environment.\n\nPer organisation a user has five permissions: send, receive, delete, manage integrations and change status. Without access to an organisation you do not see it.',
  'help.setup.where': 'Organisations shows everything you have access to; Users (for administrators) shows who is in the environment.',
  'help.signUp.title': 'Signing up and registering',
  'help.signUp.summary': 'Creating an account and signing in.',
  'help.signUp.body':
    "You create an environment and your first account on eConnect's web platform (also with a Microsoft or Google account). That is only possible there, not in this app.\n\nThen you sign in here with your e-mail address and password. With \"Remember me\" the app keeps your password in your operating system's keyring, never in a file.\n\nWant to look around first? Choose Sandbox: the app starts a practice copy of the platform with sample data. Nothing leaves your computer.",
  'help.signUp.where': 'The sign-in screen; the button to create an account opens the web platform.',
  'help.members.title': 'Giving users access to an organisation',
  'help.members.summary': 'Adding and removing members, with their permissions.',
  'help.members.body':
    'To see or send an organisation\'s documents you must be a member of that organisation. An administrator of the environment arranges that.\n\nOpen the organisation and choose the Members tab. With "+ Add member" you pick a user and a role (Basic user, Advanced user or Administrator) or switch the five permissions on yourself. Remove takes the access away again.\n\nIf you are not an administrator you only see your own access and why you cannot change anything.',
  'help.members.where': 'Organisations → an organisation → Members.',
  'help.users.title': 'Creating a user',
  'help.users.summary': 'New users, roles and initial passwords.',
  'help.users.body':
    'An administrator creates users on the Users page. The e-mail address is the user name. Choose a role and, if you like, the organisations the user may use right away.\n\nThe app makes a strong initial password and shows it once, with a copy button. Pass it on safely; the app does not keep it.\n\nThe platform joins users to an environment by e-mail domain. If you use an address on another domain the app warns you: that only works once support makes your environment "shared".\n\nThe platform keeps no roles, only five permissions per organisation. The app turns a role into those permissions, in one fixed place.',
  'help.users.where': 'Users in the menu (administrators only).',
  'help.receiving.title': 'Organisations pop-up – registering for receiving',
  'help.receiving.summary': 'Why the app asks whether you want to receive e-invoices.',
  'help.receiving.body':
    'Receiving e-invoices via Peppol costs money: it is taken from your transaction credit. That is why it is off by default for a new organisation.\n\nAfter you sign in, and when a new organisation appears, the app shows one window with the organisations you may receive for but where it is off. Per organisation you choose Switch on, Not now (we ask again next time) or Don\'t ask again (the app remembers).\n\nSwitching on registers the organisation with Peppol; the app shows what the platform answered.',
  'help.receiving.where': "The window after sign-in, and the switch on every organisation's page.",
  'help.maintenance.title': 'Standard maintenance window',
  'help.maintenance.summary': 'What the app does while the platform is in maintenance.',
  'help.maintenance.body':
    'eConnect works on the platform regularly. Usually you notice nothing, but sometimes the platform is briefly unavailable.\n\nThe app keeps a maintenance schedule that you can add to in Settings. Beforehand you see a notice; during maintenance a bar with the end time. Your files stay in the queue without failed attempts and go out by themselves afterwards.\n\nIf the platform says it is in maintenance outside the schedule, the app does the same and waits as long as the platform asks.',
  'help.maintenance.where': 'Settings → Maintenance, and the bar at the top during maintenance.',
  'help.icons.title': 'What the icons on the platform mean',
  'help.icons.summary': 'Channels and statuses in every document list.',
  'help.icons.body':
    'Every document in a list gets an icon for the channel it came in or went out through, and an icon for its status. Hover over one for a short explanation. All of them are below.',
  'help.icons.where': "Documents, and the documents on an organisation's page.",
  'help.emailAddresses.title': 'Adding an extra e-mail address',
  'help.emailAddresses.summary': 'More addresses to send PDF invoices from.',
  'help.emailAddresses.body':
    "PDF invoices you e-mail to an organisation's intake address (kvk@inkoopfacturen.econnect.eu or kvk@verkoopfacturen.econnect.eu) only arrive when they come from a known e-mail address. You can link extra addresses to your account.\n\nThe app checks the address and its domain. An address on another domain than your environment's only works once support makes your environment \"shared\"; that is a risk, because people outside your organisation can then send in too.\n\nThat is only possible on the web platform. So the app opens the web platform, where you add the address and finish with a confirmation link.",
  'help.emailAddresses.where': 'Profile in the menu: your addresses, the intake addresses with copy buttons, and Add an extra e-mail address.',
  'help.settings.title': 'Setting up the environment and personal details',
  'help.settings.summary': "Your own preferences and the environment's.",
  'help.settings.body':
    "Under Personal you choose your language, light or dark, which notifications you want and whether the app starts when you log in to your computer.\n\nAdministrators also see Environment: the environment's Peppol defaults and receiving per organisation. You also find the connection to eConnect, the watched folders, the maintenance schedule and your local data (clear local data).\n\nSettings are kept when you restart the app.",
  'help.settings.where': 'Settings in the menu.',
  'icons.legend.channels': 'Channels',
  'icons.legend.statuses': 'Statuses',
  'icons.idr.explain': 'A PDF or image (pdf, jpeg, jpg) delivered via scan & recognise and turned into an e-invoice by eConnect.',
  'icons.email.explain': 'An e-invoice (XML) delivered by e-mail.',
  'icons.econnect.explain': 'Sent or received between two organisations that are both on eConnect.',
  'icons.peppol.explain': "Sent or received via the Peppol network: the recipient has it through their own Peppol provider.",
  'icons.status.pending.explain': 'Received by eConnect, still being processed.',
  'icons.status.validated.explain': 'Checked and approved, ready to be sent.',
  'icons.status.routed.explain': 'On its way to the recipient.',
  'icons.status.delivered.explain': 'Delivered to the recipient.',
  'icons.status.rejected.explain': 'Refused, for example because it is not an invoice or the check failed. Open the document for the reason.',
  'icons.status.failed.explain': 'Failed: the recipient could not be reached or sending went wrong.',
};
