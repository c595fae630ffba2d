// A backend for component tests: every function the UI may call, answering as an empty,
// online app would. Tests override what they look at.
import { vi } from 'vitest';

const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });

/** The whole backend module, with `overrides` replacing single functions. */
export function fakeBackend(overrides: Record<string, unknown> = {}) {
  return {
    appInfo: vi.fn(() => ok({ version: '1', dataFolder: '/d' })),
    signIn: vi.fn(),
    signInSandbox: vi.fn(),
    restoreSession: vi.fn(() => ok(null)),
    signOut: vi.fn(() => ok(null)),
    openSignUpPage: vi.fn(() => ok(null)),
    engineStatus: vi.fn(() =>
      ok({ signedIn: false, online: true, offlineSince: null, syncing: false, progress: null, lastSynced: null, lastError: null }),
    ),
    syncNow: vi.fn(() => ok({})),
    organisations: vi.fn(() => ok([])),
    organisation: vi.fn(),
    documents: vi.fn(() => ok({ rows: [], total: 0, totals: [], offset: 0 })),
    document: vi.fn(),
    onEngineChanges: vi.fn(() => Promise.resolve()),
    preflightFiles: vi.fn(() => ok([])),
    submitFiles: vi.fn(() => ok([])),
    outbox: vi.fn(() => ok([])),
    retryOutboxItem: vi.fn(() => ok(true)),
    removeOutboxItem: vi.fn(() => ok(true)),
    watchedFolders: vi.fn(() => ok([])),
    addWatchedFolder: vi.fn(() => ok(null)),
    removeWatchedFolder: vi.fn(() => ok(null)),
    createOrganisationFolder: vi.fn(() => ok('')),
    chooseFiles: vi.fn(() => ok([])),
    chooseFolder: vi.fn(() => ok(null)),
    onOutboxChanges: vi.fn(() => Promise.resolve()),
    desktopOverview: vi.fn(() => new Promise(() => {})),
    setNoticeEnabled: vi.fn(),
    setDesktopLanguage: vi.fn(() => ok(null)),
    setStartAtLogin: vi.fn(),
    openLogFolder: vi.fn(),
    checkForUpdate: vi.fn(),
    restartToUpdate: vi.fn(),
    onUpdateStatus: vi.fn(() => Promise.resolve(() => {})),
    onFilesOpened: vi.fn(() => Promise.resolve(() => {})),
    // People and receiving.
    users: vi.fn(() => ok({ canManage: true, environmentDomain: 'voorbeeld.nl', users: [] })),
    rolePresets: vi.fn(() => ok([])),
    checkAddress: vi.fn(),
    createUser: vi.fn(),
    setUserRole: vi.fn(),
    deleteUser: vi.fn(),
    members: vi.fn(),
    addMember: vi.fn(),
    removeMember: vi.fn(),
    profile: vi.fn(() => new Promise(() => {})),
    openPlatformProfile: vi.fn(() => ok(null)),
    receivePrompt: vi.fn(() => ok([])),
    decideReceivePrompt: vi.fn(() => ok(null)),
    setReceiving: vi.fn(),
    // What needs attention: nothing, for one organisation-less profile.
    attention: vi.fn(() => ok({ since: '2026-11-07', newSince: '2026-11-30', organisations: [] })),
    ...overrides,
  };
}
