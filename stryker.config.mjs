// @ts-check
// `npm run test:mutation` (mutation/run.ts) runs Stryker with this file, then
// writes docs/mutation-report.md. See README › Development › Mutation testing.
import { defenceRanges } from './mutation/defence-ranges.mjs';

/**
 * The security-critical modules and, in each, the declarations that carry a
 * defence (SECURITY.md). Messages, display and device-flow pacing are left out
 * to keep the run within its budget; `*` is the whole file.
 */
const DEFENCES = {
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
  // Refresh policy (DESIGN §6b)
  'src/refresh/refresh-policy.ts': ['*'],
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
