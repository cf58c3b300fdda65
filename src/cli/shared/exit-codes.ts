import { AuthErrorCode } from '../../errors/authentication-error.js';

/** The exit codes of `claude-auth`, documented in the README. */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** Any other failure. */
  ERROR: 1,
  /** Bad arguments or configuration: an unknown command or flag, a malformed value. */
  USAGE: 2,
  /** Not logged in: no credential at all. */
  NOT_LOGGED_IN: 3,
  /** The credential is expired or was refused: a new login is needed. */
  REAUTH_REQUIRED: 4,
  /**
   * A login may exist but cannot be read now (store unreachable, wrong store
   * key, insecure or corrupt file, lock held): fix the store, do not log in again.
   */
  STORE_UNREADABLE: 5,
  /** The user cancelled (Ctrl-C), as shells report SIGINT. */
  ABORTED: 130,
} as const;

/** One of {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The one mapping from an error code to the exit code every command returns
 * for it. Exhaustive: a new error code does not compile until it is placed here.
 *
 * @param code - An {@link AuthErrorCode}.
 */
export function exitCodeFor(code: AuthErrorCode): ExitCode {
  switch (code) {
    case AuthErrorCode.NOT_LOGGED_IN:
    case AuthErrorCode.NO_CREDENTIALS:
      return ExitCode.NOT_LOGGED_IN;
    case AuthErrorCode.REAUTH_REQUIRED:
      return ExitCode.REAUTH_REQUIRED;
    case AuthErrorCode.CONFIG_INVALID:
      return ExitCode.USAGE;
    case AuthErrorCode.STORAGE_CORRUPT:
    case AuthErrorCode.STORAGE_VERSION_UNSUPPORTED:
    case AuthErrorCode.STORAGE_INSECURE:
    case AuthErrorCode.STORAGE_LOCK_TIMEOUT:
    case AuthErrorCode.STORAGE_IO:
    case AuthErrorCode.STORE_UNAVAILABLE:
    case AuthErrorCode.STORE_KEY_MISMATCH:
      return ExitCode.STORE_UNREADABLE;
    case AuthErrorCode.LOGIN_ABORTED:
      return ExitCode.ABORTED;
    case AuthErrorCode.TOKEN_ENDPOINT_ERROR:
    case AuthErrorCode.INVALID_RESPONSE:
    case AuthErrorCode.STATE_MISMATCH:
    case AuthErrorCode.ISSUER_MISMATCH:
    case AuthErrorCode.ACCESS_DENIED:
    case AuthErrorCode.AUTHORIZATION_ERROR:
    case AuthErrorCode.LOGIN_TIMEOUT:
    case AuthErrorCode.PORT_IN_USE:
    case AuthErrorCode.DEVICE_CODE_EXPIRED:
    case AuthErrorCode.IDENTITY_TOKEN_EXPIRED:
    case AuthErrorCode.REVOCATION_FAILED:
    case AuthErrorCode.CLI_NOT_FOUND:
    case AuthErrorCode.CLI_LOGIN_FAILED:
    case AuthErrorCode.API_AUTH_FAILED:
    case AuthErrorCode.SETTINGS_CONFLICT:
    case AuthErrorCode.SDK_UNSUPPORTED:
      return ExitCode.ERROR;
    default:
      return unplaced(code);
  }
}

function unplaced(code: never): ExitCode {
  // An error from a newer library than this CLI: a failure, not a crash.
  void code;
  return ExitCode.ERROR;
}

/**
 * The exit code for several logins shown at once (`mcp status`): the worst
 * state decides, so a script sees a refused or unreadable login among good
 * ones. Worst is the highest code: an unreadable store (5) hides every login
 * behind it, a refused one (4) needs a login, a missing one (3) only lacks it.
 *
 * @param problems - Each login's problem as the error a command reading it would fail with, or `undefined` when it is usable.
 * @returns {@link ExitCode.OK} when every login is usable; the worst {@link exitCodeFor} otherwise.
 */
export function worstExitCode(problems: readonly (AuthErrorCode | undefined)[]): ExitCode {
  return problems.reduce<ExitCode>(
    (worst, code) =>
      code === undefined ? worst : (Math.max(worst, exitCodeFor(code)) as ExitCode),
    ExitCode.OK,
  );
}
