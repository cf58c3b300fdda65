import { stat } from 'node:fs/promises';
import { hasUnknownAge } from '../../claude-code/subscription-token.js';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { loginCommand, refreshCommand } from '../../profile/fix-commands.js';
import { resolveProfile } from '../../profile/profile-paths.js';
import {
  credentialStanding,
  type StandingState,
  standingFix,
} from '../../refresh/credential-standing.js';
import { AutoSelectedStore } from '../../storage/auto-selected-store.js';
import { openStore } from '../../storage/open-store.js';
import { chooseBackend } from '../../store/backend-choice.js';
import type { CredentialStore, StoreDescription } from '../../store/credential-store.js';
import type {
  AccountInfo,
  AuthToken,
  CredentialKind,
  MachineGrant,
  MachineGrantType,
} from '../../token/auth-token.js';
import { describeSecretSource } from '../../token/secret-source.js';
import type { StoreChoice } from './store-choice.js';

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
  /** The token file, or for another backend where the credential lives (`store.location`). */
  path: string;
  /** The backend holding the credential, where it points (never a password) and why it was chosen. */
  store: StoreDescription;
  /** The file's permission bits in octal (`"600"`), or null when there is no file. */
  mode: string | null;
  kind: CredentialKind | null;
  state: ProfileState;
  account: AccountInfo | null;
  expiresAt: string | null;
  /** Seconds until expiry (negative once expired), null without a known expiry. */
  secondsLeft: number | null;
  hasRefreshToken: boolean;
  /** A machine credential's grant: renewed by repeating it, its secrets read from these places. */
  grant: GrantReport | null;
  issuer: string | null;
  apiBaseUrl: string | null;
  warnings: string[];
  /** The command that fixes the state, when something needs fixing. */
  fix: string | null;
  error: { code: string; message: string; fix?: string } | null;
}

/**
 * A machine grant as `status` reports it: its type and where each secret
 * comes from (`$VARIABLE` or a file path), never a secret.
 */
export interface GrantReport {
  type: MachineGrantType;
  clientSecret?: string;
  clientAssertionKey?: string;
  identityToken?: string;
}

function grantReport(grant: MachineGrant | undefined): GrantReport | null {
  if (grant === undefined) return null;
  return {
    type: grant.type,
    ...(grant.clientSecret !== undefined && {
      clientSecret: describeSecretSource(grant.clientSecret),
    }),
    ...(grant.clientAssertionKey !== undefined && {
      clientAssertionKey: describeSecretSource(grant.clientAssertionKey),
    }),
    ...(grant.subjectToken !== undefined && {
      identityToken: describeSecretSource(grant.subjectToken),
    }),
  };
}

/**
 * How `status` says where a machine grant's secrets come from, in one line.
 *
 * @param grant - From a {@link ProfileReport}.
 */
export function describeGrant(grant: GrantReport): string {
  const sources = [
    grant.clientSecret && `client secret from ${grant.clientSecret}`,
    grant.clientAssertionKey && `private_key_jwt key from ${grant.clientAssertionKey}`,
    grant.identityToken && `identity token from ${grant.identityToken}`,
  ].filter(Boolean);
  return `${grant.type} grant, acquired again when due${sources.length > 0 ? ` (${sources.join('; ')})` : ''}`;
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
 * @param choice - The store `--store` named, if any (else `CLAUDE_AUTH_STORE` decides).
 */
export async function reportProfile(
  profile: string,
  env: NodeJS.ProcessEnv,
  now = Date.now(),
  choice: StoreChoice = {},
): Promise<ProfileReport> {
  let store: CredentialStore;
  try {
    store = openStore({ profile, env, ...choice });
  } catch (error) {
    // A store that cannot even be opened (a malformed address, no store key): say which and why.
    const { path } = resolveProfile({ profile, env });
    const chosen = chooseBackend({ ...choice, env });
    const backend =
      chosen.kind === 'redis' || chosen.kind === 'keychain' ? chosen.kind : ('file' as const);
    return failed(
      emptyReport(profile, path, {
        backend,
        location: backend === 'file' ? path : '(not opened)',
        reason: `${chosen.from} could not be opened`,
      }),
      error,
    );
  }
  const description = store.describe();
  const report = emptyReport(profile, description.location, description);
  if (description.backend === 'file') {
    try {
      report.mode = ((await stat(description.location)).mode & 0o777).toString(8);
    } catch {
      // No file yet; `auto` may still choose the keychain on the read below.
    }
  }
  let token: AuthToken | null;
  try {
    token = (await store.read())?.token ?? null;
  } catch (error) {
    return failed(withChoice(report, store), error);
  }
  withChoice(report, store);
  if (store instanceof AutoSelectedStore) await noteBypassedLogin(report, store, profile);
  if (token === null) return report;
  return judged(report, token, profile, now);
}

/**
 * Under `auto`, a login the file holds while the keychain was chosen is one no
 * query uses: say so, and how to bring it over (or drop it), rather than
 * "not logged in" with a file in plain sight.
 */
async function noteBypassedLogin(
  report: ProfileReport,
  store: AutoSelectedStore,
  profile: string,
): Promise<void> {
  const file = await store.bypassed();
  if (file === undefined) return;
  const held = await file.read().then(
    (stored) => stored !== null,
    () => true,
  );
  if (!held) return;
  const flag = profile === 'default' ? '' : ` --profile ${profile}`;
  const { location, reason } = file.describe();
  report.warnings.push(`${location} holds a login (${reason}).`);
  if (report.state === 'not-logged-in')
    report.fix = `claude-auth storage move --from file --to keychain${flag}  # or claude-auth logout${flag} to remove it`;
}

/** `auto` decides on its first read: describe the store again after it. */
function withChoice(report: ProfileReport, store: CredentialStore): ProfileReport {
  const description = store.describe();
  report.store = description;
  if (description.backend !== 'file') {
    report.path = description.location;
    report.mode = null;
  }
  return report;
}

function emptyReport(profile: string, path: string, store: StoreDescription): ProfileReport {
  return {
    name: profile,
    path,
    store,
    mode: null,
    kind: null,
    state: 'not-logged-in',
    account: null,
    expiresAt: null,
    secondsLeft: null,
    hasRefreshToken: false,
    grant: null,
    issuer: null,
    apiBaseUrl: null,
    warnings: [],
    fix: loginCommand(profile),
    error: null,
  };
}

function failed(report: ProfileReport, error: unknown): ProfileReport {
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

/**
 * The `status --json` state of each standing (schema 1 names them so): a
 * token the library refreshes on its own is `valid`.
 */
const REPORTED_STATE: Record<StandingState, ProfileState> = {
  fresh: 'valid',
  advisory: 'valid',
  mandatory: 'valid',
  expired: 'expired',
  'renewal-due': 'expiring',
  'relogin-required': 'reauth-required',
};

function judged(report: ProfileReport, token: AuthToken, profile: string, now: number) {
  const left = token.remainingMs(now);
  Object.assign(report, {
    kind: token.kind,
    account: token.account ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    secondsLeft: Number.isFinite(left) ? Math.round(left / 1000) : null,
    hasRefreshToken: token.refreshToken !== undefined,
    grant: grantReport(token.grant),
    issuer: token.provider?.issuer ?? null,
    apiBaseUrl: token.provider?.apiBaseUrl ?? null,
    fix: null,
  });
  const standing = credentialStanding(token, now);
  report.state = REPORTED_STATE[standing.state];
  report.fix = standingFix(standing, profile, token.kind);
  if (token.kind === 'claude-subscription' && hasUnknownAge(token) && token.expiresAt !== null)
    report.warnings.push(
      `Its real expiry is unknown (the token was imported, its age with it): it expires ${token.expiresAt.toISOString()} at the latest. To know it, renew it: ${refreshCommand(profile)} --force`,
    );
  if (standing.state === 'renewal-due')
    report.warnings.push(
      `The ${token.kind === 'claude-subscription' ? 'subscription token' : 'token (it has no refresh token)'} expires ${relativeTime(left)}.`,
    );
  return report;
}
