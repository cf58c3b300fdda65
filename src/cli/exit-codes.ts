import { AuthErrorCode } from '../errors/authentication-error.js';

/** The exit codes of `claude-auth`, documented in the README. */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** Any other failure. */
  ERROR: 1,
  /** Bad arguments: an unknown command or flag, a malformed value. */
  USAGE: 2,
  /** Not logged in: no credential at all. */
  NOT_LOGGED_IN: 3,
  /** The credential is expired or was refused: a new login is needed. */
  REAUTH_REQUIRED: 4,
  /** The user cancelled (Ctrl-C), as shells report SIGINT. */
  ABORTED: 130,
} as const;

/** One of {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit code for an error code.
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
    case AuthErrorCode.LOGIN_ABORTED:
      return ExitCode.ABORTED;
    default:
      return ExitCode.ERROR;
  }
}
