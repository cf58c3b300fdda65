import { DEFAULT_PROFILE } from './profile-paths.js';

/**
 * A `claude-auth` command line for a profile, as the user would type it: the
 * default profile needs no flag.
 */
function forProfile(command: string, profile: string | undefined): string {
  return profile === undefined || profile === DEFAULT_PROFILE
    ? `claude-auth ${command}`
    : `claude-auth ${command} --profile ${profile}`;
}

/**
 * The command that logs a profile in again, as the user would type it.
 *
 * @param profile - The profile, if known; the default profile needs no flag.
 */
export function loginCommand(profile?: string): string {
  return forProfile('login', profile);
}

/**
 * The command that refreshes (or, for a subscription token, renews) a
 * profile's credential, as the user would type it.
 *
 * @param profile - The profile, if known; the default profile needs no flag.
 */
export function refreshCommand(profile?: string): string {
  return forProfile('refresh', profile);
}
