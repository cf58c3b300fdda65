import { join } from 'node:path';
import { assertProfileName, CONFIG_FILE } from '../profile/profile-paths.js';
import { readPrivateFile, writePrivateFileAtomic } from '../store/file/secure-file.js';

/**
 * Makes `profile` the one used when no option or `$CLAUDE_AUTH_PROFILE` names
 * one, keeping any other settings in the directory's `config.json`.
 *
 * @param directory - The storage directory.
 * @param profile - The profile to make the default.
 * @throws {@link AuthenticationError} `CONFIG_INVALID`, or a storage error.
 */
export async function saveDefaultProfile(directory: string, profile: string): Promise<void> {
  assertProfileName(profile);
  const path = join(directory, CONFIG_FILE);
  let config: Record<string, unknown> = {};
  try {
    const text = await readPrivateFile(path);
    const parsed: unknown = text === null ? {} : JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      config = parsed as Record<string, unknown>;
  } catch {
    // An unreadable config holds nothing worth keeping but the choice being made now.
  }
  await writePrivateFileAtomic(
    path,
    `${JSON.stringify({ ...config, defaultProfile: profile }, null, 2)}\n`,
  );
}
