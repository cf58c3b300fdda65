import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CREDENTIAL_ENV_VARS } from '../auth/resolved-credential.js';
import { claudeConfigDir } from '../claude-code/claude-code-login.js';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';

const OVERRIDING_ENV = new Set([...CREDENTIAL_ENV_VARS, 'ANTHROPIC_BASE_URL']);
async function readSettings(file) {
  try {
    const data = JSON.parse(await readFile(file, 'utf8'));
    return typeof data === 'object' && data !== null ? data : undefined;
  } catch {
    return undefined;
  }
}
/**
 * Finds Claude Code settings that beat what claude-auth puts in the child's
 * environment: an `apiKeyHelper`, or an `env` block setting a credential
 * variable or the base URL. Claude Code applies those over `options.env`, so
 * the query would silently use another credential.
 *
 * @param env - The child's environment (locates the user settings).
 * @param cwd - The query's working directory (locates project and local settings).
 * @param sources - The setting sources the query loads (the SDK loads all by default).
 */
export async function findSettingsConflicts(env, cwd, sources = ['user', 'project', 'local']) {
  const files = {
    user: join(claudeConfigDir(env), 'settings.json'),
    project: join(cwd, '.claude', 'settings.json'),
    local: join(cwd, '.claude', 'settings.local.json'),
  };
  const conflicts = [];
  for (const source of sources) {
    const file = files[source];
    const settings = await readSettings(file);
    if (settings === undefined) continue;
    if (typeof settings.apiKeyHelper === 'string' && settings.apiKeyHelper !== '')
      conflicts.push({ file, source, key: 'apiKeyHelper' });
    const block = settings.env;
    if (typeof block === 'object' && block !== null) {
      for (const name of Object.keys(block))
        if (OVERRIDING_ENV.has(name)) conflicts.push({ file, source, key: `env.${name}` });
    }
  }
  return conflicts;
}
/**
 * The error for conflicting settings: which file and key, and both ways out.
 *
 * @param conflicts - At least one conflict.
 */
export function settingsConflictError(conflicts) {
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
