// The outbox as the UI shows it: rows from the cache, live progress from intake events,
// counts for the sidebar, and files handed over (dropped, chosen, opened) awaiting a choice.
import {
  type IntakeEvent,
  type OutboxItem,
  type Stage,
  onFilesOpened,
  onOutboxChanges,
  outbox as loadOutbox,
} from './backend';

const state = $state({
  items: [] as OutboxItem[],
  live: {} as Record<string, Stage>,
  handed: [] as string[],
  party: null as string | null,
  direction: 'purchase' as 'purchase' | 'sales',
});

let reloadTimer: ReturnType<typeof setTimeout> | undefined;

/** Rows of the outbox, newest first. */
export function items(): OutboxItem[] {
  return state.items;
}

/** The latest live stage of a row (progress), if an event arrived since the last reload. */
export function liveStage(id: string): Stage | undefined {
  return state.live[id];
}

/** Files waiting for the user to pick an organisation and confirm. */
export function handedFiles(): string[] {
  return state.handed;
}

/** Forgets the handed-over files (sent or cancelled). */
export function clearHandedFiles(): void {
  state.handed = [];
}

/** Forgets some handed-over files (those now in the queue). */
export function forgetHandedFiles(paths: string[]): void {
  const gone = new Set(paths);
  state.handed = state.handed.filter((path) => !gone.has(path));
}

/** Adds files to the pending hand-over (drop, dialog, "Openen met"). */
export function handOver(paths: string[]): void {
  state.handed = [...new Set([...state.handed, ...paths])];
}

/** The organisation chosen for drops, remembered for the session. */
export function dropParty(): string | null {
  return state.party;
}

/** Remembers the organisation chosen for drops. */
export function setDropParty(party: string | null): void {
  state.party = party;
}

/** Purchase or sales intake for drops. */
export function dropDirection(): 'purchase' | 'sales' {
  return state.direction;
}

/** Sets purchase or sales intake for drops. */
export function setDropDirection(direction: 'purchase' | 'sales'): void {
  state.direction = direction;
}

/** Files waiting or being sent, and files that failed: the sidebar's badges. */
export function counts(): { waiting: number; failed: number } {
  let waiting = 0;
  let failed = 0;
  for (const item of state.items) {
    if (item.state === 'queued' || item.state === 'sending') waiting++;
    else if (item.state === 'refused' || item.state === 'dead') failed++;
  }
  return { waiting, failed };
}

/** Reloads the rows from the cache. */
export async function reloadOutbox(): Promise<void> {
  const outcome = await loadOutbox(null);
  if (outcome.ok) {
    state.items = outcome.value;
    state.live = {};
  }
}

function onProgress(event: IntakeEvent) {
  if (event.outboxId) state.live = { ...state.live, [event.outboxId]: event.stage };
  // Upload progress arrives often; the row list itself is reloaded at most every 300 ms.
  if (event.stage.state !== 'uploaden') {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => void reloadOutbox(), 300);
  }
}

/** Starts listening to intake progress and handed-over files. */
export async function startOutbox(onHanded: () => void): Promise<void> {
  await onOutboxChanges(onProgress);
  await onFilesOpened((paths) => {
    handOver(paths);
    onHanded();
  });
  await reloadOutbox();
}
