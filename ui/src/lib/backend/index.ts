// The one module that talks to the Rust side. Nothing outside ui/src/lib/backend/
// imports @tauri-apps: components call these functions and can be tested with a mock.
import { commands, type AppInfo } from './bindings';

export type { AppInfo } from './bindings';

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
