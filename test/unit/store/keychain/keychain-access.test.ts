import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  KeychainCallError,
  WorkerKeychainAccess,
} from '../../../../src/store/keychain/keychain-access.js';

const FAKE = fileURLToPath(new URL('../../../helpers/fake-keyring/index.cjs', import.meta.url));
let access: WorkerKeychainAccess;
afterEach(() => access?.close());

describe('WorkerKeychainAccess (native calls on a worker thread)', () => {
  it('sets, gets and deletes through the worker; deleting nothing is false', async () => {
    access = new WorkerKeychainAccess('svc', { modulePath: FAKE, cooldownMs: 0 });
    expect(await access.get('a', 5000)).toBeNull();
    await access.set('a', 'value-1', 5000);
    expect(await access.get('a', 5000)).toBe('value-1');
    expect(await access.delete('a', 5000)).toBe(true);
    expect(await access.delete('a', 5000)).toBe(false);
  });

  it('a call blocked in the native library times out, and the next call gets a fresh worker', async () => {
    access = new WorkerKeychainAccess('svc', { modulePath: FAKE, cooldownMs: 0 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const frozen = await access.get('frozen', 300).catch((error: unknown) => error);
    clearInterval(ticker);
    expect(frozen).toBeInstanceOf(KeychainCallError);
    expect(frozen).toMatchObject({ timedOut: true });
    // The caller's event loop ran while the worker was blocked.
    expect(ticks).toBeGreaterThan(5);
    await access.set('b', 'after', 5000);
    expect(await access.get('b', 5000)).toBe('after');
  });

  it('calls queued behind a blocked one fail by their own bound, not later', async () => {
    access = new WorkerKeychainAccess('svc', { modulePath: FAKE, cooldownMs: 0 });
    const results = await Promise.allSettled([access.get('frozen', 300), access.get('other', 100)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ timedOut: true });
  });

  it('an error of the keychain is a KeychainCallError that did not time out, with its message', async () => {
    access = new WorkerKeychainAccess('svc', { modulePath: FAKE, cooldownMs: 0 });
    await expect(access.get('failing', 5000)).rejects.toMatchObject({
      timedOut: false,
      message: expect.stringMatching(/unlock prompt was dismissed/),
    });
  });

  it('after a timeout, calls fail at once for the cooldown instead of waiting again', async () => {
    access = new WorkerKeychainAccess('svc', { modulePath: FAKE, cooldownMs: 60_000 });
    await expect(access.get('frozen', 200)).rejects.toMatchObject({ timedOut: true });
    await expect(access.get('other', 60_000)).rejects.toMatchObject({
      timedOut: true,
      message: expect.stringMatching(/did not answer a moment ago/),
    });
  });
});
