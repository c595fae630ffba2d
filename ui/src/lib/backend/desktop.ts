// Desktop integration calls: notifications, start at login, log folder, updates, and the
// events the shell sends (update progress, files handed over by the OS).
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import {
  commands,
  events,
  type DesktopOverview,
  type DesktopSettings,
  type Language,
  type NoticeKind,
  type UpdateStatus,
} from './bindings';

export type {
  DesktopOverview,
  DesktopSettings,
  Language,
  NoticeKind,
  UpdateStatus,
  UpdateSupport,
} from './bindings';

/** An error as it crosses from Rust: a stable code and a detail message. */
interface DesktopCallError {
  code: string;
  message: string;
}

/** The outcome of a desktop call; errors are values, never thrown. */
export type DesktopOutcome<T> = { ok: true; value: T } | { ok: false; error: DesktopCallError };

type SpectaResult<T> = { status: 'ok'; data: T } | { status: 'error'; error: DesktopCallError };

function bridgeDown(cause: unknown): DesktopOutcome<never> {
  // Thrown only when the IPC bridge itself fails (e.g. the page runs outside Tauri).
  return { ok: false, error: { code: 'ipc_unavailable', message: String(cause) } };
}

async function settle<T>(run: () => Promise<SpectaResult<T>>): Promise<DesktopOutcome<T>> {
  try {
    const result = await run();
    return result.status === 'ok' ? { ok: true, value: result.data } : { ok: false, error: result.error };
  } catch (cause) {
    return bridgeDown(cause);
  }
}

async function plain<T>(run: () => Promise<T>): Promise<DesktopOutcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (cause) {
    return bridgeDown(cause);
  }
}

/** The UI event with the update status. */
const UPDATE_EVENT = 'desktop://update';
/** The UI event with files the OS handed to the app. */
const FILES_OPENED_EVENT = 'desktop://files-opened';

/** Notifications, start at login, update status and log folder. */
export function desktopOverview(): Promise<DesktopOutcome<DesktopOverview>> {
  return plain(() => commands.desktopOverview());
}

/** Switches one kind of notification on or off. */
export function setNoticeEnabled(kind: NoticeKind, on: boolean): Promise<DesktopOutcome<DesktopSettings>> {
  return settle(() => commands.setNoticeEnabled(kind, on));
}

/** Tells the tray and notifications which language the UI speaks. */
export function setDesktopLanguage(language: Language): Promise<DesktopOutcome<null>> {
  return settle(() => commands.setDesktopLanguage(language));
}

/** Starts the app at login (or stops); gives the state the OS reports after. */
export function setStartAtLogin(on: boolean): Promise<DesktopOutcome<boolean>> {
  return settle(() => commands.setStartAtLogin(on));
}

/** Opens the log folder in the file manager. */
export function openLogFolder(): Promise<DesktopOutcome<null>> {
  return settle(() => commands.openLogFolder());
}

/** Checks for an update now. */
export function checkForUpdate(): Promise<DesktopOutcome<UpdateStatus>> {
  return plain(() => commands.checkForUpdate());
}

/** Installs the downloaded update and restarts the app. */
export function restartToUpdate(): Promise<DesktopOutcome<null>> {
  return settle(() => commands.restartToUpdate());
}

/** Calls `handler` with every update status; resolves to a function that stops it. */
export async function onUpdateStatus(handler: (status: UpdateStatus) => void): Promise<UnlistenFn> {
  try {
    return await listen<UpdateStatus>(UPDATE_EVENT, (event) => handler(event.payload));
  } catch {
    // Outside Tauri there are no events; the status from desktopOverview still shows.
    return () => {};
  }
}

/** Calls `handler` with the paths of files opened with the app. */
export async function onFilesOpened(handler: (paths: string[]) => void): Promise<UnlistenFn> {
  try {
    return await listen<string[]>(FILES_OPENED_EVENT, (event) => handler(event.payload));
  } catch {
    return () => {};
  }
}

/** Whether sending is paused (tray or Verzenden). */
export function sendingPaused(): Promise<DesktopOutcome<boolean>> {
  return plain(() => commands.sendingPaused());
}

/** Pauses or resumes sending, as the tray's "Verzenden pauzeren/hervatten" does. */
export function setSendingPaused(paused: boolean): Promise<DesktopOutcome<boolean>> {
  return plain(() => commands.setSendingPaused(paused));
}

/** Calls `handler` whenever sending is paused or resumed (also from the tray). */
export async function onSendingPaused(handler: (paused: boolean) => void): Promise<UnlistenFn> {
  try {
    return await events.sendingPaused.listen((event) => handler(event.payload));
  } catch {
    return () => {};
  }
}
