// The signed-in session and the engine's status, shared by every page. The engine pushes
// changes as events; pages re-query when `revision` moves. Nothing here polls.
import {
  type EngineStatus,
  type SessionInfo,
  engineStatus,
  onEngineChanges,
  restoreSession,
  signOut as backendSignOut,
} from './backend';

const state = $state({
  ready: false,
  session: null as SessionInfo | null,
  status: null as EngineStatus | null,
  revision: 0,
});

/** The current session, or null on the sign-in screen. */
export function session(): SessionInfo | null {
  return state.session;
}

/** The engine's sync and connectivity status. */
export function status(): EngineStatus | null {
  return state.status;
}

/** Moves whenever cached data changed; pages read it to reload. */
export function revision(): number {
  return state.revision;
}

/** Whether start-up (restoring a remembered session) has finished. */
export function ready(): boolean {
  return state.ready;
}

/** Called by the sign-in page once the engine accepted the user. */
export function sessionStarted(info: SessionInfo): void {
  state.session = info;
  state.revision++;
}

/** Signs out and returns to the sign-in screen. */
export async function signOut(): Promise<void> {
  await backendSignOut();
  state.session = null;
}

/** Restores a remembered session and starts listening to the engine. */
export async function startSession(): Promise<void> {
  await onEngineChanges((change) => {
    state.status = change.status;
    if (change.dataChanged) state.revision++;
  });
  const restored = await restoreSession();
  if (restored.ok) state.session = restored.value;
  const current = await engineStatus();
  if (current.ok) state.status = current.value;
  state.ready = true;
}
