import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { AuthToken } from '../token/auth-token.js';

/** What `claude setup-token` prints: a long-lived Claude subscription token. */
export const SUBSCRIPTION_TOKEN_PATTERN = /sk-ant-oat01-[A-Za-z0-9_-]{40,}/;
const WHOLE_TOKEN = new RegExp(`^${SUBSCRIPTION_TOKEN_PATTERN.source}$`);
/** `claude setup-token` tokens are valid one year. */
export const SUBSCRIPTION_TOKEN_LIFETIME_MS = 365 * 86_400_000;
/** Where a subscription token is revoked: only Anthropic can, from the account's settings. */
export const SUBSCRIPTION_REVOKE_URL = 'https://claude.ai/settings/claude-code';

/**
 * Checks that text is exactly one Claude subscription token (surrounding
 * whitespace allowed), so a garbled or partial token is never stored.
 *
 * @param text - What the user or the CLI gave.
 * @returns The token.
 * @throws {@link AuthenticationError} `CONFIG_INVALID`; the message never echoes the text.
 */
export function parseSubscriptionToken(text: string): string {
  const token = text.trim();
  if (WHOLE_TOKEN.test(token)) return token;
  const hint = token.startsWith('sk-ant-api')
    ? 'That is an API key: export it as ANTHROPIC_API_KEY instead.'
    : 'Expected one token starting with sk-ant-oat01-, as `claude setup-token` prints it.';
  throw new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `That is not a Claude subscription token. ${hint}`,
    {
      fix: 'claude setup-token   # then: claude-auth login --with-token < file-with-the-token',
      secrets: [token],
    },
  );
}

/**
 * The stored form of a subscription token: valid one year from now, no refresh token.
 *
 * @param token - A token checked by {@link parseSubscriptionToken}.
 * @param now - The current time in epoch milliseconds.
 */
export function subscriptionAuthToken(token: string, now: number = Date.now()): AuthToken {
  return new AuthToken({
    kind: 'claude-subscription',
    accessToken: token,
    expiresAt: new Date(now + SUBSCRIPTION_TOKEN_LIFETIME_MS),
    scopes: ['user:inference'],
    obtainedAt: new Date(now),
  });
}
