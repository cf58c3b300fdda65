import { DEFAULT_PROFILE } from './profile-paths.js';
/**
 * The command that logs a profile in again, as the user would type it.
 *
 * @param profile - The profile, if known; the default profile needs no flag.
 */
export function loginCommand(profile) {
  return profile === undefined || profile === DEFAULT_PROFILE
    ? 'claude-auth login'
    : `claude-auth login --profile ${profile}`;
}
