import type { Options } from '@anthropic-ai/claude-agent-sdk';
import { ClaudeAuth, type ClaudeAuthOptions } from '../credentials/claude-auth.js';
import { credentialText, ResolvedCredential } from '../credentials/resolved-credential.js';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import type { OAuthConfig } from '../oauth/oauth-config.js';
import { AuthenticatedQuery, type CredentialSession, type Prompt } from './authenticated-query.js';

/** Parameters every query function takes. */
export interface QueryParams {
  prompt: Prompt;
  /** The agent SDK's options; `env` is merged over `process.env`, not in place of it. */
  options?: Options;
}

/** The environment Claude Code will see, which is where the chain must look too. */
function queryEnv(params: QueryParams & { auth?: ClaudeAuthOptions }): NodeJS.ProcessEnv {
  return params.auth?.env ?? { ...process.env, ...params.options?.env };
}

/** A session backed by a {@link ClaudeAuth}: renewable and rotated before expiry. */
async function sessionFrom(auth: ClaudeAuth): Promise<CredentialSession> {
  const credential = await auth.resolveCredential();
  return {
    credential,
    renew: (rejected) => auth.renew(rejected),
    rotationDue: (current) => auth.rotationDue(current),
    rotate: (current) => auth.rotate(current),
  };
}

/**
 * The agent SDK's `query()` with `options.env` merged over `process.env` (the
 * official one replaces the environment). It injects nothing, so an
 * `ANTHROPIC_API_KEY` in the environment keeps working as before.
 *
 * @example
 * ```ts
 * for await (const message of query({ prompt: 'Hello' })) console.log(message);
 * ```
 */
export function query(params: QueryParams): AuthenticatedQuery {
  return new AuthenticatedQuery({ ...params, session: async () => undefined });
}

/**
 * A query authenticated with an API key, passed to Claude Code as
 * `ANTHROPIC_API_KEY` with every competing credential variable removed.
 *
 * @throws {@link AuthenticationError} `CONFIG_INVALID` (on iteration) for an empty key or one with spaces.
 */
export function queryWithApiKey(params: QueryParams & { apiKey: string }): AuthenticatedQuery {
  return new AuthenticatedQuery({
    ...params,
    session: async () => {
      const apiKey = credentialText(
        typeof params.apiKey === 'string' ? params.apiKey : undefined,
        'The API key',
      );
      if (apiKey === undefined) {
        throw new AuthenticationError(AuthErrorCode.CONFIG_INVALID, 'The API key is empty.', {
          fix: 'pass the key exactly as the Anthropic Console shows it',
        });
      }
      return {
        credential: new ResolvedCredential({ kind: 'api-key', source: 'option', secret: apiKey }),
      };
    },
  });
}

/**
 * A query authenticated with OAuth only: the profile's stored credential
 * (refreshed when due, and renewed while the query runs), else
 * `CLAUDE_CODE_OAUTH_TOKEN`, else Claude Code's own login.
 *
 * @param params - The prompt, options, and the profile (default: the default profile).
 * @throws {@link AuthenticationError} `NO_CREDENTIALS` or `REAUTH_REQUIRED` before anything is spawned.
 */
export function queryWithOAuth(
  params: QueryParams & { profile?: string; auth?: ClaudeAuthOptions },
): AuthenticatedQuery {
  return new AuthenticatedQuery({
    ...params,
    session: () =>
      sessionFrom(
        new ClaudeAuth({
          ...params.auth,
          env: queryEnv(params),
          ...(params.profile !== undefined && { profile: params.profile }),
          useOAuth: true,
          apiKeyFallback: false,
        }),
      ),
  });
}

/** Parameters of {@link authenticatedQuery}: the guide's `use_oauth`, `api_key`, `oauth_config`. */
export interface AuthenticatedQueryOptions extends QueryParams {
  /** Try OAuth first. Default `true`. */
  useOAuth?: boolean;
  /** The API key: the fallback with `useOAuth`, else the credential. */
  apiKey?: string;
  /** A provider to log in to, interactively, when the profile has no credential. */
  oauthConfig?: OAuthConfig;
  /** The profile to use. */
  profile?: string;
  /** Further resolution options (storage, windows, fetch). */
  auth?: ClaudeAuthOptions;
}

/**
 * A query with flexible authentication: OAuth first (stored profile,
 * `CLAUDE_CODE_OAUTH_TOKEN`, Claude Code's login), then the API key
 * (`apiKey`, then `ANTHROPIC_API_KEY`).
 *
 * @example
 * ```ts
 * for await (const m of authenticatedQuery({ prompt: 'Hello', useOAuth: true, apiKey: fallbackKey })) …
 * ```
 */
export function authenticatedQuery(params: AuthenticatedQueryOptions): AuthenticatedQuery {
  return new AuthenticatedQuery({
    prompt: params.prompt,
    ...(params.options !== undefined && { options: params.options }),
    session: () =>
      sessionFrom(
        new ClaudeAuth({
          ...params.auth,
          env: queryEnv(params),
          useOAuth: params.useOAuth ?? true,
          ...(params.apiKey !== undefined && { apiKey: params.apiKey }),
          ...(params.oauthConfig !== undefined && { oauthConfig: params.oauthConfig }),
          ...(params.profile !== undefined && { profile: params.profile }),
        }),
      ),
  });
}
