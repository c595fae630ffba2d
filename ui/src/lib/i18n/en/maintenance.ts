// Maintenance: the banner and Settings → Maintenance.
import type { maintenance as nl } from '../nl/maintenance';

export const maintenance: Record<keyof typeof nl, string> = {
  'maintenance.banner': 'Maintenance until {time} — your files will be sent afterwards',
  'maintenance.banner.platform': 'The platform reports that it is under maintenance.',
  'maintenance.banner.scheduled': 'Scheduled maintenance window.',
  'maintenance.title': 'Maintenance windows',
  'maintenance.hint':
    'eConnect maintains the platform in a fixed time window. During a window the app waits with sending and then sends everything by itself; that does not count as a failed attempt. Times are Dutch time.',
  'maintenance.noPreset':
    'No window is preset: the public text of the help centre names no fixed day or time. When the platform itself reports maintenance, the app waits as long as the platform asks.',
  'maintenance.weekly': 'Every week',
  'maintenance.once': 'Once',
  'maintenance.weekday': 'Day',
  'maintenance.start': 'Start',
  'maintenance.end': 'End',
  'maintenance.minutes': 'Length (minutes)',
  'maintenance.day.monday': 'Monday',
  'maintenance.day.tuesday': 'Tuesday',
  'maintenance.day.wednesday': 'Wednesday',
  'maintenance.day.thursday': 'Thursday',
  'maintenance.day.friday': 'Friday',
  'maintenance.day.saturday': 'Saturday',
  'maintenance.day.sunday': 'Sunday',
  'maintenance.addWeekly': 'Add weekly window',
  'maintenance.addOnce': 'Add one-off window',
  'maintenance.remove': 'Remove',
  'maintenance.notice': 'Notice beforehand (minutes, 0 = none)',
  'maintenance.save': 'Save windows',
  'maintenance.saved': 'The windows were saved.',
  'maintenance.none': 'No windows.',
  'maintenance.next': 'Next window: {date} {start}–{end}',
  'maintenance.noNext': 'No window is scheduled.',
  'maintenance.activeNow': 'Under maintenance now until {time}.',
};
