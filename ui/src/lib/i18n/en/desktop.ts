import type { desktop as nl } from '../nl/desktop';

// Desktop integration in Settings: notifications, start at login, logs, updates.
export const desktop: Record<keyof typeof nl, string> = {
  'desktop.notices.title': 'Notifications',
  'desktop.notices.hint':
    'Which notifications the app shows on your desktop. When many arrive at once, you get one summary.',
  'desktop.notice.fileSent': 'File sent',
  'desktop.notice.fileRefused': 'File refused (with the reason)',
  'desktop.notice.documentDelivered': 'Document delivered',
  'desktop.notice.documentRejected': 'Document rejected',
  'desktop.notice.invoiceReceived': 'Invoice received',
  'desktop.notice.maintenanceStarting': 'eConnect maintenance starting',
  'desktop.notice.signedOut': 'Signed out',
  'desktop.startup.title': 'Start-up',
  'desktop.startup.atLogin': 'Start eConnect Desktop when you log in (in the system tray)',
  'desktop.startup.tray':
    'When you close the window, the app keeps sending from the system tray. Choose Open or Quit there.',
  'desktop.logs.title': 'Log files',
  'desktop.logs.hint': 'For the help desk: the app’s log files are in {folder}.',
  'desktop.logs.open': 'Open log folder',
  'desktop.updates.title': 'Updates',
  'desktop.updates.idle': 'Not checked for updates yet.',
  'desktop.updates.checking': 'Checking for updates…',
  'desktop.updates.upToDate': 'You have the latest version.',
  'desktop.updates.downloading': 'Downloading version {version} ({progress})…',
  'desktop.updates.ready': 'Version {version} is ready.',
  'desktop.updates.failed': 'Checking for updates failed; the app tries again tomorrow.',
  'desktop.updates.byPackageManager':
    'This install (a .deb package) is updated by your package manager, e.g. with apt upgrade.',
  'desktop.updates.notPackaged': 'A development build does not update itself.',
  'desktop.updates.check': 'Check now',
  'desktop.updates.restart': 'Restart to update',
  'errors.settings_unsaved': 'The setting could not be saved. Check that you may write to the data folder.',
  'errors.autostart_failed': 'The operating system refused to change the start at login.',
  'errors.log_folder_unavailable': 'The log folder could not be opened.',
  'errors.update_failed': 'Updating failed. Please try again later.',
};
