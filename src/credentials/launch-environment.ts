import type { Options } from '@anthropic-ai/claude-agent-sdk';
import { childEnvironment } from './child-environment.js';
import { BASE_URL_VARIABLE } from './credential-destination.js';
import type { ResolvedCredential } from './resolved-credential.js';
import {
  findSettingsConflicts,
  type SettingSource,
  settingsConflictError,
} from './settings-conflicts.js';

/** The `code` of the process warning emitted when an inherited `ANTHROPIC_BASE_URL` is not used for a subscription token. */
export const BASE_URL_IGNORED_WARNING_CODE = 'CLAUDE_AUTH_BASE_URL_IGNORED';
const warnedAboutBaseUrls = new Set<string>();

/** Says once per process and URL that an inherited base URL was left out, and how to opt in. */
function warnIfBaseUrlIgnored(
  base: NodeJS.ProcessEnv,
  env: Record<string, string>,
  credential: ResolvedCredential,
): void {
  const subscription =
    credential.kind === 'claude-subscription' || credential.kind === 'claude-code-login';
  const ignored = base[BASE_URL_VARIABLE];
  if (!subscription || !ignored || env[BASE_URL_VARIABLE] || warnedAboutBaseUrls.has(ignored))
    return;
  warnedAboutBaseUrls.add(ignored);
  process.emitWarning(
    `The inherited ANTHROPIC_BASE_URL is not used for the Claude subscription login: it goes to Anthropic's API. To send it there, set CLAUDE_AUTH_SUBSCRIPTION_BASE_URL to that URL (or ANTHROPIC_BASE_URL in the query's options.env).`,
    { code: BASE_URL_IGNORED_WARNING_CODE },
  );
}

/**
 * The environment Claude Code is started with, checked before anything is
 * spawned: the credential injected where the destination policy allows
 * (`childEnvironment`), and no Claude Code setting that would override it.
 *
 * @param base - The inherited environment (normally `process.env`).
 * @param options - The query's options (`env`, `cwd`, `settingSources`, `settings`).
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
    warnIfBaseUrlIgnored(base, env, credential);
    const sources = options.settingSources as SettingSource[] | undefined;
    const cwd = options.cwd ?? process.cwd();
    const conflicts = await findSettingsConflicts(env, cwd, sources, credential, options.settings);
    if (conflicts.length > 0) throw settingsConflictError(conflicts);
  }
  return env;
}
