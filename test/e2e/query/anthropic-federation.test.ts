import { join } from 'node:path';
import type { Options } from '@anthropic-ai/claude-agent-sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { getAuthHeaders } from '../../../src/credentials/auth-headers.js';
import { OAUTH_BETA } from '../../../src/credentials/resolved-credential.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { AuthenticationMiddleware, queryWithMiddleware } from '../../../src/query/middleware.js';
import {
  authenticatedQuery,
  query,
  queryWithApiKey,
  queryWithOAuth,
} from '../../../src/query/queries.js';
import { type FederatedJob, federatedJob } from '../../helpers/anthropic-federation.js';
import {
  type ClaudeSandbox,
  claudeSandbox,
  collect,
  replyText,
  subscriptionToken,
} from '../../helpers/claude-code-env.js';
import { type RecordingClaude, recordingClaude } from '../../helpers/recording-claude.js';
import { useMessagesApi } from '../../helpers/suite-fixtures.js';

const parts = useMessagesApi();
let sandbox: ClaudeSandbox;
let job: FederatedJob;
let launcher: RecordingClaude;

beforeEach(async () => {
  sandbox = await claudeSandbox(parts.api);
  job = await federatedJob(sandbox.home);
  launcher = await recordingClaude();
});

/** The JWT bearer grant (RFC 7523 §2.1) Claude Code exchanges the identity token with. */
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Each way into a query, given the job's `options` (the environment of the job and the sandbox). */
const ENTRY_POINTS: [string, (options: Options) => AsyncIterable<unknown>][] = [
  ['query', (options) => query({ prompt: 'Hello', options })],
  ['queryWithOAuth', (options) => queryWithOAuth({ prompt: 'Hello', options })],
  ['authenticatedQuery', (options) => authenticatedQuery({ prompt: 'Hello', options })],
  [
    'queryWithMiddleware + getAuthHeaders',
    (options) =>
      queryWithMiddleware({
        prompt: 'Hello',
        options,
        middleware: [
          new AuthenticationMiddleware({
            authHeadersProvider: ({ forceRefresh }) =>
              getAuthHeaders({ env: { ...process.env, ...options.env }, forceRefresh }),
          }),
        ],
      }),
  ],
];

function jobOptions(extra: Record<string, string> = {}): Options {
  return {
    env: { ...sandbox.env, ...job.env, ...extra },
    pathToClaudeCodeExecutable: launcher.path,
  };
}

describe('an Anthropic-federated job through the real Claude Code', { timeout: 60_000 }, () => {
  it.each(ENTRY_POINTS)(
    '%s: Claude Code exchanges the job’s identity token itself, with nothing removed',
    async (_name, run) => {
      const options = jobOptions();
      const { messages, error } = await collect(run(options) as AsyncIterable<never>);
      expect(error).toBeUndefined();
      expect(replyText(messages)).toBe(parts.api.reply);
      // The stand-in, as Anthropic's token endpoint, got the identity token from the file and the ids.
      const exchanges = parts.api.federationExchanges;
      expect(exchanges.length).toBeGreaterThan(0);
      for (const exchange of exchanges)
        expect(exchange).toMatchObject({
          grantType: JWT_BEARER,
          assertion: job.identityToken,
          federationRuleId: job.env.ANTHROPIC_FEDERATION_RULE_ID,
          organizationId: job.env.ANTHROPIC_ORGANIZATION_ID,
          serviceAccountId: job.env.ANTHROPIC_SERVICE_ACCOUNT_ID,
          beta: expect.stringContaining('oidc-federation-'),
        });
      // …and /v1/messages got the exchanged token, as Bearer with the OAuth beta.
      const issued = new Set(exchanges.map((exchange) => exchange.accessToken));
      expect(parts.api.messageRequests.length).toBeGreaterThan(0);
      for (const request of parts.api.messageRequests) {
        expect(issued.has(request.credential ?? '')).toBe(true);
        expect(request.headers['x-api-key']).toBeUndefined();
        expect(String(request.headers['anthropic-beta'])).toContain(OAUTH_BETA);
      }
      // Nothing the job set was removed or changed on the way to Claude Code.
      const child = await launcher.environment();
      expect(child).toMatchObject(options.env as Record<string, string>);
    },
  );

  it('an inherited ANTHROPIC_PROFILE, which would outrank the federation inside Claude Code, is removed', async () => {
    const options = jobOptions({ ANTHROPIC_PROFILE: 'someprofile' });
    const { messages, error } = await collect(queryWithOAuth({ prompt: 'Hello', options }));
    expect(error).toBeUndefined();
    expect(replyText(messages)).toBe(parts.api.reply);
    expect(parts.api.federationExchanges.length).toBeGreaterThan(0);
    expect(await launcher.environment()).not.toHaveProperty('ANTHROPIC_PROFILE');
  });

  it('a token file that cannot be read is refused before Claude Code starts (it would retry without end)', async () => {
    const missing = join(sandbox.home, 'not-written-yet');
    const { error } = await collect(
      queryWithOAuth({
        prompt: 'Hello',
        options: jobOptions({ ANTHROPIC_IDENTITY_TOKEN_FILE: missing }),
      }),
    );
    expect(error).toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
      fix: expect.stringMatching(/^point ANTHROPIC_IDENTITY_TOKEN_FILE at/),
    });
    expect(await launcher.environment()).toBeUndefined();
    expect(parts.api.requests).toEqual([]);
  });
});

describe('a stored credential answers instead: the federation variables compete and are removed', {
  timeout: 60_000,
}, () => {
  it.each(ENTRY_POINTS.filter(([name]) => name !== 'query'))(
    '%s: the stored profile’s token reaches the API, the federation variables never reach Claude Code',
    async (_name, run) => {
      const token = subscriptionToken();
      await sandbox.storage.saveToken(token);
      const { error } = await collect(run(jobOptions()) as AsyncIterable<never>);
      expect(error).toBeUndefined();
      expect(parts.api.federationExchanges).toEqual([]);
      expect(parts.api.messageRequests.map((request) => request.credential)).toEqual(
        parts.api.messageRequests.map(() => token.accessToken),
      );
      expect(parts.api.messageRequests.length).toBeGreaterThan(0);
      const child = (await launcher.environment()) ?? {};
      for (const name of Object.keys(job.env)) expect(child).not.toHaveProperty(name);
    },
  );

  it('queryWithApiKey: the explicit key is the credential; the federation variables are removed', async () => {
    const apiKey = 'sk-ant-api03-test-key-0000000000';
    const { error } = await collect(
      queryWithApiKey({ prompt: 'Hello', apiKey, options: jobOptions() }),
    );
    expect(error).toBeUndefined();
    expect(parts.api.federationExchanges).toEqual([]);
    for (const request of parts.api.messageRequests) expect(request.credential).toBe(apiKey);
    const child = (await launcher.environment()) ?? {};
    for (const name of Object.keys(job.env)) expect(child).not.toHaveProperty(name);
  });
});
