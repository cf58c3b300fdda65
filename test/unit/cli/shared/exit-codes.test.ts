import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeFor } from '../../../../src/cli/shared/exit-codes.js';
import { AuthErrorCode } from '../../../../src/errors/authentication-error.js';

describe('exitCodeFor: the one mapping from error code to exit code', () => {
  it.each([
    [AuthErrorCode.NOT_LOGGED_IN, ExitCode.NOT_LOGGED_IN],
    [AuthErrorCode.NO_CREDENTIALS, ExitCode.NOT_LOGGED_IN],
    [AuthErrorCode.REAUTH_REQUIRED, ExitCode.REAUTH_REQUIRED],
    [AuthErrorCode.CONFIG_INVALID, ExitCode.USAGE],
    [AuthErrorCode.STORAGE_CORRUPT, ExitCode.STORE_UNREADABLE],
    [AuthErrorCode.STORAGE_VERSION_UNSUPPORTED, ExitCode.STORE_UNREADABLE],
    [AuthErrorCode.STORAGE_INSECURE, ExitCode.STORE_UNREADABLE],
    [AuthErrorCode.STORAGE_LOCK_TIMEOUT, ExitCode.STORE_UNREADABLE],
    [AuthErrorCode.STORAGE_IO, ExitCode.STORE_UNREADABLE],
    [AuthErrorCode.STORE_UNAVAILABLE, ExitCode.STORE_UNREADABLE],
    [AuthErrorCode.STORE_KEY_MISMATCH, ExitCode.STORE_UNREADABLE],
    [AuthErrorCode.LOGIN_ABORTED, ExitCode.ABORTED],
    [AuthErrorCode.TOKEN_ENDPOINT_ERROR, ExitCode.ERROR],
    [AuthErrorCode.CLI_LOGIN_FAILED, ExitCode.ERROR],
  ])('%s → %i', (code, exit) => {
    expect(exitCodeFor(code)).toBe(exit);
  });

  it('gives every error code a documented exit code', () => {
    const documented = new Set(Object.values(ExitCode));
    for (const code of Object.values(AuthErrorCode))
      expect(documented).toContain(exitCodeFor(code));
  });
});
