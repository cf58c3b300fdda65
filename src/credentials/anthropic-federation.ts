import { readFile } from 'node:fs/promises';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { credentialText } from './resolved-credential.js';

/**
 * Anthropic's workload identity federation, as the bundled Claude Code
 * 2.1.332 implements it *(observed: its strings, and runs against the
 * Messages-API stand-in of the tests)*:
 *
 * - it is on when `ANTHROPIC_FEDERATION_RULE_ID` and `ANTHROPIC_ORGANIZATION_ID`
 *   are both set; the identity token is read from `ANTHROPIC_IDENTITY_TOKEN_FILE`
 *   (again at every exchange: CI platforms rewrite it) or, without one, from
 *   `ANTHROPIC_IDENTITY_TOKEN`;
 * - it posts JSON to `${ANTHROPIC_BASE_URL}/v1/oauth/token` (https, or http on
 *   loopback only) with `anthropic-beta: oauth-2025-04-20,oidc-federation-2026-04-01`:
 *   `{grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer" (RFC 7523 §2.1),
 *   assertion: <identity token>, federation_rule_id, organization_id,
 *   service_account_id?, workspace_id?}`, and sends the `access_token` of the
 *   answer to `/v1/messages` as `Authorization: Bearer` with the OAuth beta;
 * - `ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN` and `CLAUDE_CODE_OAUTH_TOKEN`
 *   each beat it (no exchange is made); it beats Claude Code's own login;
 * - an identity token file that cannot be read makes it retry without end
 *   rather than fail: claude-auth checks the file before Claude Code starts.
 *
 * claude-auth never exchanges the identity token itself (DESIGN §6d): the
 * federation is a link of the resolution chain that hands these variables to
 * Claude Code untouched.
 */

/** The variable naming the federation rule; with the organization, it turns federation on. */
const FEDERATION_RULE_VARIABLE = 'ANTHROPIC_FEDERATION_RULE_ID';
/** The variable naming the organization the rule belongs to. */
const ORGANIZATION_VARIABLE = 'ANTHROPIC_ORGANIZATION_ID';
/** The variable naming the service account the rule maps the workload to (optional). */
const SERVICE_ACCOUNT_VARIABLE = 'ANTHROPIC_SERVICE_ACCOUNT_ID';
/** The variable naming the workspace, for rules scoped to several (optional). */
const WORKSPACE_VARIABLE = 'ANTHROPIC_WORKSPACE_ID';
/** The variable naming the file the platform writes the job's identity token to. */
const IDENTITY_TOKEN_FILE_VARIABLE = 'ANTHROPIC_IDENTITY_TOKEN_FILE';
/** The variable holding the identity token itself (used when no file is named). */
const IDENTITY_TOKEN_VARIABLE = 'ANTHROPIC_IDENTITY_TOKEN';

/** Where the identity token comes from (never the token itself). */
export type IdentityTokenSource =
  | { readonly from: 'file'; readonly path: string }
  | { readonly from: 'variable'; readonly variable: 'ANTHROPIC_IDENTITY_TOKEN' };

/** A federation configured in the environment, described without its identity token. */
export interface AnthropicFederation {
  readonly ruleId: string;
  readonly organizationId: string;
  readonly serviceAccountId?: string;
  readonly workspaceId?: string;
  readonly identityToken: IdentityTokenSource;
}

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = env[name]?.trim();
  return text === undefined || text === '' ? undefined : text;
}

function invalid(message: string, fix: string, secrets: string[] = []): AuthenticationError {
  return new AuthenticationError(AuthErrorCode.CONFIG_INVALID, message, { fix, secrets });
}

/** The `exp` claim of a JWT, read without verifying it (the token endpoint verifies). */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const exp: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The identity token of the configured source, checked as far as can be without sending it. */
async function identityToken(env: NodeJS.ProcessEnv): Promise<[IdentityTokenSource, string]> {
  const path = value(env, IDENTITY_TOKEN_FILE_VARIABLE);
  if (path !== undefined) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw invalid(
        `${IDENTITY_TOKEN_FILE_VARIABLE} names ${path}, which cannot be read (${code}); Claude Code would retry the token exchange without end.`,
        `point ${IDENTITY_TOKEN_FILE_VARIABLE} at the file your CI platform writes the job's identity token to, or unset it`,
      );
    }
    const token = text.trim();
    if (token === '')
      throw invalid(
        `${IDENTITY_TOKEN_FILE_VARIABLE} names ${path}, which is empty.`,
        `write the job's identity token to ${path} before the query (or point ${IDENTITY_TOKEN_FILE_VARIABLE} at the file that holds it)`,
      );
    return [{ from: 'file', path }, token];
  }
  const token = credentialText(env[IDENTITY_TOKEN_VARIABLE], IDENTITY_TOKEN_VARIABLE);
  if (token === undefined)
    throw invalid(
      `${FEDERATION_RULE_VARIABLE} is set, but no identity token is: neither ${IDENTITY_TOKEN_FILE_VARIABLE} nor ${IDENTITY_TOKEN_VARIABLE}.`,
      `export ${IDENTITY_TOKEN_FILE_VARIABLE}=/path/to/the/job/identity-token`,
    );
  return [{ from: 'variable', variable: IDENTITY_TOKEN_VARIABLE }, token];
}

/**
 * The Anthropic workload identity federation the environment configures, if
 * any, checked before Claude Code is started with it. It counts as configured
 * when `ANTHROPIC_FEDERATION_RULE_ID` or an identity token variable is set
 * (`ANTHROPIC_ORGANIZATION_ID` alone is not: other tools read it); then the
 * rule, the organization and a readable, non-empty, unexpired identity token
 * must all be there.
 *
 * @param env - The environment Claude Code will get.
 * @param now - The clock, in epoch milliseconds (for the identity token's `exp`).
 * @returns The federation, described without the identity token; `undefined` when none is configured.
 * @throws {@link AuthenticationError} `CONFIG_INVALID`, whose fix names the variable to set; the identity token never appears in it.
 * @see RFC 7523 §2.1 (the JWT bearer grant Claude Code uses for the exchange)
 */
export async function readAnthropicFederation(
  env: NodeJS.ProcessEnv,
  now: number = Date.now(),
): Promise<AnthropicFederation | undefined> {
  const ruleId = value(env, FEDERATION_RULE_VARIABLE);
  const tokenSet =
    value(env, IDENTITY_TOKEN_FILE_VARIABLE) !== undefined ||
    value(env, IDENTITY_TOKEN_VARIABLE) !== undefined;
  if (ruleId === undefined && !tokenSet) return undefined;
  if (ruleId === undefined)
    throw invalid(
      `An Anthropic identity token is set (${IDENTITY_TOKEN_FILE_VARIABLE} or ${IDENTITY_TOKEN_VARIABLE}), but ${FEDERATION_RULE_VARIABLE} is not, so Claude Code would not use it.`,
      `export ${FEDERATION_RULE_VARIABLE}=fdrl_…   # the federation rule, from the Claude Console's Workload identity page`,
    );
  const organizationId = value(env, ORGANIZATION_VARIABLE);
  if (organizationId === undefined)
    throw invalid(
      `${FEDERATION_RULE_VARIABLE} is set, but ${ORGANIZATION_VARIABLE} is not; Claude Code needs both for workload identity federation.`,
      `export ${ORGANIZATION_VARIABLE}=…   # the organization's ID, from the Claude Console`,
    );
  const [source, token] = await identityToken(env);
  const expiresAt = jwtExpiry(token);
  if (expiresAt !== undefined && expiresAt <= now)
    throw invalid(
      `The identity token ${source.from === 'file' ? `in ${source.path}` : `in ${IDENTITY_TOKEN_VARIABLE}`} expired at ${new Date(expiresAt).toISOString()}.`,
      source.from === 'file'
        ? `have your CI platform write a fresh identity token to ${source.path} (they live minutes), then run the query again`
        : `set ${IDENTITY_TOKEN_VARIABLE} to a fresh identity token, or better ${IDENTITY_TOKEN_FILE_VARIABLE} to the file your platform keeps fresh`,
      [token],
    );
  const serviceAccountId = value(env, SERVICE_ACCOUNT_VARIABLE);
  const workspaceId = value(env, WORKSPACE_VARIABLE);
  return {
    ruleId,
    organizationId,
    ...(serviceAccountId !== undefined && { serviceAccountId }),
    ...(workspaceId !== undefined && { workspaceId }),
    identityToken: source,
  };
}

/**
 * One line describing a federation, for `status` and messages: rule,
 * organization, service account, workspace, and where the identity token
 * comes from (never the token).
 *
 * @param federation - The federation.
 */
export function describeFederation(federation: AnthropicFederation): string {
  const token =
    federation.identityToken.from === 'file'
      ? `identity token from file ${federation.identityToken.path}`
      : `identity token from ${federation.identityToken.variable}`;
  return [
    `rule ${federation.ruleId}`,
    `organization ${federation.organizationId}`,
    ...(federation.serviceAccountId !== undefined
      ? [`service account ${federation.serviceAccountId}`]
      : []),
    ...(federation.workspaceId !== undefined ? [`workspace ${federation.workspaceId}`] : []),
    token,
  ].join(', ');
}
