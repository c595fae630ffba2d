// Instellingen's calls: maintenance schedule and state, theme, Peppol defaults,
// connection and subscription key, cache and CSV export. Errors are values, never thrown.
import { commands, events } from './bindings';
import type {
  CacheInfo,
  ConnectionInfo,
  CsvExport,
  DesktopSettings,
  DocumentQuery,
  MaintenanceSchedule,
  MaintenanceState,
  PeppolDefaults,
  Theme,
} from './bindings';

export type {
  CacheInfo,
  ConnectionInfo,
  CsvExport,
  MaintenanceSchedule,
  MaintenanceSource,
  MaintenanceState,
  OneOffWindow,
  PeppolDefaults,
  Theme,
  WeekDay,
  WeeklyWindow,
  WindowInfo,
} from './bindings';

/** An error as it crosses from Rust: a stable code and a detail message. */
export interface SettingsError {
  code: string;
  message: string;
}

/** The outcome of a call. */
export type SettingsOutcome<T> = { ok: true; value: T } | { ok: false; error: SettingsError };

type SpectaResult<T> = { status: 'ok'; data: T } | { status: 'error'; error: SettingsError };

async function settle<T>(run: () => Promise<SpectaResult<T>>): Promise<SettingsOutcome<T>> {
  try {
    const result = await run();
    return result.status === 'ok' ? { ok: true, value: result.data } : { ok: false, error: result.error };
  } catch (cause) {
    // Thrown only when the IPC bridge itself fails (e.g. the page runs outside Tauri).
    return { ok: false, error: { code: 'ipc_unavailable', message: String(cause) } };
  }
}

async function plain<T>(run: () => Promise<T>): Promise<SettingsOutcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (cause) {
    return { ok: false, error: { code: 'ipc_unavailable', message: String(cause) } };
  }
}

/** Whether maintenance is on now, and the next window. */
export function maintenanceState(): Promise<SettingsOutcome<MaintenanceState>> {
  return plain(() => commands.maintenanceState());
}

/** The maintenance windows the user entered. */
export function maintenanceSchedule(): Promise<SettingsOutcome<MaintenanceSchedule>> {
  return plain(() => commands.maintenanceSchedule());
}

/** Checks, applies and saves the schedule. */
export function setMaintenanceSchedule(schedule: MaintenanceSchedule): Promise<SettingsOutcome<MaintenanceState>> {
  return settle(() => commands.setMaintenanceSchedule(schedule));
}

/** Follows the maintenance state (the banner). */
export async function onMaintenanceChanged(handler: (state: MaintenanceState) => void): Promise<() => void> {
  try {
    return await events.maintenanceChanged.listen((event) => handler(event.payload));
  } catch {
    // Outside Tauri there are no events.
    return () => {};
  }
}

/** Saves light, dark or system. */
export function setTheme(theme: Theme): Promise<SettingsOutcome<DesktopSettings>> {
  return settle(() => commands.setTheme(theme));
}

/** The environment's Peppol defaults. */
export function peppolDefaults(): Promise<SettingsOutcome<PeppolDefaults>> {
  return settle(() => commands.peppolDefaults());
}

/** Changes the environment's Peppol defaults (administrators). */
export function setPeppolDefaults(defaults: PeppolDefaults): Promise<SettingsOutcome<PeppolDefaults>> {
  return settle(() => commands.setPeppolDefaults(defaults));
}

/** Environment, base URLs, subscription key stored or not. */
export function connectionInfo(): Promise<SettingsOutcome<ConnectionInfo>> {
  return settle(() => commands.connectionInfo());
}

/** Stores (or with null removes) the subscription key in the OS keyring. */
export function setSubscriptionKey(key: string | null): Promise<SettingsOutcome<ConnectionInfo>> {
  return settle(() => commands.setSubscriptionKey(key));
}

/** The cache's size and documents. */
export function cacheInfo(): Promise<SettingsOutcome<CacheInfo>> {
  return settle(() => commands.cacheInfo());
}

/** Empties the cache (the outbox stays) and syncs again. */
export function clearCache(): Promise<SettingsOutcome<CacheInfo>> {
  return settle(() => commands.clearCache());
}

/** Save dialog, then the documents as CSV; null when cancelled. */
export function exportDocumentsCsv(query: DocumentQuery): Promise<SettingsOutcome<CsvExport | null>> {
  return settle(() => commands.exportDocumentsCsv(query));
}
