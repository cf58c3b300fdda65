import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { AuthToken } from '../token/auth-token.js';
import { stripTerminalCodes } from './terminal-text.js';

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

const TOKEN_START = /sk-ant-oat01-[A-Za-z0-9_-]*$/;
const TOKEN_CONTINUATION = /^[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 200;

/**
 * The lines of a screen with every line that continues a wrapped token
 * appended to the one before: a terminal narrower than the token breaks it,
 * and a continuation is a line of token characters alone (the CLI's next
 * text is a sentence, after a blank line).
 */
function joinWrappedTokens(lines: readonly string[]): string[] {
  const joined: string[] = [];
  for (const line of lines) {
    const previous = joined.at(-1);
    const start = previous === undefined ? null : TOKEN_START.exec(previous.trimEnd());
    const rest = line.trim();
    if (
      previous !== undefined &&
      start !== null &&
      TOKEN_CONTINUATION.test(rest) &&
      start[0].length + rest.length <= MAX_TOKEN_LENGTH
    )
      joined[joined.length - 1] = previous.trimEnd() + rest;
    else joined.push(line);
  }
  return joined;
}

/**
 * The one Claude subscription token in what `claude setup-token` printed: its
 * whole screen as piped (`claude setup-token | claude-auth login
 * --with-token`), with colours, boxes, redrawn frames and lines wrapped by a
 * narrow terminal, or the bare token. The same token shown twice is one token.
 *
 * @param text - The screen or the token.
 * @returns The token.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` when there is none, or
 *   more than one different token; the message never echoes the text.
 */
export function findSubscriptionToken(text: string): string {
  const lines = joinWrappedTokens(stripTerminalCodes(text).split(/\r\n|\r|\n/));
  const pattern = new RegExp(`${SUBSCRIPTION_TOKEN_PATTERN.source}(?![A-Za-z0-9_-])`, 'g');
  const found = new Set(lines.flatMap((line) => line.match(pattern) ?? []));
  const [token, ...others] = found;
  if (token !== undefined && others.length === 0) return token;
  if (token === undefined) return parseSubscriptionToken(text);
  throw new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `The input holds ${found.size} different subscription tokens; nothing was stored.`,
    {
      fix: 'give exactly one: claude-auth login --with-token < file-with-the-token',
      secrets: [...found],
    },
  );
}

/**
 * When an imported token was obtained: unknown, recorded as the epoch (as a
 * token file without `obtainedAt` reads), so its lifetime counts as unknown.
 */
const UNKNOWN_OBTAINED_AT = 0;

/**
 * The stored form of a subscription token: no refresh token, valid one year
 * from when it was minted. A token captured from `claude setup-token` was
 * minted now; one the user brings (`--with-token`, `--from-env`) may be
 * months old, so its age is recorded as unknown and its expiry is only the
 * latest it can be (`status` says so).
 *
 * @param token - A token checked by {@link parseSubscriptionToken}.
 * @param now - The current time in epoch milliseconds.
 * @param age - `minted-now` (the official login, the default) or `unknown`
 *   (brought by the user).
 */
export function subscriptionAuthToken(
  token: string,
  now: number = Date.now(),
  age: 'minted-now' | 'unknown' = 'minted-now',
): AuthToken {
  return new AuthToken({
    kind: 'claude-subscription',
    accessToken: token,
    expiresAt: new Date(now + SUBSCRIPTION_TOKEN_LIFETIME_MS),
    scopes: ['user:inference'],
    obtainedAt: new Date(age === 'minted-now' ? now : UNKNOWN_OBTAINED_AT),
  });
}

/**
 * Whether a subscription token's expiry is only an upper bound: it was
 * imported, and its age is unknown.
 *
 * @param token - A stored subscription token.
 */
export function hasUnknownAge(token: AuthToken): boolean {
  return token.obtainedAt.getTime() <= UNKNOWN_OBTAINED_AT;
}
