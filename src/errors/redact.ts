/**
 * Patterns for credentials that must never appear in a message, a log line or
 * JSON output, whatever code produced the text. Each keeps a short, harmless
 * prefix so a reader can still tell which kind of secret was removed.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  // Anthropic API keys, subscription tokens and refresh tokens (sk-ant-api03-…, sk-ant-oat01-…).
  /\b(sk-ant-[a-z]+\d*-)[A-Za-z0-9_-]{8,}/g,
  // JWTs (access and ID tokens of most OIDC providers).
  /\b(eyJ)[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  // Authorization header values: a bearer token, or Basic's base64 of client id and secret
  // (RFC 6749 §2.3.1), which a token endpoint may echo back in an error.
  /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(Basic\s+)[A-Za-z0-9+/=]{8,}/gi,
  // OAuth parameters in query strings, form bodies and JSON (RFC 6749 §4.1.2, §5.1, §6), and
  // machine grants' (RFC 8693 §2.1 subject and actor tokens, RFC 7523 §2.1-2.2 assertions),
  // which may be opaque rather than JWTs.
  /((?<![A-Za-z_])(?:access_token|refresh_token|id_token|client_secret|code_verifier|subject_token|actor_token|assertion|client_assertion|accessToken|refreshToken|idToken|clientSecret)["']?\s*[=:]\s*["']?)[^"'&\s,}]{4,}/g,
  // Authorization and device codes in URLs and form bodies (RFC 6749 §4.1.2, RFC 8628 §3.4).
  /((?<![A-Za-z_])(?:code|device_code)=)[^&\s"']{4,}/g,
];

/** What every redacted secret is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Removes secrets from text: every value in `knownSecrets` wherever it occurs,
 * and anything shaped like a credential (Anthropic keys and tokens, JWTs,
 * bearer values, OAuth token parameters).
 *
 * @param text - Text that may contain secrets.
 * @param knownSecrets - Exact values to remove (for secrets with no telltale shape).
 * @returns The text with each secret replaced by {@link REDACTED}.
 */
export function redactSecrets(
  text: string,
  knownSecrets: Iterable<string | undefined> = [],
): string {
  let result = text;
  for (const secret of knownSecrets) {
    // Very short values would redact ordinary words; they are not credentials anyway.
    if (secret !== undefined && secret.length >= 8) result = result.split(secret).join(REDACTED);
  }
  for (const pattern of SECRET_PATTERNS) result = result.replace(pattern, `$1${REDACTED}`);
  return result;
}
