import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
/** Environment variable naming the directory that holds the token files. */
export const ENV_STORAGE_DIR = 'CLAUDE_AUTH_DIR';
/** Environment variable naming the profile used when none is given. */
export const ENV_PROFILE = 'CLAUDE_AUTH_PROFILE';
/** The profile used when neither an option nor {@link ENV_PROFILE} names one. */
export const DEFAULT_PROFILE = 'default';
/** The default profile's file name, as the guide documents it. */
export const DEFAULT_TOKEN_FILE = 'tokens.json';
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/**
 * The directory that holds the token files: `$CLAUDE_AUTH_DIR`, else `~/.claude_code`.
 *
 * @param env - The environment to read.
 */
export function storageDirectory(env = process.env) {
  const fromEnv = env[ENV_STORAGE_DIR];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(homedir(), '.claude_code');
}
/**
 * Checks a profile name: letters, digits, `-` and `_`, at most 64 characters,
 * so that it is always a plain file name.
 *
 * @param name - The profile name to check.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` for anything else.
 */
export function assertProfileName(name) {
  // "tokens" would name the default profile's file under a second name.
  if (!PROFILE_NAME.test(name) || name === 'tokens') {
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      `"${name.slice(0, 80)}" is not a valid profile name: use letters, digits, "-" and "_" (at most 64; not "tokens").`,
      { fix: 'claude-auth status --all  # lists the existing profiles' },
    );
  }
}
/**
 * The token file of a profile. The `default` profile is `tokens.json` (the
 * guide's path); any other profile `NAME` is `NAME.json` beside it, so the
 * guide's `~/.claude_code/work.json` is the profile `work`.
 *
 * @param options - See {@link ProfileOptions}.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` for an invalid profile name.
 */
export function resolveProfile(options = {}) {
  const env = options.env ?? process.env;
  const profile = options.profile ?? (env[ENV_PROFILE] || DEFAULT_PROFILE);
  assertProfileName(profile);
  const directory = options.directory ?? storageDirectory(env);
  const file = profile === DEFAULT_PROFILE ? DEFAULT_TOKEN_FILE : `${profile}.json`;
  return { profile, directory, path: join(directory, file) };
}
/**
 * The names of the profiles that have a token file in `directory`, sorted, with
 * `default` first when present.
 *
 * @param directory - The storage directory.
 */
export async function listProfiles(directory) {
  let names;
  try {
    names = await readdir(directory);
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
  const profiles = names
    .filter((name) => name.endsWith('.json'))
    .map((name) => (name === DEFAULT_TOKEN_FILE ? DEFAULT_PROFILE : name.slice(0, -'.json'.length)))
    .filter((name) => PROFILE_NAME.test(name));
  return profiles.sort((a, b) =>
    a === DEFAULT_PROFILE ? -1 : b === DEFAULT_PROFILE ? 1 : a.localeCompare(b),
  );
}
