// The one module that talks to the Rust side. Nothing outside ui/src/lib/backend/
// imports @tauri-apps: components call these functions and can be tested with a mock.
import { commands, events } from './bindings';
import type {
  AppInfo,
  DocumentDetail,
  DocumentPage,
  DocumentQuery,
  EngineChanged,
  EngineStatus,
  Organisation,
  OrganisationDetail,
  OrganisationQuery,
  SessionInfo,
  SignIn,
  SyncSummary,
  FolderStatus,
  OrgBinding,
  IntakeDirection,
  IntakeEvent,
  Layout,
  OutboxItem,
  Preflight,
  Submitted,
} from './bindings';

export type {
  FolderStatus,
  OrgBinding,
  IntakeDirection,
  IntakeEvent,
  Layout,
  OutboxItem,
  Preflight,
  Stage,
  Submitted,
  AppInfo,
  Channel,
  Direction,
  DocumentDetail,
  DocumentPage,
  DocumentQuery,
  DocumentRow,
  EngineChanged,
  EngineStatus,
  Environment,
  ErrorCode,
  Organisation,
  OrganisationDetail,
  Permissions,
  ReceiveState,
  SessionInfo,
  SignIn,
  SyncSummary,
} from './bindings';

/** An error as it crosses from Rust: a stable code and a detail message. */
export interface BackendError {
  code: string;
  message: string;
}

/** The outcome of a backend call; errors are values, never thrown. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: BackendError };

type SpectaResult<T, E> = { status: 'ok'; data: T } | { status: 'error'; error: E };

async function call<T>(run: () => Promise<SpectaResult<T, BackendError>>): Promise<Outcome<T>> {
  try {
    const result = await run();
    return result.status === 'ok'
      ? { ok: true, value: result.data }
      : { ok: false, error: result.error };
  } catch (cause) {
    // Thrown only when the IPC bridge itself fails (e.g. the page runs outside Tauri).
    return { ok: false, error: { code: 'ipc_unavailable', message: String(cause) } };
  }
}

/** The app's version and data folder. */
export function appInfo(): Promise<Outcome<AppInfo>> {
  return call(() => commands.appInfo());
}

/** Signs in (the sandbox environment needs no credentials). */
export function signIn(request: SignIn): Promise<Outcome<SessionInfo>> {
  return call(() => commands.signIn(request));
}

/** Starts the embedded sandbox (demo data) and signs in as its demo user. */
export function signInSandbox(): Promise<Outcome<SessionInfo>> {
  return call(() => commands.signInSandbox());
}

/** Signs in again with the password remembered in the keyring, if any. */
export function restoreSession(): Promise<Outcome<SessionInfo | null>> {
  return call(() => commands.restoreSession());
}

/** Signs out and forgets the remembered password. */
export function signOut(): Promise<Outcome<null>> {
  return call(() => commands.signOut());
}

/** Opens the platform's sign-up page in the browser. */
export function openSignUpPage(): Promise<Outcome<null>> {
  return call(() => commands.openSignUpPage());
}

/** Sync progress and connectivity. */
export function engineStatus(): Promise<Outcome<EngineStatus>> {
  return call(async () => ({ status: 'ok' as const, data: await commands.engineStatus() }));
}

/** Asks the engine to sync now. */
export function syncNow(): Promise<Outcome<SyncSummary>> {
  return call(() => commands.syncNow());
}

/** Organisations from the cache. */
export function organisations(query: OrganisationQuery): Promise<Outcome<Organisation[]>> {
  return call(() => commands.organisations(query));
}

/** One organisation with its counts. */
export function organisation(id: string): Promise<Outcome<OrganisationDetail>> {
  return call(() => commands.organisation(id));
}

/** A page of documents from the cache. */
export function documents(query: DocumentQuery): Promise<Outcome<DocumentPage>> {
  return call(() => commands.documents(query));
}

/** One document with its status history. */
export function document(id: string): Promise<Outcome<DocumentDetail>> {
  return call(() => commands.document(id));
}

/** Calls `handler` with every batched engine change; resolves once listening. */
export async function onEngineChanges(handler: (change: EngineChanged) => void): Promise<void> {
  try {
    await events.engineChanged.listen((event) => handler(event.payload));
  } catch {
    // Outside Tauri there are no events; the pages still work from explicit calls.
  }
}

// Desktop integration: notifications, start at login, log folder, updates.
export * from './desktop';
// People and receiving: users, members, profile, the receive pop-up.
export * from './people';
// What needs attention per organisation (Overzicht, Organisaties, the sidebar's badge).
export * from './attention';

/** Checks dropped, chosen or opened files before sending. */
export function preflightFiles(paths: string[], direction: IntakeDirection): Promise<Outcome<Preflight[]>> {
  return call(() => commands.preflightFiles(paths, direction));
}

/** Queues files for an organisation; `force` sends a duplicate anyway. */
export function submitFiles(
  party: string,
  direction: IntakeDirection,
  paths: string[],
  force: boolean,
): Promise<Outcome<Submitted[]>> {
  return call(() => commands.submitFiles(party, direction, paths, force));
}

/** The outbox, newest first. */
export function outbox(party: string | null): Promise<Outcome<OutboxItem[]>> {
  return call(() => commands.outbox(party));
}

/** Puts a failed file back in the queue. */
export function retryOutboxItem(id: string, force: boolean): Promise<Outcome<boolean>> {
  return call(() => commands.retryOutboxItem(id, force));
}

/** Hides a file from the outbox list. */
export function removeOutboxItem(id: string): Promise<Outcome<boolean>> {
  return call(() => commands.removeOutboxItem(id));
}

/** The watched folders and their health. */
export function watchedFolders(): Promise<Outcome<FolderStatus[]>> {
  return call(() => commands.watchedFolders());
}

/** Starts watching a folder chosen with `chooseFolder`. */
export function addWatchedFolder(path: string, layout: Layout, direction: IntakeDirection): Promise<Outcome<null>> {
  return call(() => commands.addWatchedFolder(path, layout, direction));
}

/** Stops watching a folder. */
export function removeWatchedFolder(path: string): Promise<Outcome<null>> {
  return call(() => commands.removeWatchedFolder(path));
}

/** Creates an organisation's subfolder in a watched root folder. */
export function createOrganisationFolder(
  root: string,
  party: string,
  name: string,
  direction: IntakeDirection,
): Promise<Outcome<string>> {
  return call(() => commands.createOrganisationFolder(root, party, name, direction));
}

/** The OS file dialog ("Bestanden kiezen…"). */
export function chooseFiles(): Promise<Outcome<string[]>> {
  return call(() => commands.chooseFiles());
}

/** The OS folder dialog; null when cancelled. */
export function chooseFolder(): Promise<Outcome<string | null>> {
  return call(() => commands.chooseFolder());
}

/** Calls `handler` with each file's intake progress. */
export async function onOutboxChanges(handler: (event: IntakeEvent) => void): Promise<void> {
  try {
    await events.outboxChanged.listen((event) => handler(event.payload));
  } catch {
    // Outside Tauri there are no events.
  }
}

