import type { ChildProcess } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { childScript, kill, startNode, stdoutLines } from '../../helpers/child-process.js';
import { RotatingTokenEndpoint } from '../../helpers/rotating-token-endpoint.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { fakeSecret, oauthToken } from '../../helpers/tokens.js';

type Outcome = {
  removed?: boolean;
  revoked?: boolean;
  loggedIn?: boolean;
  accessToken?: string;
  error?: string;
};

interface Writer {
  readonly child: ChildProcess;
  readonly outcome: Promise<Outcome>;
  readonly waiting: Promise<string>;
  readonly paused: Promise<string>;
  /** How many dead holders' locks it took over so far (the owner record makes this exact). */
  readonly takeovers: () => number;
}

/**
 * Starts one writer process (test/helpers/children/store-writer.mjs); with
 * `pause`, it stops right before replacing or deleting the file, holding the lease.
 */
function writer(operation: string, path: string, pause = false, leaseMs = 10_000): Writer {
  const env = {
    ...process.env,
    STORE_WRITER_PAUSE: pause ? '1' : '0',
    STORE_WRITER_LEASE_MS: String(leaseMs),
  };
  const child = startNode(childScript('store-writer.mjs'), [operation, path], env);
  onTestFinished(() => kill(child));
  const lines = stdoutLines(child);
  const outcome = lines
    .until((line) => line.startsWith('{'))
    .then((line) => JSON.parse(line) as Outcome);
  const waiting = lines.until((line) => line === 'waiting');
  const takeovers = () => lines.seen().filter((line) => line === 'takeover').length;
  const paused = lines.until((line) => line === 'paused');
  // Not every writer waits or pauses; those that do not must not surface as unhandled.
  waiting.catch(() => undefined);
  paused.catch(() => undefined);
  return { child, outcome, waiting, paused, takeovers };
}

/**
 * An expired OAuth credential whose provider is `endpoint`, and a refresh of it
 * held in flight in another process (its request is at the token endpoint).
 */
async function refreshInFlight() {
  const storage = new TokenStorage(join(await tempDir(), 'tokens.json'));
  const endpoint = await RotatingTokenEndpoint.start(fakeSecret('refresh'));
  onTestFinished(() => endpoint.close());
  await storage.saveToken(
    oauthToken(-1_000, Date.now(), {
      refreshToken: endpoint.currentRefreshToken,
      provider: {
        clientId: 'race-client',
        tokenEndpoint: endpoint.url,
        revocationEndpoint: endpoint.revocationUrl,
      },
    }),
  );
  const hold = endpoint.holdNext();
  const refreshed = writer('refresh', storage.path).outcome;
  await hold.arrived;
  return { storage, endpoint, release: hold.release, refreshed };
}

/**
 * Runs `second` while the refresh is in flight and lets the refresh finish once
 * `second` has either finished (nothing stopped it) or found the lock held.
 */
async function whileRefreshing(second: Writer, release: () => void): Promise<Promise<Outcome>> {
  await Promise.race([second.outcome, second.waiting]);
  release();
  return second.outcome;
}

describe('every writer of a credential against a refresh in flight in another process', () => {
  it('logout: the credential stays gone (no resurrection) and the live refresh token is the one revoked', async () => {
    const { storage, endpoint, release, refreshed } = await refreshInFlight();
    const logout = await whileRefreshing(writer('logout', storage.path), release);
    expect(await logout).toEqual({ removed: true, revoked: true });
    expect((await refreshed).error).toBeUndefined();
    expect(await storage.loadToken()).toBeNull();
    expect(endpoint.refreshes).toBe(1);
    // The refresh landed first and logout removed its result: what it revoked are the live tokens.
    expect(new Set(endpoint.revoked)).toEqual(
      new Set([endpoint.currentRefreshToken, endpoint.lastAccessToken]),
    );
  });

  it('login --with-token: the new login wins over the old account’s refreshed token', async () => {
    const { storage, release, refreshed } = await refreshInFlight();
    const subscription = `sk-ant-oat01-${fakeSecret('new-login').replace(/[^A-Za-z0-9_-]/g, '')}-race`;
    const login = writer('login-with-token', storage.path);
    login.child.stdin?.write(`${subscription}\n`);
    const loggedIn = await whileRefreshing(login, release);
    expect(await loggedIn).toEqual({ loggedIn: true });
    expect((await refreshed).error).toBeUndefined();
    const stored = await storage.loadToken();
    expect(stored?.kind).toBe('claude-subscription');
    expect(stored?.accessToken).toBe(subscription);
  });

  it('refresh: the second process adopts the first one’s token; one request, no replay', async () => {
    const { storage, endpoint, release, refreshed } = await refreshInFlight();
    const second = await whileRefreshing(writer('refresh', storage.path), release);
    const [first, other] = await Promise.all([refreshed, second]);
    expect(first.accessToken).toBe(endpoint.lastAccessToken);
    expect(other.accessToken).toBe(endpoint.lastAccessToken);
    expect(endpoint.refreshes).toBe(1);
    expect(endpoint.invalidGrants).toBe(0);
    expect((await storage.loadToken())?.refreshToken).toBe(endpoint.currentRefreshToken);
  });
});

/** A subscription token as `claude setup-token` prints it, fake. */
const subscriptionToken = () =>
  `sk-ant-oat01-${fakeSecret('login').replace(/[^A-Za-z0-9_-]/g, '')}-race`;

type Step = { operation: 'login-with-token' | 'logout' | 'refresh'; token?: string };

/**
 * Runs `first` paused inside its transaction (right before its write), starts
 * `second`, waits until `second` finds the lease held, then lets `first` finish.
 */
async function inLockOrder(path: string, first: Step, second: Step) {
  const a = writer(first.operation, path, true);
  if (first.token !== undefined) a.child.stdin?.write(`${first.token}\n`);
  await a.paused;
  const b = writer(second.operation, path);
  if (second.token !== undefined) b.child.stdin?.write(`${second.token}\n`);
  await b.waiting;
  a.child.stdin?.write('continue\n');
  return { first: await a.outcome, second: await b.outcome };
}

describe('every writer against every other, in lock order across processes', () => {
  async function loggedIn() {
    const storage = new TokenStorage(join(await tempDir(), 'tokens.json'));
    const endpoint = await RotatingTokenEndpoint.start(fakeSecret('refresh'));
    onTestFinished(() => endpoint.close());
    await storage.saveToken(
      oauthToken(-1_000, Date.now(), {
        refreshToken: endpoint.currentRefreshToken,
        provider: { clientId: 'race-client', tokenEndpoint: endpoint.url },
      }),
    );
    return { storage, endpoint };
  }

  it('login then logout: logged out', async () => {
    const { storage } = await loggedIn();
    const token = subscriptionToken();
    const result = await inLockOrder(
      storage.path,
      { operation: 'login-with-token', token },
      { operation: 'logout' },
    );
    expect(result).toEqual({
      first: { loggedIn: true },
      second: { removed: true, revoked: false },
    });
    expect(await storage.loadToken()).toBeNull();
  });

  it('logout then login: the new login is stored', async () => {
    const { storage } = await loggedIn();
    const token = subscriptionToken();
    const result = await inLockOrder(
      storage.path,
      { operation: 'logout' },
      { operation: 'login-with-token', token },
    );
    expect(result.second).toEqual({ loggedIn: true });
    expect((await storage.loadToken())?.accessToken).toBe(token);
  });

  it('login then login: the later login is stored', async () => {
    const { storage } = await loggedIn();
    const [earlier, later] = [subscriptionToken(), subscriptionToken()];
    await inLockOrder(
      storage.path,
      { operation: 'login-with-token', token: earlier },
      { operation: 'login-with-token', token: later },
    );
    expect((await storage.loadToken())?.accessToken).toBe(later);
  });

  it('logout then logout: one removes, the other finds nothing', async () => {
    const { storage } = await loggedIn();
    const result = await inLockOrder(
      storage.path,
      { operation: 'logout' },
      { operation: 'logout' },
    );
    expect(result).toEqual({
      first: { removed: true, revoked: false },
      second: { removed: false, revoked: false },
    });
    expect(await storage.loadToken()).toBeNull();
  });

  it('login then refresh: the refresh serves the new login and spends nothing of the old account', async () => {
    const { storage, endpoint } = await loggedIn();
    const token = subscriptionToken();
    const result = await inLockOrder(
      storage.path,
      { operation: 'login-with-token', token },
      { operation: 'refresh' },
    );
    expect(result.second).toEqual({ accessToken: token });
    expect(endpoint.refreshes + endpoint.invalidGrants).toBe(0);
    expect((await storage.loadToken())?.accessToken).toBe(token);
  });

  it('logout then refresh: the refresh finds no credential, calls nothing, writes nothing', async () => {
    const { storage, endpoint } = await loggedIn();
    const result = await inLockOrder(
      storage.path,
      { operation: 'logout' },
      { operation: 'refresh' },
    );
    expect(result.second).toEqual({ error: 'NOT_LOGGED_IN' });
    expect(endpoint.refreshes + endpoint.invalidGrants).toBe(0);
    expect(await storage.loadToken()).toBeNull();
  });
});

describe('a writer killed while holding the lease', () => {
  it('is taken over once its lease runs out, exactly once, and the next writer lands whole', async () => {
    const storage = new TokenStorage(join(await tempDir(), 'tokens.json'));
    await storage.saveToken(oauthToken(3_600_000));
    const holder = writer('logout', storage.path, true, 1_000);
    await holder.paused;
    await kill(holder.child);
    const token = subscriptionToken();
    const next = writer('login-with-token', storage.path, false, 1_000);
    next.child.stdin?.write(`${token}\n`);
    expect(await next.outcome).toEqual({ loggedIn: true });
    expect(next.takeovers()).toBe(1);
    expect((await storage.loadToken())?.accessToken).toBe(token);
    expect(await readdir(dirname(storage.path))).toEqual(['tokens.json']);
  });
});
