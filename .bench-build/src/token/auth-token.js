import { inspect } from 'node:util';

const SECRET_FIELDS = ['accessToken', 'refreshToken', 'idToken'];
/**
 * A stored credential (the guide's `AuthToken`). Immutable. The secrets are
 * readable as properties but never printed: `toString()`, `toJSON()` and
 * `util.inspect()` show `[REDACTED]` in their place.
 */
export class AuthToken {
  kind;
  tokenType;
  expiresAt;
  scopes;
  provider;
  account;
  obtainedAt;
  reauthRequired;
  /** Fields of the stored file this version does not know; written back unchanged. */
  unknownFields;
  #secrets;
  /** @param init - See {@link AuthTokenInit}. */
  constructor(init) {
    this.kind = init.kind;
    this.tokenType = init.tokenType ?? 'Bearer';
    this.expiresAt = init.expiresAt;
    this.scopes = Object.freeze([...(init.scopes ?? [])]);
    this.provider = init.provider;
    this.account = init.account;
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
  get accessToken() {
    return this.#secrets.accessToken;
  }
  /** The refresh token (RFC 6749 §1.5), if the provider issued one. */
  get refreshToken() {
    return this.#secrets.refreshToken;
  }
  /** The OpenID Connect ID token, if one was issued. */
  get idToken() {
    return this.#secrets.idToken;
  }
  /**
   * Whether the token is expired, or will be within `skewMs`.
   *
   * @param skewMs - Treat the token as expired this long before its expiry. Default 0.
   * @param now - The current time in epoch milliseconds (for tests and a shared clock).
   * @returns `false` for a token with no known expiry.
   */
  isExpired(skewMs = 0, now = Date.now()) {
    return this.expiresAt !== null && this.expiresAt.getTime() - skewMs <= now;
  }
  /**
   * Milliseconds until expiry (negative once expired), or `Infinity` for a
   * token with no known expiry.
   *
   * @param now - The current time in epoch milliseconds.
   */
  remainingMs(now = Date.now()) {
    return this.expiresAt === null ? Number.POSITIVE_INFINITY : this.expiresAt.getTime() - now;
  }
  /**
   * A copy with some fields changed.
   *
   * @param changes - The fields to replace.
   */
  with(changes) {
    return new AuthToken({ ...this.toInit(), ...changes });
  }
  /** All fields, secrets included, as an {@link AuthTokenInit}. For storage code only. */
  toInit() {
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
    };
  }
  /** A description with the secrets redacted. */
  toString() {
    const expiry =
      this.expiresAt === null ? 'no expiry' : `expires ${this.expiresAt.toISOString()}`;
    return `AuthToken(${this.kind}, ${expiry}, [REDACTED])`;
  }
  /** The token's fields with every secret replaced by `[REDACTED]`. */
  toJSON() {
    const { unknownFields: _unknown, ...init } = this.toInit();
    const redacted = { ...init };
    for (const field of SECRET_FIELDS) if (field in redacted) redacted[field] = '[REDACTED]';
    if (this.provider?.clientSecret !== undefined) {
      redacted.provider = { ...this.provider, clientSecret: '[REDACTED]' };
    }
    return redacted;
  }
  [inspect.custom]() {
    return this.toString();
  }
}
