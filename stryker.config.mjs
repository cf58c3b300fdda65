// @ts-check
// `npm run test:mutation` (mutation/run.ts) runs Stryker with this file, then
// writes docs/mutation-report.md. See README › Development › Mutation testing.
import { defenceRanges } from './mutation/defence-ranges.mjs';

/**
 * The security-critical modules and, in each, the declarations that carry a
 * defence named in SECURITY.md; `*` is the whole file. Narrowed to these after
 * measuring: the whole of these modules is ~1,200 mutants, ~40 min on the
 * shared 2-core machine; these ~550 take about a quarter of that. Left out:
 * messages, display, device-flow pacing, discovery's issuer candidates, the
 * cause-chain redaction (src/errors/redact-cause.ts), the lock's waiting and
 * the Redis lease's waiting (its wake-ups and backoff).
 */
export const DEFENCES = {
  // OAuth flow and loopback listener (RFC 6749 §10.12, RFC 9207, RFC 7636, RFC 8252)
  'src/oauth/oauth-flow.ts': ['OAuthFlow.#exchange'],
  'src/oauth/loopback-listener.ts': ['PAGE_HEADERS', 'sameSecret', 'listenForCallback'],
  'src/oauth/loopback.ts': ['isLoopbackHost', 'isSecureEndpoint'],
  'src/oauth/pasted-response.ts': ['*'],
  // Provider endpoints and configuration (RFC 8414 §3.3, RFC 9700 §2.6)
  'src/oauth/provider-endpoints.ts': [
    'ENDPOINT_FIELDS',
    'requestOptions',
    'assertSecureEndpoints',
    'followingSameOrigin',
  ],
  'src/oauth/oauth-config.ts': ['endpointUrl', 'redirectUrl'],
  // Redaction
  'src/errors/redact.ts': ['*'],
  // Storage, secure files and the one-writer store (DESIGN §6, §6a)
  'src/store/file/secure-file.ts': [
    'MAX_PRIVATE_FILE_BYTES',
    'assertPrivateFile',
    'inspectFailed',
    'resolveFailed',
    'assertOwnTarget',
    'openFailed',
    'readFailed',
    'readPrivateFile',
    'readPrivateFileSync',
    'writePrivateFileAtomic',
  ],
  'src/store/file/file-credential-store.ts': ['FileCredentialStore.#write'],
  'src/store/file/file-lock.ts': ['Lease.confirm'],
  // The Redis store (DESIGN §6a): the compare-and-swap and the sealed record's
  // binding, the owner-compared lease, a TLS connection that verifies the server.
  // The Lua scripts themselves are strings Stryker cannot mutate inside: the
  // boundary tests (test/integration/store/redis-boundaries.test.ts) weaken them by hand.
  'src/store/redis/redis-credential-store.ts': [
    'RedisCredentialStore.transact',
    'RedisCredentialStore.#open',
    'RedisCredentialStore.#sealContext',
    'RedisCredentialStore.#compareAndSwap',
  ],
  'src/store/redis/redis-lease.ts': ['held'],
  'src/store/redis/redis-connection.ts': ['RedisConnection.#connect'],
  // The keychain store: fenced head write, abandoned parts removed, whole records only,
  // no kernel keyring for want of a session bus.
  'src/store/keychain/keychain-store.ts': [
    'KeychainCredentialStore.read',
    'KeychainCredentialStore.#write',
    'KeychainCredentialStore.#removeAbandonedWrite',
    'KeychainCredentialStore.#deleteParts',
  ],
  'src/store/keychain/keychain-record.ts': ['parseHead', 'joinRecord'],
  'src/store/keychain/keychain-selection.ts': ['keychainUnreachable'],
  // Refresh policy (DESIGN §6b) and the refresh's compare-and-swap (§7)
  'src/refresh/refresh-policy.ts': ['*'],
  'src/platform/timers.ts': ['*'],
  'src/refresh/token-manager.ts': ['TokenManager.#refreshInTransaction'],
  // Credential injection and where credentials may go
  'src/credentials/child-environment.ts': ['*'],
  'src/credentials/resolved-credential.ts': [
    'CREDENTIAL_ENV_VARS',
    'ResolvedCredential.toEnv',
    'credentialFromHeaders',
  ],
  'src/credentials/credential-destination.ts': [
    'assertSecureDestination',
    'destinationAllows',
    'sameBaseUrl',
  ],
};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'mutation/vitest.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.build.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: Object.entries(DEFENCES).flatMap(([file, names]) => defenceRanges(file, names)),
  // Module-level constants are mutated by the second, narrow pass (mutation/stryker.static.config.mjs).
  ignoreStatic: true,
  concurrency: 2,
  incremental: true,
  incrementalFile: 'mutation/stryker-incremental.json',
  ignorePatterns: [
    'dist',
    'docs',
    '.tools-build',
    'coverage',
    'bench',
    'sandbox',
    'examples',
    '*.tgz',
  ],
  tempDirName: '.stryker-tmp',
  reporters: ['json', 'progress', 'clear-text'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
};
