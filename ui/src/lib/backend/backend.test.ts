import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { appInfo } from './index';

afterEach(() => clearMocks());

describe('backend', () => {
  it('returns the app info the Rust command gives', async () => {
    mockIPC((cmd) => {
      if (cmd === 'app_info') return { version: '9.8.7', dataFolder: '/tmp/x' };
      throw new Error(`unexpected ${cmd}`);
    });
    const outcome = await appInfo();
    expect(outcome).toEqual({ ok: true, value: { version: '9.8.7', dataFolder: '/tmp/x' } });
  });

  it('passes a Rust error through as {code, message}', async () => {
    mockIPC(() => {
      throw { code: 'no_data_folder', message: 'none' };
    });
    const outcome = await appInfo();
    expect(outcome).toEqual({ ok: false, error: { code: 'no_data_folder', message: 'none' } });
  });

  it('reports a broken IPC bridge as ipc_unavailable', async () => {
    const outcome = await appInfo();
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe('ipc_unavailable');
  });
});
