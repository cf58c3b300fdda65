// @ts-check
// `npm run test:mutation` (mutation/run.ts) runs Stryker with this file, then
// writes docs/mutation-report.md. See README › Development › Mutation testing.
import { defenceRanges } from './mutation/defence-ranges.mjs';

/**
 * The security-critical modules and, in each, the declarations that carry a
 * defence (SECURITY.md). Messages, display and device-flow pacing are left out
 * to keep the run within its budget; `*` is the whole file.
 */
export const DEFENCES = {
  // OAuth flow and loopback listener (RFC 7636, RFC 6749 §10.12, RFC 9207, RFC 8252)
  'src/oauth/oauth-flow.ts': [
    'OAuthFlow.login',
    'OAuthFlow.#exchange',
    'OAuthFlow.#readPasted',
    'learnIssuerFromIdToken',
  ],
  'src/oauth/loopback-listener.ts': ['PAGE_HEADERS', 'sameSecret', 'listenForCallback'],
  'src/oauth/loopback.ts': ['*'],
  'src/oauth/pasted-response.ts': ['*'],
  // Provider endpoints and configuration (RFC 8414 §3.3, RFC 9700 §2.6)
  'src/oauth/provider-endpoints.ts': [
    'ENDPOINT_FIELDS',
    'requestOptions',
    'assertSecureEndpoints',
    'followingSameOrigin',
    'fetchMetadata',
    'resolveProviderEndpoints',
    'endpointsFromMetadata',
  ],
  'src/oauth/oauth-config.ts': ['endpointUrl', 'redirectUrl'],
  // Redaction
  'src/errors/redact.ts': ['*'],
  'src/errors/redact-cause.ts': ['*'],
  // Storage, secure files and the one-writer store (DESIGN §6, §6a)
  'src/storage/secure-file.ts': [
    'MAX_PRIVATE_FILE_BYTES',
    'assertPrivateFile',
    'resolveOwnedTarget',
    'readPrivateFile',
    'ensurePrivateDirectory',
    'writePrivateFileAtomic',
  ],
  'src/store/file-credential-store.ts': [
    'FileCredentialStore.read',
    'FileCredentialStore.transact',
    'FileCredentialStore.#current',
    'FileCredentialStore.#write',
  ],
  'src/storage/file-lock.ts': ['Lease.confirm'],
  // Refresh policy (DESIGN §6b) and the refresh's compare-and-swap (§7)
  'src/refresh/refresh-policy.ts': ['*'],
  'src/refresh/token-manager.ts': [
    'TokenManager.#refreshInTransaction',
    'TokenManager.#afterRefusedWrite',
    'TokenManager.#afterInvalidGrant',
  ],
  // Credential injection
  'src/query/child-environment.ts': ['*'],
  'src/auth/resolved-credential.ts': [
    'CREDENTIAL_ENV_VARS',
    'ResolvedCredential.toEnv',
    'ResolvedCredential.toHeaders',
    'ResolvedCredential.toJSON',
    'ResolvedCredential.toString',
    'credentialFromHeaders',
  ],
  'src/auth/credential-destination.ts': [
    'assertSecureDestination',
    'nonEmpty',
    'inheritedBaseUrlAllowed',
    'credentialDestination',
    'destinationAllows',
    'sameOrigin',
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
