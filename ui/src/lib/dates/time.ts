// Times of day as people type them: 9:05, 09.05, 0905 or 21:30 become "09:05" / "21:30".

/** The time as `HH:MM` (24 hours), or null when it is not a time of day. */
export function parseTime(typed: string): string | null {
  const m = /^\s*(\d{1,2})(?:[:.]?(\d{2}))?\s*$/.exec(typed);
  if (!m) return null;
  const hours = Number(m[1]);
  const minutes = Number(m[2] ?? '0');
  if (hours > 23 || minutes > 59) return null;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/** Splits a local date-time (`YYYY-MM-DDTHH:MM`) into its date and time parts. */
export function splitDateTime(value: string): { date: string; time: string } {
  const [date = '', time = ''] = value.split('T');
  return { date, time: time.slice(0, 5) };
}
