// The Instellingen backend module for component tests: an admin's environment, no key,
// an empty schedule, a small cache. Tests replace single functions.
import { vi } from 'vitest';

const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });

/** The whole `lib/backend/settings` module, with `overrides` replacing single functions. */
export function fakeSettings(overrides: Record<string, unknown> = {}) {
  return {
    maintenanceState: vi.fn(() => ok({ active: false, source: null, until: null, untilClock: null, next: null })),
    maintenanceSchedule: vi.fn(() => ok({ weekly: [], once: [], noticeMinutes: 30 })),
    setMaintenanceSchedule: vi.fn(() => ok({ active: false, source: null, until: null, untilClock: null, next: null })),
    onMaintenanceChanged: vi.fn(() => Promise.resolve(() => {})),
    setTheme: vi.fn(() => ok({})),
    peppolDefaults: vi.fn(() => ok({ invoices: false, invoiceResponse: false, orders: false })),
    setPeppolDefaults: vi.fn((d: unknown) => ok(d)),
    connectionInfo: vi.fn(() =>
      ok({
        environment: 'sandbox',
        apiBase: 'http://127.0.0.1:1/',
        identityBase: 'http://127.0.0.1:1/',
        username: 'demo@voorbeeld.nl',
        isAdmin: true,
        subscriptionKeySet: false,
        keyringProblem: null,
      }),
    ),
    setSubscriptionKey: vi.fn(),
    cacheInfo: vi.fn(() => ok({ bytes: 3 * 1024 * 1024, documents: 240, path: '/d/cache.sqlite' })),
    clearCache: vi.fn(() => ok({ bytes: 40 * 1024, documents: 0, path: '/d/cache.sqlite' })),
    exportDocumentsCsv: vi.fn(() => ok({ path: '/tmp/documenten.csv', rows: 240 })),
    ...overrides,
  };
}
