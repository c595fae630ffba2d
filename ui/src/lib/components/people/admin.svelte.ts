// Whether the signed-in user administers the environment, as the cache says after the
// last sync (the session's own flag is only as fresh as the sign-in). For the sidebar.
import { users } from '../../backend';
import { session } from '../../session.svelte';

// null until the cache answered: the session's flag stands in until then.
const state = $state({ admin: null as boolean | null });

/** True when the cache (or, before it answered, the session) says the user is an administrator. */
export function isAdmin(): boolean {
  return state.admin ?? session()?.isAdmin ?? false;
}

/** Asks the cache again; call it from an effect that follows `revision()`. */
export function refreshAdmin(): void {
  if (!session()) {
    state.admin = null;
    return;
  }
  users().then((outcome) => {
    state.admin = outcome.ok ? outcome.value.canManage : null;
  });
}
