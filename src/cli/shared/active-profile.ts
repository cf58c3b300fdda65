import { chooseProfile, type ProfileChoice } from '../../profile/profile-paths.js';
import { type Flags, stringFlag } from './command.js';

/** The profile a command acts on, and what chose it. */
export interface ActiveProfile {
  readonly profile: string;
  readonly chosenBy: ProfileChoice;
}

/**
 * The profile a command acts on: `--profile`, else the rule of
 * {@link chooseProfile} (`CLAUDE_AUTH_PROFILE`, `profiles use`, `default`).
 * Commands resolve it once and pass the name on, so what they print is the
 * profile they used.
 *
 * @param flags - The command's parsed flags.
 * @param env - The command's environment.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` naming the flag's value or the variable.
 */
export function activeProfile(flags: Flags, env: NodeJS.ProcessEnv): ActiveProfile {
  const profile = stringFlag(flags, 'profile');
  return chooseProfile({ env, ...(profile !== undefined && { profile }) });
}
