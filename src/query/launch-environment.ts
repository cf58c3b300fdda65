import type { Options } from '@anthropic-ai/claude-agent-sdk';
import type { ResolvedCredential } from '../auth/resolved-credential.js';
import { childEnvironment } from './child-environment.js';
import {
  findSettingsConflicts,
  type SettingSource,
  settingsConflictError,
} from './settings-conflicts.js';

/**
 * The environment Claude Code is started with, checked before anything is
 * spawned: the credential injected where the destination policy allows
 * (`childEnvironment`), and no Claude Code setting that would override it.
 *
 * @param base - The inherited environment (normally `process.env`).
 * @param options - The query's options (`env`, `cwd`, `settingSources`).
 * @param credential - The credential to inject; none: the environment as merged, unchecked.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` (destination) or `SETTINGS_CONFLICT`.
 */
export async function launchEnvironment(
  base: NodeJS.ProcessEnv,
  options: Options,
  credential: ResolvedCredential | undefined,
): Promise<Record<string, string>> {
  const env = childEnvironment(base, options.env, credential);
  if (credential !== undefined) {
    const sources = options.settingSources as SettingSource[] | undefined;
    const cwd = options.cwd ?? process.cwd();
    const conflicts = await findSettingsConflicts(env, cwd, sources, credential);
    if (conflicts.length > 0) throw settingsConflictError(conflicts);
  }
  return env;
}
