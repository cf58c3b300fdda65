import { stat } from 'node:fs/promises';
import { AuthenticationError } from '../errors/authentication-error.js';
import { refreshWindows } from '../refresh/refresh-policy.js';
import { loginCommand } from '../storage/fix-commands.js';
import { resolveProfile } from '../storage/profile-paths.js';
import { TokenStorage } from '../storage/token-storage.js';
import type { AccountInfo, CredentialKind } from '../token/auth-token.js';

/** How a profile's credential stands. */
export type ProfileState =
  | 'valid'
  | 'expiring'
  | 'expired'
  | 'reauth-required'
  | 'not-logged-in'
  | 'error';

/** A profile as `status --json` reports it (schema version 1; fields are only ever added). */
export interface ProfileReport {
  name: string;
  path: string;
  /** The file's permission bits in octal (`"600"`), or null when there is no file. */
  mode: string | null;
  kind: CredentialKind | null;
  state: ProfileState;
  account: AccountInfo | null;
  expiresAt: string | null;
  /** Seconds until expiry (negative once expired), null without a known expiry. */
  secondsLeft: number | null;
  hasRefreshToken: boolean;
  issuer: string | null;
  apiBaseUrl: string | null;
  warnings: string[];
  /** The command that fixes the state, when something needs fixing. */
  fix: string | null;
  error: { code: string; message: string; fix?: string } | null;
}

/**
 * Describes a time difference the way people say it: "in 3 days", "5 minutes ago".
 *
 * @param ms - Milliseconds from now (negative: in the past).
 */
export function relativeTime(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  const size = Math.abs(ms);
  const [unit, name] = units.find(([length]) => size >= length) ?? [1000, 'second'];
  const count = Math.floor(size / unit);
  const phrase = `${count} ${name}${count === 1 ? '' : 's'}`;
  return ms >= 0 ? `in ${phrase}` : `${phrase} ago`;
}

/**
 * Reports one profile's stored credential, never its secrets.
 *
 * @param profile - The profile name.
 * @param env - The environment (storage directory).
 * @param now - The current time in epoch milliseconds.
 */
export async function reportProfile(
  profile: string,
  env: NodeJS.ProcessEnv,
  now = Date.now(),
): Promise<ProfileReport> {
  const { path } = resolveProfile({ profile, env });
  const report: ProfileReport = {
    name: profile,
    path,
    mode: null,
    kind: null,
    state: 'not-logged-in',
    account: null,
    expiresAt: null,
    secondsLeft: null,
    hasRefreshToken: false,
    issuer: null,
    apiBaseUrl: null,
    warnings: [],
    fix: loginCommand(profile),
    error: null,
  };
  try {
    report.mode = ((await stat(path)).mode & 0o777).toString(8);
  } catch {
    return report;
  }
  let token: Awaited<ReturnType<TokenStorage['loadToken']>>;
  try {
    token = await new TokenStorage(path, profile).loadToken();
  } catch (error) {
    const failure = error instanceof AuthenticationError ? error : undefined;
    report.state = 'error';
    report.error = failure
      ? {
          code: failure.code,
          message: failure.message,
          ...(failure.fix !== undefined && { fix: failure.fix }),
        }
      : { code: 'UNKNOWN', message: String(error) };
    report.fix = failure?.fix ?? null;
    return report;
  }
  if (token === null) return report;
  const left = token.remainingMs(now);
  Object.assign(report, {
    kind: token.kind,
    account: token.account ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    secondsLeft: Number.isFinite(left) ? Math.round(left / 1000) : null,
    hasRefreshToken: token.refreshToken !== undefined,
    issuer: token.provider?.issuer ?? null,
    apiBaseUrl: token.provider?.apiBaseUrl ?? null,
    fix: null,
  });
  const refreshFlag = profile === 'default' ? '' : ` --profile ${profile}`;
  if (token.reauthRequired) {
    report.state = 'reauth-required';
    report.fix = loginCommand(profile);
  } else if (left <= 0) {
    report.state = token.refreshToken !== undefined ? 'expired' : 'reauth-required';
    report.fix =
      token.refreshToken !== undefined
        ? `claude-auth refresh${refreshFlag}`
        : loginCommand(profile);
  } else if (token.kind === 'claude-subscription' && left <= refreshWindows(token, now).renewalMs) {
    report.state = 'expiring';
    report.warnings.push(`The subscription token expires ${relativeTime(left)}.`);
    report.fix = `claude-auth refresh${refreshFlag}`;
  } else {
    report.state = 'valid';
  }
  return report;
}
