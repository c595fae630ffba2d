import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { desktopOverview, setNoticeEnabled } from './desktop';

afterEach(() => clearMocks());

describe('desktop backend', () => {
  it('passes the switch to Rust and returns the saved settings', async () => {
    let received: unknown = null;
    mockIPC((cmd, args) => {
      if (cmd !== 'set_notice_enabled') throw new Error(`unexpected ${cmd}`);
      received = args;
      return { notifications: { fileSent: false } };
    });
    const outcome = await setNoticeEnabled('fileSent', false);
    expect(received).toEqual({ kind: 'fileSent', on: false });
    expect(outcome).toEqual({ ok: true, value: { notifications: { fileSent: false } } });
  });

  it('passes a Rust error through as {code, message}', async () => {
    mockIPC(() => {
      throw { code: 'settings_unsaved', message: 'read-only' };
    });
    const outcome = await setNoticeEnabled('signedOut', true);
    expect(outcome).toEqual({ ok: false, error: { code: 'settings_unsaved', message: 'read-only' } });
  });

  it('reports a broken IPC bridge as ipc_unavailable', async () => {
    const outcome = await desktopOverview();
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe('ipc_unavailable');
  });
});
