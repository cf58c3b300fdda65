import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { claudeConfigDir } from '../claude-code/claude-code-login.js';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { claudeCodeVariableRole } from './claude-code-variables.js';
import { BASE_URL_VARIABLE, destinationAllows } from './credential-destination.js';
import {
  CUSTOM_HEADERS_VARIABLE,
  credentialHeaderLines,
  type ResolvedCredential,
} from './resolved-credential.js';

/** A Claude Code setting source, as the agent SDK names them. */
export type SettingSource = 'user' | 'project' | 'local';

/** A setting that would override the credential claude-auth injects. */
export interface SettingsConflict {
  /** The settings file, or `options.settings` for the query's own. */
  readonly file: string;
  /** `flag`: the query's `options.settings` (Claude Code's `--settings`). */
  readonly source: SettingSource | 'flag';
  /** `apiKeyHelper`, or `env.<VARIABLE>`. */
  readonly key: string;
}

/**
 * Whether a settings file's `env` entry would replace what claude-auth decided:
 * a credential, a provider switch or setting, or federation (the table of
 * Claude Code's variables). The base URL and custom headers are judged by
 * their values below.
 */
function overridesInjection(name: string): boolean {
  const role = claudeCodeVariableRole(name);
  return (
    name !== BASE_URL_VARIABLE &&
    name !== CUSTOM_HEADERS_VARIABLE &&
    (role === 'credential' || role === 'provider' || role === 'federation')
  );
}

/** `options.settings` as the place a conflict is named. */
const FLAG_SETTINGS = 'options.settings';

function asSettings(data: unknown): Record<string, unknown> | undefined {
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : undefined;
}

async function readSettings(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return asSettings(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return undefined;
  }
}

/**
 * Finds Claude Code settings that beat what claude-auth puts in the child's
 * environment: an `apiKeyHelper`, an `env` block setting a credential
 * variable (or an `Authorization`/`x-api-key` line of `ANTHROPIC_CUSTOM_HEADERS`), or one setting a base URL the credential may not go to (judged by
 * `destinationAllows`, as an inherited value: without `credential`, any base
 * URL). Claude Code applies those over `options.env`, so the query would
 * silently use another credential, or send it elsewhere.
 *
 * @param env - The child's environment (locates the user settings; its
 *   `ANTHROPIC_BASE_URL` is where the credential is meant to go).
 * @param cwd - The query's working directory (locates project and local settings).
 * @param sources - The setting sources the query loads (the SDK loads all by default).
 * @param credential - The credential being injected.
 * @param flag - The query's `options.settings` (a settings object, or a file's path), judged like a settings file.
 */
export async function findSettingsConflicts(
  env: NodeJS.ProcessEnv,
  cwd: string,
  sources: readonly SettingSource[] = ['user', 'project', 'local'],
  credential?: ResolvedCredential,
  flag?: string | object,
): Promise<SettingsConflict[]> {
  const files: Record<SettingSource, string> = {
    user: join(claudeConfigDir(env), 'settings.json'),
    project: join(cwd, '.claude', 'settings.json'),
    local: join(cwd, '.claude', 'settings.local.json'),
  };
  const found: {
    file: string;
    source: SettingsConflict['source'];
    settings: Record<string, unknown> | undefined;
  }[] = [];
  for (const source of sources)
    found.push({ file: files[source], source, settings: await readSettings(files[source]) });
  // Claude Code applies `options.settings` (its --settings flag) over options.env too.
  if (typeof flag === 'string')
    found.push({ file: flag, source: 'flag', settings: await readSettings(flag) });
  else if (flag !== undefined)
    found.push({ file: FLAG_SETTINGS, source: 'flag', settings: asSettings(flag) });
  const conflicts: SettingsConflict[] = [];
  for (const { file, source, settings } of found) {
    if (settings === undefined) continue;
    if (typeof settings.apiKeyHelper === 'string' && settings.apiKeyHelper !== '')
      conflicts.push({ file, source, key: 'apiKeyHelper' });
    const block = settings.env;
    if (typeof block === 'object' && block !== null) {
      for (const [name, value] of Object.entries(block)) {
        const overrides =
          overridesInjection(name) ||
          (name === CUSTOM_HEADERS_VARIABLE &&
            typeof value === 'string' &&
            credentialHeaderLines(value).length > 0) ||
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
  const fromFiles = conflicts.filter((c) => c.source !== 'flag');
  const sources = [...new Set(fromFiles.map((c) => `'${c.source}'`))].join(', ');
  const fixes = [
    ...(fromFiles.length < conflicts.length
      ? [`remove it from options.settings (a base URL goes in options.env)`]
      : []),
    ...(fromFiles.length > 0
      ? [
          `remove the setting, or leave its source out of options.settingSources (without ${sources}), e.g. settingSources: []`,
        ]
      : []),
  ];
  return new AuthenticationError(
    AuthErrorCode.SETTINGS_CONFLICT,
    `Claude Code settings would override the credential claude-auth injects: ${list}.`,
    { fix: fixes.join('; ') },
  );
}
