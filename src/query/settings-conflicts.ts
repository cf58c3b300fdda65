import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BASE_URL_VARIABLE, destinationAllows } from '../auth/credential-destination.js';
import { CREDENTIAL_ENV_VARS, type ResolvedCredential } from '../auth/resolved-credential.js';
import { claudeConfigDir } from '../claude-code/claude-code-login.js';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';

/** A Claude Code setting source, as the agent SDK names them. */
export type SettingSource = 'user' | 'project' | 'local';

/** A setting that would override the credential claude-auth injects. */
export interface SettingsConflict {
  readonly file: string;
  readonly source: SettingSource;
  /** `apiKeyHelper`, or `env.<VARIABLE>`. */
  readonly key: string;
}

const OVERRIDING_ENV = new Set<string>(CREDENTIAL_ENV_VARS);

async function readSettings(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const data: unknown = JSON.parse(await readFile(file, 'utf8'));
    return typeof data === 'object' && data !== null
      ? (data as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds Claude Code settings that beat what claude-auth puts in the child's
 * environment: an `apiKeyHelper`, an `env` block setting a credential
 * variable, or one setting a base URL the credential may not go to (judged by
 * `destinationAllows`, as an inherited value: without `credential`, any base
 * URL). Claude Code applies those over `options.env`, so the query would
 * silently use another credential, or send it elsewhere.
 *
 * @param env - The child's environment (locates the user settings; its
 *   `ANTHROPIC_BASE_URL` is where the credential is meant to go).
 * @param cwd - The query's working directory (locates project and local settings).
 * @param sources - The setting sources the query loads (the SDK loads all by default).
 * @param credential - The credential being injected.
 */
export async function findSettingsConflicts(
  env: NodeJS.ProcessEnv,
  cwd: string,
  sources: readonly SettingSource[] = ['user', 'project', 'local'],
  credential?: ResolvedCredential,
): Promise<SettingsConflict[]> {
  const files: Record<SettingSource, string> = {
    user: join(claudeConfigDir(env), 'settings.json'),
    project: join(cwd, '.claude', 'settings.json'),
    local: join(cwd, '.claude', 'settings.local.json'),
  };
  const conflicts: SettingsConflict[] = [];
  for (const source of sources) {
    const file = files[source];
    const settings = await readSettings(file);
    if (settings === undefined) continue;
    if (typeof settings.apiKeyHelper === 'string' && settings.apiKeyHelper !== '')
      conflicts.push({ file, source, key: 'apiKeyHelper' });
    const block = settings.env;
    if (typeof block === 'object' && block !== null) {
      for (const [name, value] of Object.entries(block)) {
        const overrides =
          OVERRIDING_ENV.has(name) ||
          (name === BASE_URL_VARIABLE &&
            (credential === undefined ||
              typeof value !== 'string' ||
              !destinationAllows(credential, env[BASE_URL_VARIABLE], value)));
        if (overrides) conflicts.push({ file, source, key: `env.${name}` });
      }
    }
  }
  return conflicts;
}

/**
 * The error for conflicting settings: which file and key, and both ways out.
 *
 * @param conflicts - At least one conflict.
 */
export function settingsConflictError(conflicts: readonly SettingsConflict[]): AuthenticationError {
  const list = conflicts.map((c) => `"${c.key}" in ${c.file}`).join(', ');
  const sources = [...new Set(conflicts.map((c) => `'${c.source}'`))].join(', ');
  return new AuthenticationError(
    AuthErrorCode.SETTINGS_CONFLICT,
    `Claude Code settings would override the credential claude-auth injects: ${list}.`,
    {
      fix: `remove the setting, or leave its source out of options.settingSources (without ${sources}), e.g. settingSources: []`,
    },
  );
}
