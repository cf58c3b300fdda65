import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The scope Claude Code requires of a stored login before it uses it. */
const INFERENCE_SCOPE = 'user:inference';
/**
 * The directory Claude Code keeps its configuration in: `$CLAUDE_CONFIG_DIR`
 * (then only that one is read), else `~/.claude`.
 *
 * @param env - The environment Claude Code will run with.
 */
export function claudeConfigDir(env = process.env) {
  return env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude');
}
/**
 * Finds Claude Code's own login (`claude auth login`) in
 * `<config dir>/.credentials.json`, accepting it only as Claude Code does: with
 * the `user:inference` scope. macOS keeps it in the Keychain instead, where this
 * finds nothing; `claude auth status` still tells.
 *
 * @param env - The environment Claude Code will run with.
 * @returns The login, or `undefined` when there is none Claude Code would use.
 */
export async function readClaudeCodeLogin(env = process.env) {
  const path = join(claudeConfigDir(env), '.credentials.json');
  let data;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
  const oauth = data?.claudeAiOauth;
  if (typeof oauth?.accessToken !== 'string' || oauth.accessToken === '') return undefined;
  if (!Array.isArray(oauth.scopes) || !oauth.scopes.includes(INFERENCE_SCOPE)) return undefined;
  return {
    path,
    accessToken: oauth.accessToken,
    expiresAt: typeof oauth.expiresAt === 'number' ? new Date(oauth.expiresAt) : null,
    subscriptionType:
      typeof oauth.subscriptionType === 'string' ? oauth.subscriptionType : undefined,
  };
}
