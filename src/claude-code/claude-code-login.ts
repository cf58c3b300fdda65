import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * Claude Code's own subscription login, as found in its credentials file or,
 * on macOS, its Keychain item. Read only, never written.
 */
export interface ClaudeCodeLogin {
  /** Where it was read: the credentials file, or `keychain:<service>/<account>` on macOS. */
  readonly path: string;
  /** Whether it came from the credentials file or the macOS Keychain. */
  readonly source: 'file' | 'keychain';
  readonly accessToken: string;
  /** When Claude Code's access token expires; Claude Code refreshes it itself. */
  readonly expiresAt: Date | null;
  /** `pro`, `max`, … when Claude Code recorded it. */
  readonly subscriptionType: string | undefined;
}

/** The scope Claude Code requires of a stored login before it uses it. */
const INFERENCE_SCOPE = 'user:inference';

/**
 * The directory Claude Code keeps its configuration in: `$CLAUDE_CONFIG_DIR`
 * (then only that one is read), else `~/.claude`.
 *
 * @param env - The environment Claude Code will run with.
 */
export function claudeConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude');
}

/** Reads one macOS Keychain item's secret: `undefined` when there is none or it cannot be read. */
export type KeychainItemReader = (service: string, account: string) => Promise<string | undefined>;

/** Options of {@link readClaudeCodeLogin}. */
export interface ClaudeCodeLoginOptions {
  /** The platform; default `process.platform`. Only macOS has the Keychain item. */
  platform?: NodeJS.Platform;
  /** Reads the Keychain item; default the `security` tool, as Claude Code itself does. */
  readKeychainItem?: KeychainItemReader;
}

/** How long reading Claude Code's Keychain item may take (a locked keychain fails, never hangs). */
const KEYCHAIN_READ_TIMEOUT_MS = 3000;

/**
 * The macOS Keychain item Claude Code keeps its login in (observed in Claude
 * Code 2.1): service `Claude Code-credentials`, with `-<first 8 hex of
 * sha256(config dir)>` appended when `CLAUDE_CONFIG_DIR` is set; account `$USER`
 * (names outside `[A-Za-z0-9._-]` become `claude-code-user`).
 *
 * @param env - The environment Claude Code will run with.
 */
export function claudeCodeKeychainItem(env: NodeJS.ProcessEnv = process.env): {
  service: string;
  account: string;
} {
  const configDir = env.CLAUDE_CONFIG_DIR;
  // node:crypto at first use, not at import: `status` loads this module and seldom needs it (issue 23).
  const suffix = configDir
    ? `-${process.getBuiltinModule('node:crypto').createHash('sha256').update(configDir.normalize('NFC')).digest('hex').slice(0, 8)}`
    : '';
  let user: string;
  try {
    user = env.USER || userInfo().username;
  } catch {
    user = '';
  }
  return {
    service: `Claude Code-credentials${suffix}`,
    account: /^[a-zA-Z0-9._-]+$/.test(user) ? user : 'claude-code-user',
  };
}

/** Reads a Keychain item with `security find-generic-password -w` (names on argv, never the secret). */
const securityTool: KeychainItemReader = (service, account) =>
  new Promise((resolve) => {
    // node:child_process at first use (macOS only), not at import: it loads node:net,
    // and `status` loads this module on every platform (issue 23).
    process
      .getBuiltinModule('node:child_process')
      .execFile(
        'security',
        ['find-generic-password', '-a', account, '-w', '-s', service],
        { timeout: KEYCHAIN_READ_TIMEOUT_MS, windowsHide: true },
        (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined),
      );
  });

/**
 * Parses Claude Code's credentials (the JSON of `.credentials.json`, also the
 * macOS Keychain item's secret), accepting them only as Claude Code does: with
 * the `user:inference` scope. `security -w` prints data that is not plain text
 * as hex; that is decoded first.
 *
 * @param text - The credentials' text.
 * @param where - Where they were read, for {@link ClaudeCodeLogin.path}.
 * @param source - Whether they came from the file or the Keychain.
 * @returns The login, or `undefined` when Claude Code would not use it.
 */
export function parseClaudeCodeCredentials(
  text: string,
  where: string,
  source: ClaudeCodeLogin['source'],
): ClaudeCodeLogin | undefined {
  const plain =
    /^(?:[0-9a-f]{2})+$/i.test(text.trim()) && !text.trim().startsWith('{')
      ? Buffer.from(text.trim(), 'hex').toString('utf8')
      : text;
  let data: unknown;
  try {
    data = JSON.parse(plain);
  } catch {
    return undefined;
  }
  const oauth = (data as { claudeAiOauth?: Record<string, unknown> } | null)?.claudeAiOauth;
  if (typeof oauth?.accessToken !== 'string' || oauth.accessToken === '') return undefined;
  if (!Array.isArray(oauth.scopes) || !oauth.scopes.includes(INFERENCE_SCOPE)) return undefined;
  return {
    path: where,
    source,
    accessToken: oauth.accessToken,
    expiresAt: typeof oauth.expiresAt === 'number' ? new Date(oauth.expiresAt) : null,
    subscriptionType:
      typeof oauth.subscriptionType === 'string' ? oauth.subscriptionType : undefined,
  };
}

/**
 * Finds Claude Code's own login (`claude auth login`), read only: on macOS its
 * Keychain item first (where Claude Code keeps it, see
 * {@link claudeCodeKeychainItem}), then `<config dir>/.credentials.json` (its
 * fallback, and the only place elsewhere). Accepted only as Claude Code does:
 * with the `user:inference` scope.
 *
 * @param env - The environment Claude Code will run with.
 * @param options - Platform and Keychain reader; see {@link ClaudeCodeLoginOptions}.
 * @returns The login, or `undefined` when there is none Claude Code would use.
 */
export async function readClaudeCodeLogin(
  env: NodeJS.ProcessEnv = process.env,
  options: ClaudeCodeLoginOptions = {},
): Promise<ClaudeCodeLogin | undefined> {
  if ((options.platform ?? process.platform) === 'darwin') {
    const { service, account } = claudeCodeKeychainItem(env);
    const secret = await (options.readKeychainItem ?? securityTool)(service, account);
    const found =
      secret === undefined
        ? undefined
        : parseClaudeCodeCredentials(secret, `keychain:${service}/${account}`, 'keychain');
    if (found !== undefined) return found;
  }
  const path = join(claudeConfigDir(env), '.credentials.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  return parseClaudeCodeCredentials(text, path, 'file');
}
