import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';

/** The beta flag Claude Code adds for subscription tokens; direct callers must send it too. */
export const OAUTH_BETA = 'oauth-2025-04-20';

/** Where a credential was found, in the order of the resolution chain. */
export type CredentialSource =
  | 'option'
  | 'profile'
  | 'env:CLAUDE_CODE_OAUTH_TOKEN'
  | 'claude-code-login'
  | 'env:ANTHROPIC_API_KEY';

/** What kind of credential it is, which decides how it reaches Claude Code. */
export type ResolvedCredentialKind =
  | 'api-key'
  | 'claude-subscription'
  | 'oauth'
  | 'claude-code-login';

/**
 * The environment variables through which claude-auth hands a credential to
 * Claude Code. Each injection removes these and every other variable of the
 * table of Claude Code's variables (`src/credentials/claude-code-variables.ts`).
 */
export const CREDENTIAL_ENV_VARS = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR',
  'CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR',
] as const;

/**
 * Claude Code adds the headers named in this variable (`Name: value`, one per
 * line) to every API request, over the credential's own: an `Authorization` or
 * `x-api-key` line there replaces the injected credential.
 */
export const CUSTOM_HEADERS_VARIABLE = 'ANTHROPIC_CUSTOM_HEADERS';

/** The request headers that carry a credential. */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'x-api-key']);

/**
 * The lines of an `ANTHROPIC_CUSTOM_HEADERS` value that set a credential header.
 *
 * @param value - The variable's value.
 */
export function credentialHeaderLines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .filter((line) => CREDENTIAL_HEADERS.has(line.split(':', 1)[0]?.trim().toLowerCase() ?? ''));
}

/**
 * An `ANTHROPIC_CUSTOM_HEADERS` value without its credential lines (the other
 * headers still apply), or `undefined` when nothing else is left.
 *
 * @param value - The variable's value.
 */
export function withoutCredentialHeaders(value: string): string | undefined {
  const credentialLines = new Set(credentialHeaderLines(value));
  const rest = value
    .split(/\r?\n/)
    .filter((line) => !credentialLines.has(line) && line.trim() !== '');
  return rest.length === 0 ? undefined : rest.join('\n');
}

/**
 * The one check of a credential's text, wherever it comes from (an option, an
 * environment variable): nothing or only whitespace is *absent* (an
 * `export CLAUDE_CODE_OAUTH_TOKEN=" "` must not shadow a valid API key and send
 * `Bearer ` with nothing); a value with whitespace or control characters in it
 * is *invalid* (no API key or token has them, and Claude Code would send the
 * value as it is). Surrounding whitespace counts too: a pasted line break is the
 * usual cause, and the fix says so.
 *
 * @param value - The text, if any.
 * @param name - What holds it (`ANTHROPIC_API_KEY`, "the API key"), for the message.
 * @returns The credential text, or `undefined` when absent.
 * @throws {@link AuthenticationError} `CONFIG_INVALID`, naming `name` but never the value.
 */
export function credentialText(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
  if (!/[\s\u0000-\u001f\u007f]/.test(value)) return value;
  throw new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `${name} contains spaces, line breaks or control characters, so it cannot be a Claude credential.`,
    {
      fix: `set ${name} to the value exactly as the Anthropic Console or \`claude setup-token\` shows it (no quotes, spaces or line breaks), or unset it`,
      secrets: [value, value.trim()],
    },
  );
}

/** The fields of a {@link ResolvedCredential}. */
export interface ResolvedCredentialInit {
  kind: ResolvedCredentialKind;
  source: CredentialSource;
  /** The secret; absent only for Claude Code's own login read without its token. */
  secret?: string;
  expiresAt?: Date | null;
  /** When it was obtained (the refresh policy scales its windows to the lifetime). */
  obtainedAt?: Date;
  /** For gateway tokens: the API base URL (`ANTHROPIC_BASE_URL`) they are for. */
  apiBaseUrl?: string;
  /** The profile it came from, for messages. */
  profile?: string;
  /**
   * Where it may be sent, once decided (see `routeCredential`): a base URL, or
   * `null` for Anthropic's API. Absent: not decided yet.
   */
  destination?: string | null;
}

/**
 * The credential the resolution chain chose for one query, and how to hand it
 * to Claude Code or to a direct HTTP caller. Its secret never prints.
 *
 * | kind | child environment | headers |
 * |---|---|---|
 * | `api-key` | `ANTHROPIC_API_KEY` | `x-api-key` |
 * | `claude-subscription` | `CLAUDE_CODE_OAUTH_TOKEN` | Bearer + `anthropic-beta: oauth-2025-04-20` |
 * | `oauth` (gateway) | `ANTHROPIC_AUTH_TOKEN` | Bearer |
 * | `claude-code-login` | nothing (Claude Code uses its own login) | Bearer + beta |
 *
 * Where it may be sent (`ANTHROPIC_BASE_URL`) is decided by
 * `credentialDestination` alone.
 */
export class ResolvedCredential {
  readonly kind: ResolvedCredentialKind;
  readonly source: CredentialSource;
  readonly expiresAt: Date | null;
  readonly obtainedAt: Date | undefined;
  readonly apiBaseUrl: string | undefined;
  readonly profile: string | undefined;
  /**
   * Where it may be sent, once `routeCredential` decided: a base URL, `null`
   * for Anthropic's API, `undefined` while undecided. Every child environment
   * and every hand-over into a running query is derived from this value.
   */
  readonly destination: string | null | undefined;
  readonly #secret: string | undefined;

  /**
   * Wraps a resolved credential.
   *
   * @param init - See {@link ResolvedCredentialInit}.
   */
  constructor(init: ResolvedCredentialInit) {
    this.kind = init.kind;
    this.source = init.source;
    this.expiresAt = init.expiresAt ?? null;
    this.obtainedAt = init.obtainedAt;
    this.apiBaseUrl = init.apiBaseUrl;
    this.profile = init.profile;
    this.destination = init.destination;
    this.#secret = init.secret;
    Object.freeze(this);
  }

  /**
   * The same credential with its destination decided.
   *
   * @param destination - A base URL, or `null` for Anthropic's API.
   */
  withDestination(destination: string | null): ResolvedCredential {
    return new ResolvedCredential({
      kind: this.kind,
      source: this.source,
      ...(this.#secret !== undefined && { secret: this.#secret }),
      expiresAt: this.expiresAt,
      ...(this.obtainedAt !== undefined && { obtainedAt: this.obtainedAt }),
      ...(this.apiBaseUrl !== undefined && { apiBaseUrl: this.apiBaseUrl }),
      ...(this.profile !== undefined && { profile: this.profile }),
      destination,
    });
  }

  /** The secret itself. Never log it. */
  get secret(): string | undefined {
    return this.#secret;
  }

  /**
   * The variables to set in Claude Code's environment; every other credential
   * variable (`CREDENTIAL_ENV_VARS`) must be removed, since any API key
   * silently disables OAuth in Claude Code.
   */
  toEnv(): Record<string, string> {
    const secret = this.#secret ?? '';
    switch (this.kind) {
      case 'api-key':
        return { ANTHROPIC_API_KEY: secret };
      case 'claude-subscription':
        return { CLAUDE_CODE_OAUTH_TOKEN: secret };
      case 'oauth':
        return { ANTHROPIC_AUTH_TOKEN: secret };
      case 'claude-code-login':
        return {};
      default:
        return assertNever(this.kind);
    }
  }

  /**
   * The HTTP headers a direct caller of the Messages API needs. The object also
   * carries this credential, not enumerable, so that `AuthenticationMiddleware`
   * can put it on the request and hand on what the headers cannot say (a
   * gateway's API base URL, Claude Code's own login); see `attachedCredential`.
   */
  toHeaders(): Record<string, string> {
    const secret = this.#secret ?? '';
    let headers: Record<string, string>;
    switch (this.kind) {
      case 'api-key':
        headers = { 'x-api-key': secret };
        break;
      case 'claude-subscription':
      case 'claude-code-login':
        headers = { authorization: `Bearer ${secret}`, 'anthropic-beta': OAUTH_BETA };
        break;
      case 'oauth':
        headers = { authorization: `Bearer ${secret}` };
        break;
      default:
        return assertNever(this.kind);
    }
    return attachCredential(headers, this);
  }

  /** A description without the secret. */
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      source: this.source,
      expiresAt: this.expiresAt?.toISOString() ?? null,
      ...(this.apiBaseUrl !== undefined && { apiBaseUrl: this.apiBaseUrl }),
      ...(this.profile !== undefined && { profile: this.profile }),
      ...(this.destination !== undefined && { destination: this.destination }),
    };
  }

  /** A description without the secret. */
  toString(): string {
    return `ResolvedCredential(${this.kind} from ${this.source})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected credential kind ${String(value)}`);
}

/** Where headers made by {@link ResolvedCredential.toHeaders} keep their credential. */
const CARRIED_CREDENTIAL = Symbol('claude-auth.credential');

/**
 * Attaches a credential to a headers object, not enumerable (it never prints,
 * serialises or spreads), for {@link credentialFromHeaders} to find.
 *
 * @param headers - The headers; changed in place.
 * @param credential - The credential they were made from, if any.
 * @returns `headers`.
 */
function attachCredential(
  headers: Record<string, string>,
  credential: ResolvedCredential | undefined,
): Record<string, string> {
  if (credential !== undefined)
    Object.defineProperty(headers, CARRIED_CREDENTIAL, { value: credential, enumerable: false });
  return headers;
}

/**
 * The credential attached to headers by {@link attachCredential}, while the
 * headers still carry its secret (someone who replaced the token gets their own
 * headers read instead). A copy of the headers loses it: the query middleware
 * carries the credential on the request itself, not in the headers.
 *
 * @param headers - Headers, possibly from `getAuthHeaders`.
 */
export function attachedCredential(
  headers: Readonly<Record<string, string>>,
): ResolvedCredential | undefined {
  const carried = (headers as { [CARRIED_CREDENTIAL]?: unknown })[CARRIED_CREDENTIAL];
  return carried instanceof ResolvedCredential && headersCarry(headers, carried)
    ? carried
    : undefined;
}

/**
 * Whether headers still send `credential`: its secret in the header its kind
 * uses (`x-api-key` for an API key, a Bearer token otherwise).
 *
 * @param headers - Header names in any case.
 * @param credential - The credential the headers were made from.
 */
export function headersCarry(
  headers: Readonly<Record<string, string>>,
  credential: ResolvedCredential,
): boolean {
  const lower = lowerCased(headers);
  const sent =
    credential.kind === 'api-key'
      ? lower['x-api-key']
      : lower['x-api-key'] === undefined
        ? bearerOf(lower.authorization)
        : undefined;
  return sent !== undefined && sent === credential.secret;
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
}

function bearerOf(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
}

/**
 * The credential carried by a set of HTTP headers: the credential
 * `getAuthHeaders` attached, with its kind, profile and gateway API base URL;
 * otherwise read from the headers themselves:
 * `x-api-key` → API key; Bearer with the OAuth beta → subscription token;
 * other Bearer → a bearer token for the caller's `ANTHROPIC_BASE_URL`.
 *
 * @param headers - Header names in any case.
 * @returns The credential, or `undefined` when the headers carry none.
 */
export function credentialFromHeaders(
  headers: Readonly<Record<string, string>>,
): ResolvedCredential | undefined {
  const attached = attachedCredential(headers);
  if (attached !== undefined) return attached;
  const lower = lowerCased(headers);
  const apiKey = lower['x-api-key'];
  if (apiKey) return new ResolvedCredential({ kind: 'api-key', source: 'option', secret: apiKey });
  const bearer = bearerOf(lower.authorization);
  if (!bearer) return undefined;
  const subscription = (lower['anthropic-beta'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .includes(OAUTH_BETA);
  return new ResolvedCredential({
    kind: subscription ? 'claude-subscription' : 'oauth',
    source: 'option',
    secret: bearer,
  });
}
