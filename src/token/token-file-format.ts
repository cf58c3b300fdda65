import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import {
  type AccountInfo,
  AuthToken,
  type ClientRegistration,
  type CredentialKind,
  type MachineGrant,
  type MachineGrantType,
  type McpServerBinding,
  type ProviderMetadata,
  type SecretSource,
  type TokenEndpointAuthMethod,
} from './auth-token.js';

/** The version of the token file format this release writes and reads. */
export const TOKEN_FILE_VERSION = 1;

const KNOWN_FIELDS = new Set([
  'version',
  'kind',
  'accessToken',
  'tokenType',
  'refreshToken',
  'expiresAt',
  'scopes',
  'idToken',
  'provider',
  'account',
  'mcpServer',
  'grant',
  'obtainedAt',
  'reauthRequired',
  'revision',
]);

const CREDENTIAL_KINDS: ReadonlySet<string> = new Set<CredentialKind>([
  'oauth',
  'claude-subscription',
]);

type Json = Record<string, unknown>;

/** Raised inside the parser; turned into one STORAGE_CORRUPT error naming the file. */
class ShapeError extends Error {}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requiredString(source: Json, field: string, where: string): string {
  const value = source[field];
  if (typeof value !== 'string' || value === '') {
    throw new ShapeError(`${where}${field} must be a non-empty string`);
  }
  return value;
}

function optionalString(source: Json, field: string, where = ''): string | undefined {
  const value = source[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ShapeError(`${where}${field} must be a string`);
  return value;
}

function parseDate(value: unknown, field: string): Date {
  if (typeof value !== 'string') throw new ShapeError(`${field} must be an ISO date string`);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new ShapeError(`${field} is not a valid date`);
  return date;
}

function compact<T extends Json>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

function authMethod(provider: Json): TokenEndpointAuthMethod | undefined {
  const method = optionalString(provider, 'tokenEndpointAuthMethod', 'provider.');
  if (method === undefined || AUTH_METHODS.includes(method as TokenEndpointAuthMethod))
    return method as TokenEndpointAuthMethod | undefined;
  throw new ShapeError(
    `provider.tokenEndpointAuthMethod must be one of ${AUTH_METHODS.join(', ')}`,
  );
}

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'none',
];

/** The objects whose fields this version knows only in part: what it does not know is kept. */
const NESTED_RECORDS = ['provider', 'account'] as const;

const NESTED_KNOWN_FIELDS: Record<(typeof NESTED_RECORDS)[number], ReadonlySet<string>> = {
  provider: new Set([
    'clientId',
    'tokenEndpoint',
    'issuer',
    'clientSecret',
    'revocationEndpoint',
    'apiBaseUrl',
    'tokenEndpointAuthMethod',
    'idTokenSigningAlgValuesSupported',
    'tokenEndpointAuthMethodsSupported',
    'resource',
    'registration',
  ]),
  account: new Set(['subject', 'email', 'name', 'organization']),
};

/**
 * The fields a newer version added, at the top level and inside the nested
 * records (kept under the record's name: `{ provider: { newField } }`), so a
 * rewrite by this version keeps them (DESIGN.md §6).
 */
function unknownFieldsOf(data: Json): Json {
  const unknown: Json = Object.fromEntries(
    Object.entries(data).filter(([key]) => !KNOWN_FIELDS.has(key)),
  );
  for (const name of NESTED_RECORDS) {
    const record = data[name];
    if (!isObject(record)) continue;
    const known = NESTED_KNOWN_FIELDS[name];
    const extra = Object.entries(record).filter(([key]) => !known.has(key));
    if (extra.length > 0) unknown[name] = Object.fromEntries(extra);
  }
  return unknown;
}

function optionalStrings(source: Json, field: string, where: string): string[] | undefined {
  const value = source[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    throw new ShapeError(`${where}${field} must be an array of strings`);
  return value;
}

function parseProvider(value: unknown): ProviderMetadata | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new ShapeError('provider must be an object');
  return compact({
    clientId: requiredString(value, 'clientId', 'provider.'),
    tokenEndpoint: requiredString(value, 'tokenEndpoint', 'provider.'),
    issuer: optionalString(value, 'issuer', 'provider.'),
    clientSecret: optionalString(value, 'clientSecret', 'provider.'),
    revocationEndpoint: optionalString(value, 'revocationEndpoint', 'provider.'),
    apiBaseUrl: optionalString(value, 'apiBaseUrl', 'provider.'),
    tokenEndpointAuthMethod: authMethod(value),
    idTokenSigningAlgValuesSupported: optionalStrings(
      value,
      'idTokenSigningAlgValuesSupported',
      'provider.',
    ),
    tokenEndpointAuthMethodsSupported: optionalStrings(
      value,
      'tokenEndpointAuthMethodsSupported',
      'provider.',
    ),
    resource: optionalString(value, 'resource', 'provider.'),
    registration: registration(value),
  }) as ProviderMetadata;
}

const REGISTRATIONS: readonly ClientRegistration[] = [
  'pre-registered',
  'metadata-document',
  'dynamic',
];

function registration(provider: Json): ClientRegistration | undefined {
  const value = optionalString(provider, 'registration', 'provider.');
  if (value === undefined || (REGISTRATIONS as readonly string[]).includes(value))
    return value as ClientRegistration | undefined;
  throw new ShapeError(`provider.registration must be one of ${REGISTRATIONS.join(', ')}`);
}

function parseMcpServer(value: unknown): McpServerBinding | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new ShapeError('mcpServer must be an object');
  return {
    name: requiredString(value, 'name', 'mcpServer.'),
    url: requiredString(value, 'url', 'mcpServer.'),
  };
}

const GRANT_TYPES: readonly MachineGrantType[] = [
  'client_credentials',
  'token-exchange',
  'jwt-bearer',
];

function parseSecretSource(grant: Json, field: string): SecretSource | undefined {
  const value = grant[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new ShapeError(`grant.${field} must be an object`);
  const where = `grant.${field}.`;
  if (value.env !== undefined) return { env: requiredString(value, 'env', where) };
  return { file: requiredString(value, 'file', where) };
}

/**
 * A machine grant: only where its secrets come from. A grant type this
 * version does not know is refused: re-acquiring with a guessed grant would
 * send the secrets somewhere their owner did not mean.
 */
function parseGrant(value: unknown): MachineGrant | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new ShapeError('grant must be an object');
  const type = requiredString(value, 'type', 'grant.');
  if (!(GRANT_TYPES as readonly string[]).includes(type))
    throw new ShapeError(`grant.type must be one of ${GRANT_TYPES.join(', ')}`);
  return compact({
    type: type as MachineGrantType,
    clientSecret: parseSecretSource(value, 'clientSecret'),
    clientAssertionKey: parseSecretSource(value, 'clientAssertionKey'),
    subjectToken: parseSecretSource(value, 'subjectToken'),
    subjectTokenType: optionalString(value, 'subjectTokenType', 'grant.'),
    audience: optionalString(value, 'audience', 'grant.'),
    scopes: optionalStrings(value, 'scopes', 'grant.'),
  }) as MachineGrant;
}

function parseAccount(value: unknown): AccountInfo | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new ShapeError('account must be an object');
  return compact({
    subject: optionalString(value, 'subject', 'account.'),
    email: optionalString(value, 'email', 'account.'),
    name: optionalString(value, 'name', 'account.'),
    organization: optionalString(value, 'organization', 'account.'),
  }) as AccountInfo;
}

function parseScopes(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) {
    throw new ShapeError('scopes must be an array of strings');
  }
  return value;
}

function corrupt(path: string, reason: string, cause?: unknown): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.STORAGE_CORRUPT,
    `The token file ${path} is unreadable (${reason}). It has been left untouched.`,
    {
      fix: `inspect or move it aside, then run \`claude-auth login\` (a new login keeps a .corrupt-<time> copy)`,
      cause,
    },
  );
}

/** A token file's contents: the token and the revision id its writer gave it. */
export interface TokenRecord {
  readonly token: AuthToken;
  /** The random id the writer stored (`undefined` in files written before revisions existed). */
  readonly revisionId: string | undefined;
}

/**
 * Parses the text of a token file with its revision id (the store's fencing token).
 *
 * @param text - The file's contents.
 * @param path - The file's path, for error messages.
 * @throws As {@link parseTokenFile}.
 */
export function parseTokenRecord(text: string, path: string): TokenRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, text.trim() === '' ? 'it is empty' : 'it is not valid JSON', error);
  }
  const token = parseTokenData(data, path);
  const revision = (data as Json).revision;
  return { token, revisionId: typeof revision === 'string' ? revision : undefined };
}

/**
 * Parses the text of a token file.
 *
 * @param text - The file's contents.
 * @param path - The file's path, for error messages.
 * @returns The stored token, with fields it does not know kept aside.
 * @throws {@link AuthenticationError} `STORAGE_CORRUPT` for anything but a
 *   valid token file; `STORAGE_VERSION_UNSUPPORTED` for a newer format.
 */
export function parseTokenFile(text: string, path: string): AuthToken {
  return parseTokenRecord(text, path).token;
}

function parseTokenData(data: unknown, path: string): AuthToken {
  if (!isObject(data)) throw corrupt(path, 'it is not a JSON object');
  const version = data.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw corrupt(path, 'it has no valid "version"');
  }
  if (version > TOKEN_FILE_VERSION) {
    throw new AuthenticationError(
      AuthErrorCode.STORAGE_VERSION_UNSUPPORTED,
      `The token file ${path} has format version ${version}, newer than this claude-auth understands (${TOKEN_FILE_VERSION}). It has been left untouched.`,
      { fix: 'npm install -g claude-auth@latest' },
    );
  }
  try {
    const kind = requiredString(data, 'kind', '');
    if (!CREDENTIAL_KINDS.has(kind)) throw new ShapeError(`kind "${kind}" is not known`);
    if (data.reauthRequired !== undefined && typeof data.reauthRequired !== 'boolean') {
      throw new ShapeError('reauthRequired must be a boolean');
    }
    const unknownFields = unknownFieldsOf(data);
    const provider = parseProvider(data.provider);
    const account = parseAccount(data.account);
    const mcpServer = parseMcpServer(data.mcpServer);
    const grant = parseGrant(data.grant);
    const refreshToken = optionalString(data, 'refreshToken');
    const idToken = optionalString(data, 'idToken');
    return new AuthToken({
      kind: kind as CredentialKind,
      accessToken: requiredString(data, 'accessToken', ''),
      tokenType: optionalString(data, 'tokenType') ?? 'Bearer',
      expiresAt: data.expiresAt === null ? null : parseDate(data.expiresAt, 'expiresAt'),
      scopes: parseScopes(data.scopes),
      obtainedAt:
        data.obtainedAt === undefined ? new Date(0) : parseDate(data.obtainedAt, 'obtainedAt'),
      reauthRequired: data.reauthRequired === true,
      unknownFields,
      ...(refreshToken !== undefined && { refreshToken }),
      ...(idToken !== undefined && { idToken }),
      ...(provider !== undefined && { provider }),
      ...(account !== undefined && { account }),
      ...(mcpServer !== undefined && { mcpServer }),
      ...(grant !== undefined && { grant }),
    });
  } catch (error) {
    if (error instanceof ShapeError) throw corrupt(path, error.message, error);
    throw error;
  }
}

/**
 * Serialises a token for its file: the known fields over any unknown ones the
 * token was read with, so a newer version's additions survive a rewrite.
 *
 * @param token - The token to store, secrets included.
 * @param revisionId - The write's revision id (see {@link TokenRecord}), if any.
 * @returns Pretty-printed JSON ending in a newline.
 */
export function serializeTokenFile(token: AuthToken, revisionId?: string): string {
  const init = token.toInit();
  const { provider: providerExtra, account: accountExtra, ...topExtra } = token.unknownFields;
  // A nested record's unknown fields go back into it only while it exists: alone they would
  // make a record without its required fields.
  const merged = <T extends object>(extra: unknown, record: T | undefined): T | undefined =>
    record === undefined ? undefined : { ...(isObject(extra) ? extra : {}), ...record };
  const known = compact({
    version: TOKEN_FILE_VERSION,
    kind: init.kind,
    accessToken: init.accessToken,
    tokenType: init.tokenType,
    refreshToken: init.refreshToken,
    expiresAt: init.expiresAt === null ? null : init.expiresAt.toISOString(),
    scopes: init.scopes,
    idToken: init.idToken,
    provider: merged(providerExtra, init.provider),
    account: merged(accountExtra, init.account),
    mcpServer: init.mcpServer,
    grant: init.grant,
    obtainedAt: init.obtainedAt?.toISOString(),
    reauthRequired: init.reauthRequired === true ? true : undefined,
    revision: revisionId,
  });
  return `${JSON.stringify({ ...topExtra, ...known }, null, 2)}\n`;
}
