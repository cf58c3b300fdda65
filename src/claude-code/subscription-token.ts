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
 * @param variable - The environment variable the text came from, named in
 *   the error so the user knows which one to correct (`login --from-env`).
 * @returns The token.
 * @throws {@link AuthenticationError} `CONFIG_INVALID`; the message never echoes the text.
 */
export function parseSubscriptionToken(text: string, variable?: string): string {
  const token = text.trim();
  if (WHOLE_TOKEN.test(token)) return token;
  const hint = token.startsWith('sk-ant-api')
    ? 'That is an API key: export it as ANTHROPIC_API_KEY instead.'
    : 'Expected one token starting with sk-ant-oat01-, as `claude setup-token` prints it.';
  throw new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `${variable === undefined ? 'That is not' : `${variable} does not hold`} a Claude subscription token. ${hint}`,
    {
      fix:
        variable === undefined
          ? 'claude setup-token   # then: claude-auth login --with-token < file-with-the-token'
          : `set ${variable} to the token alone, as \`claude setup-token\` prints it, then run this again`,
      secrets: [token],
    },
  );
}

const TOKEN_START = /sk-ant-oat01-[A-Za-z0-9_-]*$/;
const TOKEN_CONTINUATION = /^[A-Za-z0-9_-]+$/;
/** Box-drawing borders and whitespace a screen puts around a token's line. */
const LINE_FRAME = /^[\s│┃|]+|[\s│┃|]+$/g;
/** How every subscription token ends (and `claude setup-token`'s all do): its last two characters. */
const COMPLETE_TOKEN_END = 'AA';
/** The longest a joined token may be; a real one is 108 characters. */
const MAX_TOKEN_LENGTH = 200;

/**
 * The lines of a screen with every line that continues a wrapped token
 * appended to the one before. A terminal narrower than the token cuts it
 * where the line is full and goes on with the rest on the next line: the
 * continuation is a line of token characters alone (inside the same box
 * borders, which are stripped). What is joined is decided by the token, not by
 * the next line: a line of token characters after a token may be a word
 * ("Done"), the same token again (a redrawn frame) or another one, so a
 * continuation is joined only while the token so far is visibly cut: it does
 * not yet end as every subscription token ends (`AA`), it is shorter than the
 * longest token, and the next line does not start a token of its own. A
 * joined token that still does not end in `AA` lost its end: it is reported
 * as cut, and {@link findSubscriptionToken} refuses it rather than store a
 * wrong token. (A cut falling right after an
 * `AA` inside a token, about one wrap in 4,000, is not joined: the partial
 * token is then stored, and fails its first request.)
 */
function joinWrappedTokens(lines: readonly string[]): { joined: string[]; cut: string[] } {
  const joined: string[] = [];
  const wrapped = new Set<number>();
  for (const line of lines) {
    const previous = joined.at(-1);
    const head = previous?.replace(LINE_FRAME, '');
    const start = head === undefined ? null : TOKEN_START.exec(head);
    const rest = line.replace(LINE_FRAME, '');
    if (
      head !== undefined &&
      start !== null &&
      !start[0].endsWith(COMPLETE_TOKEN_END) &&
      TOKEN_CONTINUATION.test(rest) &&
      !rest.includes('sk-ant-') &&
      start[0].length + rest.length <= MAX_TOKEN_LENGTH
    ) {
      joined[joined.length - 1] = head + rest;
      wrapped.add(joined.length - 1);
    } else joined.push(line);
  }
  const cut = [...wrapped]
    .map((index) => joined[index] ?? '')
    .filter((line) => !line.endsWith(COMPLETE_TOKEN_END));
  return { joined, cut };
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
 *   more than one different token, or a wrapped token whose end is missing;
 *   the message never echoes the text.
 */
export function findSubscriptionToken(text: string): string {
  const { joined: lines, cut } = joinWrappedTokens(stripTerminalCodes(text).split(/\r\n|\r|\n/));
  if (cut.length > 0)
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      'The input holds a token broken over several lines whose end is missing; nothing was stored.',
      {
        fix: 'give the whole token: claude-auth login --with-token < file-with-the-token',
        secrets: cut.map((line) => TOKEN_START.exec(line)?.[0]),
      },
    );
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
