import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import { type RefreshFunction, TokenManager } from '../../../src/refresh/token-manager.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import type { CredentialTransaction } from '../../../src/store/credential-store.js';
import type { AuthToken, ProviderMetadata } from '../../../src/token/auth-token.js';
import { scriptedServer } from '../../helpers/scripted-http-server.js';
import { wrapTransactions } from '../../helpers/store-wrappers.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { fakeSecret, oauthToken } from '../../helpers/tokens.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-01T12:00:00Z');
/** Past the stored token's expiry: every call must refresh. */
const LATER = NOW + 2 * HOUR;

/** A file store holding a one-hour token, read at {@link LATER}. */
async function expiredStorage(provider?: ProviderMetadata) {
  const storage = new TokenStorage(join(await tempDir(), 'tokens.json'), 'work');
  const first = oauthToken(HOUR, NOW, provider === undefined ? {} : { provider });
  await storage.saveToken(first);
  return { storage, first };
}

/** A refresh function that counts its calls and answers `next`. */
function answering(next: (token: AuthToken) => AuthToken) {
  const calls: AuthToken[] = [];
  const refresh: RefreshFunction = async (token) => {
    calls.push(token);
    return next(token);
  };
  return { calls, refresh };
}

const renewed = (token: AuthToken) =>
  token.with({ accessToken: fakeSecret('access'), expiresAt: new Date(LATER + HOUR) });

describe('TokenManager: the refresh request inside the transaction', () => {
  describe('a holder with less lease left than the request timeout does not send the refresh', () => {
    // refreshTimeoutMs 10 s, no lease named: the lease asked for is 15 s and the request bound 10 s.
    const REQUEST_TIMEOUT_MS = 10_000;

    /** The real file store, its transactions reporting `leaseLeftMs` of lease left. */
    function withLeaseLeft(storage: TokenStorage, leaseLeftMs: number) {
      return wrapTransactions(
        storage.store,
        (tx): CredentialTransaction => ({
          read: () => tx.read(),
          currentRevision: () => tx.currentRevision(),
          write: (next, expected) => tx.write(next, expected),
          leaseRemainingMs: () => leaseLeftMs,
        }),
      );
    }

    it('with 1 ms less lease than the timeout: STORAGE_LOCK_TIMEOUT, no request, the stored token intact', async () => {
      const { storage, first } = await expiredStorage();
      const { calls, refresh } = answering(renewed);
      const manager = new TokenManager({
        store: withLeaseLeft(storage, REQUEST_TIMEOUT_MS - 1),
        refresh,
        now: () => LATER,
        refreshTimeoutMs: REQUEST_TIMEOUT_MS,
      });
      await expect(manager.getValidToken()).rejects.toMatchObject({
        code: AuthErrorCode.STORAGE_LOCK_TIMEOUT,
      });
      expect(calls).toHaveLength(0);
      expect((await storage.loadToken())?.toInit()).toEqual(first.toInit());
    });

    it('with exactly the timeout left it sends the refresh and stores the result', async () => {
      const { storage } = await expiredStorage();
      const { calls, refresh } = answering(renewed);
      const manager = new TokenManager({
        store: withLeaseLeft(storage, REQUEST_TIMEOUT_MS),
        refresh,
        now: () => LATER,
        refreshTimeoutMs: REQUEST_TIMEOUT_MS,
      });
      const token = await manager.getValidToken();
      expect(calls).toHaveLength(1);
      expect((await storage.loadToken())?.accessToken).toBe(token.accessToken);
    });
  });

  it('refuses a rejected token that has no refresh token as REAUTH_REQUIRED with the login fix, before any request', async () => {
    const storage = new TokenStorage(join(await tempDir(), 'tokens.json'), 'work');
    await storage.saveToken(oauthToken(HOUR, NOW, { refreshToken: undefined }));
    const { calls, refresh } = answering(renewed);
    const manager = new TokenManager({ storage, refresh, now: () => NOW });
    manager.invalidate(await manager.getValidToken());
    await expect(manager.getValidToken()).rejects.toMatchObject({
      code: AuthErrorCode.REAUTH_REQUIRED,
      fix: 'claude-auth login --profile work',
    });
    expect(calls).toHaveLength(0);
  });

  it('aborts a refresh request to a token endpoint that never answers, with the manager’s timeout', async () => {
    let arrived = false;
    let cutOff: () => void = () => undefined;
    const endpointSawTheCut = new Promise<void>((resolve) => {
      cutOff = resolve;
    });
    // Reads the request, then never answers: only the client can end it.
    const url = await scriptedServer((request) => {
      arrived = true;
      request.resume();
      request.socket.once('close', cutOff);
    });
    const { storage, first } = await expiredStorage({
      clientId: 'test-client',
      tokenEndpoint: `${url}/token`,
    });
    let given: AbortSignal | undefined;
    const manager = new TokenManager({
      storage,
      now: () => LATER,
      // A 2-s lease bounds the request to half of it (1 s): the lease named wins over refreshTimeoutMs.
      lock: { staleMs: 2_000 },
      refreshTimeoutMs: 1_000,
      refresh: (token, { signal }) => {
        given = signal;
        // Without the manager's signal nothing here bounds the request: cancel it at once
        // rather than leave the test hanging (a cancel, not a timeout, is then reported).
        return refreshProviderToken(token, { signal: signal ?? AbortSignal.abort() });
      },
    });
    await expect(manager.getValidToken()).rejects.toMatchObject({
      code: AuthErrorCode.TOKEN_ENDPOINT_ERROR,
      message: expect.stringContaining('did not answer in time'),
    });
    expect(given?.reason).toMatchObject({ name: 'TimeoutError' });
    expect(arrived).toBe(true);
    await endpointSawTheCut;
    expect((await storage.loadToken())?.toInit()).toEqual(first.toInit());
  });

  describe('the refreshed record keeps what the refresh response leaves out', () => {
    const beforeIssuerLearnt: ProviderMetadata = {
      clientId: 'test-client',
      tokenEndpoint: 'https://login.example.test/token',
      apiBaseUrl: 'https://gateway.example.test',
    };
    const provider: ProviderMetadata = {
      ...beforeIssuerLearnt,
      issuer: 'https://login.example.test',
    };

    it('a response without provider or account keeps the stored ones (issuer, token endpoint, API base URL)', async () => {
      const { storage, first } = await expiredStorage(provider);
      const { refresh } = answering(() =>
        oauthToken(HOUR, LATER, { provider: undefined, account: undefined }),
      );
      await new TokenManager({ storage, refresh, now: () => LATER }).getValidToken();
      const stored = await storage.loadToken();
      expect(stored?.provider).toEqual(provider);
      expect(stored?.account).toEqual(first.account);
    });

    it('a response naming a provider and an account replaces the stored ones (an issuer learnt on refresh is kept)', async () => {
      const { storage } = await expiredStorage(beforeIssuerLearnt);
      const account = { subject: 'user-1', email: 'renamed@example.test' };
      const { refresh } = answering(() => oauthToken(HOUR, LATER, { provider, account }));
      await new TokenManager({ storage, refresh, now: () => LATER }).getValidToken();
      const stored = await storage.loadToken();
      expect(stored?.provider).toEqual(provider);
      expect(stored?.account).toEqual(account);
    });
  });
});
