/** Environment variable choosing where credentials are stored (`file`, default). */
export const ENV_STORE = 'CLAUDE_AUTH_STORE';

/** Which backend a profile's store is, and what chose it: {@link chooseBackend}. */
export interface BackendChoice {
  /** The backend's kind; `unknown` for a value claude-auth knows no backend by. */
  readonly kind: 'file' | 'redis' | 'keychain' | 'auto' | 'unknown';
  /** The value as given (trimmed): a Redis URL keeps its address here. Empty for the default. */
  readonly given: string;
  /** What gave it: the `store` option's source (`--store`), or {@link ENV_STORE}. */
  readonly from: string;
  /** Whether the `store` option gave it (rather than the environment). */
  readonly fromOption: boolean;
}

/**
 * The one rule for which backend a store is: the `store` option, else
 * `CLAUDE_AUTH_STORE`, else the file. Every path asks it: `openStore`, the
 * CLI's fast answers and reports, the keychain's `auto` probe. Kept apart from
 * `openStore` (which loads every backend's code) so that a command that only
 * ever reads the file store can ask it without loading the others (issue 23).
 *
 * @param options - The `store` option and its source, and the environment.
 * @returns The choice; never throws (an unknown value is `kind: 'unknown'`).
 */
export function chooseBackend(options: {
  store?: string | undefined;
  storeSource?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}): BackendChoice {
  const env = options.env ?? process.env;
  const fromOption = options.store !== undefined;
  const given = (fromOption ? options.store : env[ENV_STORE])?.trim() ?? '';
  const from = fromOption ? (options.storeSource ?? 'the store option') : ENV_STORE;
  const value = given || 'file';
  // URL schemes are case-insensitive (RFC 3986 §3.1): `Redis://` names a Redis store too.
  const kind = /^rediss?:\/\//i.test(value)
    ? 'redis'
    : value === 'file' || value === 'keychain' || value === 'auto'
      ? value
      : 'unknown';
  return { kind, given, from, fromOption };
}
