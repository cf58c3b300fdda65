/**
 * Where a credential came from, which decides how it reaches Claude Code and
 * how it is refreshed:
 * - `oauth`: an access token from an OAuth 2.0 / OIDC provider the user
 *   configured (typically a gateway in front of Claude); refreshable.
 * - `claude-subscription`: a Claude Pro/Max token (`sk-ant-oat01-…`) made by the
 *   official `claude setup-token`; valid one year, no refresh token.
 */
export type CredentialKind = 'oauth' | 'claude-subscription';

/**
 * How the client authenticates to the provider's token, revocation and device
 * endpoints (RFC 6749 §2.3.1; names from RFC 7591 §2).
 */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/**
 * What a later refresh or revocation needs to know about the provider, stored
 * with the token so neither needs environment variables.
 */
export interface ProviderMetadata {
  /**
   * The issuer identifier (RFC 8414 §2): configured, discovered, or learnt from
   * the login's first verified `iss`; once stored it is enforced on refresh and
   * on later logins with the same endpoints.
   */
  readonly issuer?: string;
  readonly clientId: string;
  /** Present only for confidential clients; stored in the same 0600 file as the tokens. */
  readonly clientSecret?: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint?: string;
  /** How the client authenticated at login; absent in files written before it was stored (then Basic with a secret). */
  readonly tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** The Claude API base URL this token is for (a gateway's `ANTHROPIC_BASE_URL`). */
  readonly apiBaseUrl?: string;
  /**
   * The server metadata's `id_token_signing_alg_values_supported` (OpenID
   * Connect Discovery §3): a refreshed ID token is checked against it as at
   * login (absent: RS256, the OpenID Connect default).
   */
  readonly idTokenSigningAlgValuesSupported?: readonly string[];
  /**
   * The server metadata's `token_endpoint_auth_methods_supported` (RFC 8414
   * §2): a secret method it excludes is never tried after the stored one is refused.
   */
  readonly tokenEndpointAuthMethodsSupported?: readonly string[];
  /**
   * The resource indicator the token was requested for (RFC 8707 §2), sent again
   * on every refresh so the new token is bound to the same resource server.
   */
  readonly resource?: string;
  /**
   * How the client id was obtained, when claude-auth obtained it (MCP authorization
   * spec: `pre-registered` from `--client-id`, a `metadata-document` URL, or RFC 7591
   * `dynamic` registration); shown by `claude-auth mcp status`.
   */
  readonly registration?: ClientRegistration;
}

/** How a client id was obtained; see {@link ProviderMetadata.registration}. */
export type ClientRegistration = 'pre-registered' | 'metadata-document' | 'dynamic';

/**
 * The MCP server an access token is for (a login made by `claude-auth mcp login`):
 * the name the user gave it and the URL Claude Code connects to. Never secret.
 */
export interface McpServerBinding {
  readonly name: string;
  readonly url: string;
}

/**
 * Where a secret of a machine grant comes from: the name of an environment
 * variable or the absolute path of a file. The value itself is never stored;
 * it is read again at every acquisition (CI platforms rewrite their identity
 * token files, and a rotated client secret needs no new login).
 */
export type SecretSource = { readonly env: string } | { readonly file: string };

/**
 * The grant a machine credential is acquired with, where no person logs in:
 * - `client_credentials`: the client's own credentials (RFC 6749 §4.4);
 * - `token-exchange`: an identity token the platform provides, exchanged (RFC 8693);
 * - `jwt-bearer`: the same identity token presented as an assertion (RFC 7523 §2.1).
 */
export type MachineGrantType = 'client_credentials' | 'token-exchange' | 'jwt-bearer';

/**
 * How a machine credential is acquired again when the refresh policy says it
 * is due: there is no refresh token, the same grant is repeated (DESIGN.md
 * §6d). Holds only where its secrets come from, never a secret.
 */
export interface MachineGrant {
  readonly type: MachineGrantType;
  /**
   * The client secret, for `client_secret_basic` / `client_secret_post`
   * (the method is the provider's `tokenEndpointAuthMethod`).
   */
  readonly clientSecret?: SecretSource;
  /** The private key that signs `private_key_jwt` client assertions (RFC 7523 §2.2), PEM or JWK. */
  readonly clientAssertionKey?: SecretSource;
  /** The identity token exchanged (`token-exchange`) or presented as the assertion (`jwt-bearer`). */
  readonly subjectToken?: SecretSource;
  /** RFC 8693 §3 `subject_token_type` (`token-exchange` only). */
  readonly subjectTokenType?: string;
  /** RFC 8693 §2.1 `audience`: the logical name of the service the token is for. */
  readonly audience?: string;
  /** The scopes requested at every acquisition. */
  readonly scopes?: readonly string[];
}

/** Who the credential belongs to, as far as it is known. Never secret. */
export interface AccountInfo {
  readonly subject?: string;
  readonly email?: string;
  readonly name?: string;
  readonly organization?: string;
}

/** The fields of an {@link AuthToken}. */
export interface AuthTokenInit {
  kind: CredentialKind;
  accessToken: string;
  /** RFC 6749 §7.1; `Bearer` unless the server says otherwise. */
  tokenType?: string;
  refreshToken?: string;
  /** Absolute expiry, or `null` for a token with no known lifetime. */
  expiresAt: Date | null;
  scopes?: readonly string[];
  idToken?: string;
  provider?: ProviderMetadata;
  account?: AccountInfo;
  /** The MCP server this token is for, when it is an MCP login. */
  mcpServer?: McpServerBinding;
  /** The machine grant that acquires it again, when no person logs in. */
  grant?: MachineGrant;
  /** When the token was obtained. Defaults to now. */
  obtainedAt?: Date;
  /** Set when a refresh was refused (`invalid_grant`): only a new login helps. */
  reauthRequired?: boolean;
  /** Fields of the stored file this version does not know; written back unchanged. */
  unknownFields?: Readonly<Record<string, unknown>>;
}

const SECRET_FIELDS = ['accessToken', 'refreshToken', 'idToken'] as const;

/**
 * A stored credential (the guide's `AuthToken`). Immutable. The secrets are
 * readable as properties but never printed: `toString()`, `toJSON()` and
 * `util.inspect()` show `[REDACTED]` in their place.
 */
export class AuthToken {
  readonly kind: CredentialKind;
  readonly tokenType: string;
  readonly expiresAt: Date | null;
  readonly scopes: readonly string[];
  readonly provider: ProviderMetadata | undefined;
  readonly account: AccountInfo | undefined;
  /** The MCP server this token is for, when it is an MCP login. */
  readonly mcpServer: McpServerBinding | undefined;
  /** The machine grant that acquires it again instead of a refresh token, if any. */
  readonly grant: MachineGrant | undefined;
  readonly obtainedAt: Date;
  readonly reauthRequired: boolean;
  /** Fields of the stored file this version does not know; written back unchanged. */
  readonly unknownFields: Readonly<Record<string, unknown>>;
  readonly #secrets: { accessToken: string; refreshToken?: string; idToken?: string };

  /**
   * Creates a token from its fields.
   *
   * @param init - See {@link AuthTokenInit}.
   */
  constructor(init: AuthTokenInit) {
    this.kind = init.kind;
    this.tokenType = init.tokenType ?? 'Bearer';
    this.expiresAt = init.expiresAt;
    this.scopes = Object.freeze([...(init.scopes ?? [])]);
    this.provider = init.provider;
    this.account = init.account;
    this.mcpServer = init.mcpServer;
    this.grant = init.grant;
    this.obtainedAt = init.obtainedAt ?? new Date();
    this.reauthRequired = init.reauthRequired ?? false;
    this.unknownFields = init.unknownFields ?? {};
    this.#secrets = {
      accessToken: init.accessToken,
      ...(init.refreshToken !== undefined && { refreshToken: init.refreshToken }),
      ...(init.idToken !== undefined && { idToken: init.idToken }),
    };
    Object.freeze(this);
  }

  /** The access token itself. Handle with care: never log it. */
  get accessToken(): string {
    return this.#secrets.accessToken;
  }

  /** The refresh token (RFC 6749 §1.5), if the provider issued one. */
  get refreshToken(): string | undefined {
    return this.#secrets.refreshToken;
  }

  /** The OpenID Connect ID token, if one was issued. */
  get idToken(): string | undefined {
    return this.#secrets.idToken;
  }

  /**
   * Whether the token is expired, or will be within `skewMs`.
   *
   * @param skewMs - Treat the token as expired this long before its expiry. Default 0.
   * @param now - The current time in epoch milliseconds (for tests and a shared clock).
   * @returns `false` for a token with no known expiry.
   */
  isExpired(skewMs = 0, now: number = Date.now()): boolean {
    return this.expiresAt !== null && this.expiresAt.getTime() - skewMs <= now;
  }

  /**
   * Milliseconds until expiry (negative once expired), or `Infinity` for a
   * token with no known expiry.
   *
   * @param now - The current time in epoch milliseconds.
   */
  remainingMs(now: number = Date.now()): number {
    return this.expiresAt === null ? Number.POSITIVE_INFINITY : this.expiresAt.getTime() - now;
  }

  /**
   * A copy with some fields changed.
   *
   * @param changes - The fields to replace.
   */
  with(changes: Partial<AuthTokenInit>): AuthToken {
    return new AuthToken({ ...this.toInit(), ...changes });
  }

  /** All fields, secrets included, as an {@link AuthTokenInit}. For storage code only. */
  toInit(): AuthTokenInit {
    return {
      kind: this.kind,
      tokenType: this.tokenType,
      expiresAt: this.expiresAt,
      scopes: this.scopes,
      obtainedAt: this.obtainedAt,
      reauthRequired: this.reauthRequired,
      unknownFields: this.unknownFields,
      ...this.#secrets,
      ...(this.provider !== undefined && { provider: this.provider }),
      ...(this.account !== undefined && { account: this.account }),
      ...(this.mcpServer !== undefined && { mcpServer: this.mcpServer }),
      ...(this.grant !== undefined && { grant: this.grant }),
    };
  }

  /** A description with the secrets redacted. */
  toString(): string {
    const expiry =
      this.expiresAt === null ? 'no expiry' : `expires ${this.expiresAt.toISOString()}`;
    return `AuthToken(${this.kind}, ${expiry}, [REDACTED])`;
  }

  /** The token's fields with every secret replaced by `[REDACTED]`. */
  toJSON(): Record<string, unknown> {
    const { unknownFields: _unknown, ...init } = this.toInit();
    const redacted: Record<string, unknown> = { ...init };
    for (const field of SECRET_FIELDS) if (field in redacted) redacted[field] = '[REDACTED]';
    if (this.provider?.clientSecret !== undefined) {
      redacted.provider = { ...this.provider, clientSecret: '[REDACTED]' };
    }
    return redacted;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
