import { describe, expect, it } from 'vitest';
import type { KeychainAccess } from '../../../../src/store/keychain/keychain-access.js';
import {
  announceFallback,
  assertKeychainUsable,
  probeKeychain,
  probeLocalStore,
} from '../../../../src/store/keychain/keychain-selection.js';
import { MemoryKeychain } from '../../../helpers/memory-keychain.js';

/** A keychain that works (an in-memory map) or fails every call with `failure`. */
function keychain(failure?: string): KeychainAccess & { calls: string[] } {
  const values = new Map<string, string>();
  const calls: string[] = [];
  const step = (name: string) => {
    calls.push(name);
    if (failure !== undefined) throw new Error(failure);
  };
  return {
    service: 'test',
    calls,
    get: async (account) => {
      step('get');
      return values.get(account) ?? null;
    },
    set: async (account, value) => {
      step('set');
      values.set(account, value);
    },
    delete: async (account) => {
      step('delete');
      return values.delete(account);
    },
    accounts: async () => {
      step('accounts');
      return [...values.keys()];
    },
  };
}

const bus = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/tmp/bus' };

describe('probeLocalStore (auto)', () => {
  it('auto picks the keychain only after a write, read and delete succeed', async () => {
    const probe = keychain();
    const selection = await probeLocalStore({
      source: 'CLAUDE_AUTH_STORE',
      env: bus,
      platform: 'linux',
      keychain: () => probe,
    });
    expect(selection).toEqual({
      backend: 'keychain',
      reason: 'CLAUDE_AUTH_STORE=auto: the keychain passed a write/read/delete probe',
    });
    expect(probe.calls).toEqual(['set', 'get', 'delete']);
  });

  it('auto picks the keychain in every process that starts at once: a probe never reads another probe', async () => {
    // Another process probing between this probe's write and its read-back (it
    // writes, reads and deletes its own entry) must not make this one fall back
    // to the file while that one uses the keychain: two backends, no common lease.
    const shared = new MemoryKeychain();
    let interleaved = false;
    shared.before = async (operation) => {
      if (operation !== 'get' || interleaved) return;
      interleaved = true;
      expect(await probeKeychain(shared, 3000)).toBeUndefined();
    };
    expect(await probeKeychain(shared, 3000)).toBeUndefined();
    expect(interleaved).toBe(true);
    expect([...shared.values.keys()]).toEqual([]);
  });

  it('auto falls back to the file, saying why, when the probe fails or on Linux without D-Bus', async () => {
    const locked = await probeLocalStore({
      source: '--store',
      env: bus,
      platform: 'darwin',
      keychain: () => keychain('User interaction is not allowed.'),
    });
    expect(locked.backend).toBe('file');
    expect(locked.reason).toBe(
      '--store=auto: the keychain is not usable (User interaction is not allowed.), so the file',
    );
    const probe = keychain();
    const noBus = await probeLocalStore({
      source: 'CLAUDE_AUTH_STORE',
      env: {},
      platform: 'linux',
      keychain: () => probe,
    });
    expect(noBus.reason).toMatch(/no D-Bus session bus/);
    expect(probe.calls).toEqual([]);
    // macOS and Windows need no bus.
    const mac = await probeLocalStore({
      source: 'CLAUDE_AUTH_STORE',
      env: {},
      platform: 'darwin',
      keychain: () => probe,
    });
    expect(mac.backend).toBe('keychain');
  });

  it('an explicit keychain that cannot be reached is refused with the fix, without touching it', () => {
    expect(() => assertKeychainUsable('--store', bus, 'linux')).not.toThrow();
    expect(() => assertKeychainUsable('--store', {}, 'linux')).toThrow(
      expect.objectContaining({
        code: 'STORE_UNAVAILABLE',
        fix: expect.stringMatching(/CLAUDE_AUTH_STORE=file/),
      }),
    );
  });

  it('announces a fallback once per process, and nothing for a chosen backend', () => {
    const lines: string[] = [];
    announceFallback({ backend: 'file', reason: 'r' }, (text) => lines.push(text));
    const fallback = { backend: 'file', reason: 'r', fallback: 'claude-auth: fell back' } as const;
    announceFallback(fallback, (text) => lines.push(text));
    announceFallback(fallback, (text) => lines.push(text));
    expect(lines).toEqual(['claude-auth: fell back\n']);
  });
});
