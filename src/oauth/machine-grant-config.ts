import { resolve } from 'node:path';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import type { MachineGrant, MachineGrantType, SecretSource } from '../token/auth-token.js';
import { OAUTH_ENV, OAuthConfig } from './oauth-config.js';

/**
 * The environment variables of a machine grant, beyond the provider's
 * (`CLAUDE_OAUTH_CLIENT_ID`, `CLAUDE_OAUTH_CLIENT_SECRET`, `CLAUDE_OAUTH_TOKEN_URL`
 * or `CLAUDE_OAUTH_ISSUER`, `CLAUDE_OAUTH_SCOPES`, `CLAUDE_OAUTH_RESOURCE`,
 * `CLAUDE_OAUTH_API_BASE_URL`; see `OAUTH_ENV`).
 */
export const MACHINE_GRANT_ENV = {
  /** A PEM or JWK private key: client authentication by `private_key_jwt` (RFC 7523 §2.2). */
  clientAssertionKeyFile: 'CLAUDE_OAUTH_CLIENT_ASSERTION_KEY_FILE',
  /** A file holding the identity token (read again at every acquisition). */
  subjectTokenFile: 'CLAUDE_OAUTH_SUBJECT_TOKEN_FILE',
  /** The identity token itself (read from this variable at every acquisition). */
  subjectToken: 'CLAUDE_OAUTH_SUBJECT_TOKEN',
  /** RFC 8693 §3 token type of the identity token. */
  subjectTokenType: 'CLAUDE_OAUTH_SUBJECT_TOKEN_TYPE',
  /** RFC 8693 §2.1 `audience`. */
  audience: 'CLAUDE_OAUTH_AUDIENCE',
} as const satisfies Record<string, string>;

/** RFC 8693 §3's token type identifiers; `jwt` is the default (a CI platform's OIDC token). */
export const SUBJECT_TOKEN_TYPES = [
  'urn:ietf:params:oauth:token-type:jwt',
  'urn:ietf:params:oauth:token-type:id_token',
  'urn:ietf:params:oauth:token-type:access_token',
  'urn:ietf:params:oauth:token-type:refresh_token',
  'urn:ietf:params:oauth:token-type:saml1',
  'urn:ietf:params:oauth:token-type:saml2',
] as const;

/** A provider and the grant to acquire its tokens with. */
export interface MachineGrantSetup {
  readonly config: OAuthConfig;
  readonly grant: MachineGrant;
}

function invalid(message: string, fix: string): AuthenticationError {
  return new AuthenticationError(AuthErrorCode.CONFIG_INVALID, message, { fix });
}

function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function clientCredentialsOf(config: OAuthConfig, env: NodeJS.ProcessEnv, cwd: string) {
  const keyFile = read(env, MACHINE_GRANT_ENV.clientAssertionKeyFile);
  if (keyFile !== undefined && config.clientSecret !== undefined)
    throw invalid(
      `Both ${OAUTH_ENV.clientSecret} and ${MACHINE_GRANT_ENV.clientAssertionKeyFile} are set; a client authenticates one way.`,
      `unset the one your provider did not register for this client`,
    );
  const clientSecret: SecretSource | undefined =
    config.clientSecret === undefined ? undefined : { env: OAUTH_ENV.clientSecret };
  const clientAssertionKey: SecretSource | undefined =
    keyFile === undefined ? undefined : { file: resolve(cwd, keyFile) };
  return {
    ...(clientSecret !== undefined && { clientSecret }),
    ...(clientAssertionKey !== undefined && { clientAssertionKey }),
  };
}

function subjectTokenOf(env: NodeJS.ProcessEnv, cwd: string): SecretSource {
  const file = read(env, MACHINE_GRANT_ENV.subjectTokenFile);
  const inline = read(env, MACHINE_GRANT_ENV.subjectToken);
  if (file !== undefined && inline !== undefined)
    throw invalid(
      `Both ${MACHINE_GRANT_ENV.subjectTokenFile} and ${MACHINE_GRANT_ENV.subjectToken} are set.`,
      `unset one: the file is read again at every acquisition, so prefer ${MACHINE_GRANT_ENV.subjectTokenFile}`,
    );
  if (file !== undefined) return { file: resolve(cwd, file) };
  if (inline !== undefined) return { env: MACHINE_GRANT_ENV.subjectToken };
  throw invalid(
    'No identity token is configured to exchange.',
    `export ${MACHINE_GRANT_ENV.subjectTokenFile}=/path/to/the/platform's/token (or ${MACHINE_GRANT_ENV.subjectToken}=…)`,
  );
}

function subjectTokenTypeOf(env: NodeJS.ProcessEnv): string {
  const type = read(env, MACHINE_GRANT_ENV.subjectTokenType) ?? SUBJECT_TOKEN_TYPES[0];
  if (!(SUBJECT_TOKEN_TYPES as readonly string[]).includes(type))
    throw invalid(
      `${MACHINE_GRANT_ENV.subjectTokenType} is "${type.slice(0, 100)}", not a token type of RFC 8693 §3.`,
      `set ${MACHINE_GRANT_ENV.subjectTokenType} to one of ${SUBJECT_TOKEN_TYPES.join(', ')} (default: the first)`,
    );
  return type;
}

/**
 * Reads a machine grant from the environment: the provider (as
 * `OAuthConfig.fromEnv`) and where the grant's secrets come from. Files are
 * recorded by absolute path (relative to `cwd`), so a later acquisition from
 * another directory reads the same file.
 *
 * - `client_credentials` (RFC 6749 §4.4) needs client authentication: the
 *   secret (`CLAUDE_OAUTH_CLIENT_SECRET`) or a key (`CLAUDE_OAUTH_CLIENT_ASSERTION_KEY_FILE`);
 * - `token-exchange` (RFC 8693) and `jwt-bearer` (RFC 7523 §2.1) need an
 *   identity token (`CLAUDE_OAUTH_SUBJECT_TOKEN_FILE` or `CLAUDE_OAUTH_SUBJECT_TOKEN`);
 *   the client may be public.
 *
 * @param type - The grant.
 * @param env - The environment.
 * @param cwd - The directory relative file paths are resolved against.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` naming the variable to set or correct.
 */
export function machineGrantFromEnv(
  type: MachineGrantType,
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): MachineGrantSetup {
  const config = OAuthConfig.fromEnv(env);
  if (config === undefined)
    throw invalid(
      'No OAuth provider is configured for the machine grant.',
      `export ${OAUTH_ENV.clientId}=… and ${OAUTH_ENV.tokenUrl}=… (or ${OAUTH_ENV.issuer}=…)`,
    );
  const client = clientCredentialsOf(config, env, cwd);
  if (type === 'client_credentials' && Object.keys(client).length === 0)
    throw invalid(
      'The client credentials grant needs the client to authenticate (RFC 6749 §4.4), and neither a secret nor a key is set.',
      `export ${OAUTH_ENV.clientSecret}=… or ${MACHINE_GRANT_ENV.clientAssertionKeyFile}=/path/to/key.pem`,
    );
  const audience = read(env, MACHINE_GRANT_ENV.audience);
  const grant: MachineGrant = {
    type,
    ...client,
    ...(type !== 'client_credentials' && { subjectToken: subjectTokenOf(env, cwd) }),
    ...(type === 'token-exchange' && { subjectTokenType: subjectTokenTypeOf(env) }),
    ...(audience !== undefined && { audience }),
    ...(config.scopes !== undefined && { scopes: config.scopes }),
  };
  return { config, grant };
}
