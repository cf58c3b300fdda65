import type { ProfileLocation } from '../profile/profile-paths.js';
import type { BackendChoice } from '../store/backend-choice.js';
import { FileCredentialStore } from '../store/file/file-credential-store.js';
import type { FileLockOptions } from '../store/file/file-lock.js';

/**
 * The file store of a profile's credential: the one way every path opens it
 * (`openStore`, `auto` falling back to the file, the CLI's fast answers).
 *
 * @param location - The credential's file and profile (`resolveProfile`).
 * @param reason - Why the file backend, for `status`.
 * @param lock - The cross-process lock's bounds.
 */
export function openFileStore(
  location: Pick<ProfileLocation, 'path' | 'profile'>,
  reason: string,
  lock?: FileLockOptions,
): FileCredentialStore {
  return new FileCredentialStore({
    path: location.path,
    profile: location.profile,
    reason,
    ...(lock !== undefined && { lock }),
  });
}

/**
 * Why the file backend was chosen, as `status` shows it.
 *
 * @param choice - From {@link chooseBackend}, of kind `file`.
 */
export function fileBackendReason(choice: BackendChoice): string {
  return choice.given === '' ? 'the default backend' : `chosen by ${choice.from}=file`;
}
