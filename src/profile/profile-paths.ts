// fs/promises at first use (`promises.readdir`), not at import: see src/store/file/file-system.ts.
import { promises, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { osHomeDirectory } from '../platform/os-home.js';

/** Environment variable naming the directory that holds the token files. */
export const ENV_STORAGE_DIR = 'CLAUDE_AUTH_DIR';
/** Environment variable naming the profile used when none is given. */
export const ENV_PROFILE = 'CLAUDE_AUTH_PROFILE';
/** The profile used when neither an option nor {@link ENV_PROFILE} names one. */
export const DEFAULT_PROFILE = 'default';
/** The default profile's file name, as the guide documents it. */
export const DEFAULT_TOKEN_FILE = 'tokens.json';
/** Settings of claude-auth itself (the chosen default profile), beside the token files. */
export const CONFIG_FILE = 'config.json';
/**
 * The file naming each profile's MCP servers (`src/mcp/mcp-server-index.ts`),
 * beside the token files. Holds no secret.
 */
export const MCP_SERVER_INDEX_FILE = 'mcp-servers.json';
/**
 * Names that are claude-auth's own files of the directory, not profiles: a
 * profile of that name would be written over the file, and every listing would
 * show the file as a broken profile.
 */
const RESERVED_NAMES = new Set(
  [DEFAULT_TOKEN_FILE, CONFIG_FILE, MCP_SERVER_INDEX_FILE].map((file) =>
    file.slice(0, -'.json'.length),
  ),
);
/**
 * The reserved names as messages list them: `"a", "b", or "c"` (what
 * `Intl.ListFormat('en', { type: 'disjunction' })` gave). Joined by hand: any
 * `Intl` object built at load time starts ICU, about 10 ms of every command's
 * start-up (issue 23).
 */
const RESERVED_LIST = ((names: string[]) =>
  names.length < 3 ? names.join(' or ') : `${names.slice(0, -1).join(', ')}, or ${names.at(-1)}`)(
  [...RESERVED_NAMES].map((name) => `"${name}"`),
);

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Where token files live and which profile is meant, resolved from options and the environment. */
export interface ProfileLocation {
  /** The profile's name. */
  readonly profile: string;
  /** The directory of all profiles. */
  readonly directory: string;
  /** The profile's token file. */
  readonly path: string;
}

/** Options that pick a profile; every one falls back to the environment. */
export interface ProfileOptions {
  /** The profile; default `$CLAUDE_AUTH_PROFILE`, then `default`. */
  profile?: string;
  /** The storage directory; default `$CLAUDE_AUTH_DIR`, then `~/.claude_code`. */
  directory?: string;
  /** The environment to read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * A credential of the profile other than its own model credential: an MCP
   * login's {@link CredentialName} (see `src/mcp/mcp-credential-name.ts`). Its
   * record sits beside the profile's under this name in every backend.
   */
  credential?: CredentialName;
}

/**
 * The store name of a credential that is not a profile's model credential:
 * `<kind>.<profile>.<key>`. The dots keep it out of the profile alphabet, so it
 * can never be mistaken for a profile, and enumeration tells it apart by them.
 */
export interface CredentialName {
  /** What kind of credential it is (`mcp`). */
  readonly kind: 'mcp';
  /** A key unique within the profile and kind: letters, digits, `-` and `_`. */
  readonly key: string;
}

const CREDENTIAL_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/** The account's home directory from the user database (`/etc/passwd`), if it has one. */
function accountHome(): string {
  return process.getBuiltinModule('node:os').userInfo().homedir;
}

/**
 * The home directory, the one place it is derived: `os.homedir()` (`$HOME`)
 * when absolute. An empty or relative `$HOME` (`HOME=` in a script) is no
 * home: `os.homedir()` returns it as it is, and the tokens would be written
 * below whatever the current directory is (a git checkout). The account's
 * home from the user database is used instead, when absolute.
 *
 * @param home - The home as the environment gives it (default `os.homedir()`, through {@link osHomeDirectory}).
 * @param account - The account's home (default `os.userInfo().homedir`).
 * @throws {@link AuthenticationError} `CONFIG_INVALID` naming `HOME` and
 *   `CLAUDE_AUTH_DIR` when neither gives an absolute directory.
 */
export function homeDirectory(home: string = osHomeDirectory(), account = accountHome): string {
  if (isAbsolute(home)) return home;
  let fallback = '';
  try {
    fallback = account();
  } catch {
    // No user database entry (a container's arbitrary uid): no fallback.
  }
  if (isAbsolute(fallback)) return fallback;
  throw new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `HOME=${JSON.stringify(home.slice(0, 80))} is not an absolute directory, and this account has no home directory to use instead.`,
    {
      fix: `set HOME to your home directory, or ${ENV_STORAGE_DIR} to the directory for the token files`,
    },
  );
}

/** The storage directory when `$CLAUDE_AUTH_DIR` names none: `~/.claude_code`. */
export function defaultStorageDirectory(): string {
  return join(homeDirectory(), '.claude_code');
}

/**
 * The directory that holds the token files: `$CLAUDE_AUTH_DIR`, else `~/.claude_code`.
 *
 * @param env - The environment to read.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` when it is the
 *   default and there is no home directory ({@link homeDirectory}).
 */
export function storageDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[ENV_STORAGE_DIR];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : defaultStorageDirectory();
}

/**
 * Whether a name is a profile's: letters, digits, `-` and `_`, at most 64
 * characters, not a reserved file name. A store's other credentials (an MCP
 * login's `mcp.<profile>.<key>`) are not, so enumerations keep them apart.
 *
 * @param name - The name to judge.
 */
export function isProfileName(name: string): boolean {
  return PROFILE_NAME.test(name) && !RESERVED_NAMES.has(name);
}

/**
 * Checks a profile name: letters, digits, `-` and `_`, at most 64 characters,
 * so that it is always a plain file name.
 *
 * @param name - The profile name to check.
 * @param from - Where the name came from (`CLAUDE_AUTH_PROFILE`), named in the
 *   message and the fix: a bad variable must be recognisable as the cause.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` for anything else.
 */
export function assertProfileName(name: string, from?: string): void {
  // A reserved name would name another file of the directory.
  if (!isProfileName(name)) {
    const shown = `"${name.slice(0, 80)}"`;
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      `${from === undefined ? shown : `${from}=${shown}`} is not a valid profile name: use letters, digits, "-" and "_" (at most 64; not ${RESERVED_LIST}).`,
      {
        fix:
          from === undefined
            ? 'claude-auth status --all  # lists the existing profiles'
            : `unset ${from}, or set it to a profile that claude-auth status --all lists`,
      },
    );
  }
}

/**
 * The profile chosen with `claude-auth profiles use NAME`, if any. Read
 * synchronously: it is one small file, and profile resolution is synchronous.
 *
 * @param directory - The storage directory.
 */
export function chosenDefaultProfile(directory: string): string | undefined {
  try {
    const config: unknown = JSON.parse(readFileSync(join(directory, CONFIG_FILE), 'utf8'));
    const name = (config as { defaultProfile?: unknown } | null)?.defaultProfile;
    return typeof name === 'string' && isProfileName(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** What chose the profile, in the order they are asked. */
export type ProfileChoice = 'option' | typeof ENV_PROFILE | 'profiles use' | 'default';

/**
 * The one rule for which profile is meant: the option, else
 * `$CLAUDE_AUTH_PROFILE`, else the profile chosen with `claude-auth profiles
 * use`, else `default`. Every command and {@link resolveProfile} ask here, so
 * what a command reports is the profile it used.
 *
 * @param options - See {@link ProfileOptions}.
 * @returns The profile's name and what chose it.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` for an invalid name,
 *   naming `CLAUDE_AUTH_PROFILE` when the variable gave it.
 */
export function chooseProfile(options: ProfileOptions = {}): {
  profile: string;
  chosenBy: ProfileChoice;
} {
  const env = options.env ?? process.env;
  const choice = (): { profile: string; chosenBy: ProfileChoice } => {
    if (options.profile !== undefined) return { profile: options.profile, chosenBy: 'option' };
    const fromEnv = env[ENV_PROFILE];
    if (fromEnv) return { profile: fromEnv, chosenBy: ENV_PROFILE };
    const chosen = chosenDefaultProfile(options.directory ?? storageDirectory(env));
    return chosen !== undefined
      ? { profile: chosen, chosenBy: 'profiles use' }
      : { profile: DEFAULT_PROFILE, chosenBy: 'default' };
  };
  const chosen = choice();
  assertProfileName(chosen.profile, chosen.chosenBy === ENV_PROFILE ? ENV_PROFILE : undefined);
  return chosen;
}

/**
 * The token file of a profile, chosen by `chooseProfile` (one rule for every command). The `default`
 * profile is `tokens.json` (the guide's path); any other profile `NAME` is
 * `NAME.json` beside it, so the guide's `~/.claude_code/work.json` is the profile `work`. The
 * directory is returned absolute and normalised (no trailing slash, `.` or `..`).
 *
 * @param options - See {@link ProfileOptions}.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` for an invalid profile name.
 */
export function resolveProfile(options: ProfileOptions = {}): ProfileLocation {
  const env = options.env ?? process.env;
  // One directory, one name: `dir/`, `dir//` and `./dir` are the same profiles, and the
  // keychain names its entries after the directory (a literal spelling would lose them).
  const directory = resolve(options.directory ?? storageDirectory(env));
  const { profile } = chooseProfile({ ...options, env, directory });
  const credential = options.credential;
  if (credential !== undefined) {
    if (!CREDENTIAL_KEY.test(credential.key))
      throw new AuthenticationError(
        AuthErrorCode.CONFIG_INVALID,
        `"${credential.key.slice(0, 80)}" is not a valid ${credential.kind} credential key.`,
      );
    const name = `${credential.kind}.${profile}.${credential.key}`;
    return { profile: name, directory, path: join(directory, `${name}.json`) };
  }
  const file = profile === DEFAULT_PROFILE ? DEFAULT_TOKEN_FILE : `${profile}.json`;
  return { profile, directory, path: join(directory, file) };
}

/**
 * The names of the profiles that have a token file in `directory`, sorted, with
 * `default` first when present.
 *
 * @param directory - The storage directory.
 */
export async function listProfiles(directory: string): Promise<string[]> {
  let names: string[];
  try {
    names = await promises.readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  // A file names a profile only if that profile's file is it: `default.json` is not the
  // default profile's (tokens.json is), nor `config.json` a profile's.
  const profiles = names
    .filter((name) => name.endsWith('.json') && name !== `${DEFAULT_PROFILE}.json`)
    .map((name) => (name === DEFAULT_TOKEN_FILE ? DEFAULT_PROFILE : name.slice(0, -'.json'.length)))
    .filter(isProfileName);
  return sortProfiles(profiles);
}

/** Case-insensitive order of two names, ties by code unit. */
function byName(a: string, b: string): number {
  const [lowerA, lowerB] = [a.toLowerCase(), b.toLowerCase()];
  if (lowerA !== lowerB) return lowerA < lowerB ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Profile names in the order every listing shows them: `default` first, then by
 * name, case-insensitively (ties by code unit). The same order on every machine,
 * whatever its locale, and without `localeCompare`, which starts ICU (about
 * 10 ms of start-up).
 *
 * @param names - Profile names, each once.
 * @returns A new, sorted array.
 */
export function sortProfiles(names: Iterable<string>): string[] {
  return [...names].sort((a, b) =>
    a === DEFAULT_PROFILE ? -1 : b === DEFAULT_PROFILE ? 1 : byName(a, b),
  );
}
