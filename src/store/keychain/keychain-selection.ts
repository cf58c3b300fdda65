import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import { ENV_STORE } from '../backend-choice.js';
import { resolveOptionalPackage } from '../optional-package.js';
import type { KeychainAccess } from './keychain-access.js';

/** Environment variable choosing where credentials live: `keychain`, `file` or `auto`. */
/** The backend chosen, and why, in words `status` shows. */
export interface LocalStoreSelection {
  readonly backend: 'keychain' | 'file';
  readonly reason: string;
  /** Set when `auto` fell back to the file: what the user is told once on stderr. */
  readonly fallback?: string;
}

/** How long the `auto` probe may take before the keychain counts as unusable, in ms. */
export const AUTO_PROBE_TIMEOUT_MS = 3000;

/**
 * The `auto` probe's account: each probe writes, reads back and deletes
 * `claude-auth-probe#<uuid>` (never a profile's name); older versions used the
 * bare name, which listings still skip.
 */
export const PROBE_ACCOUNT = 'claude-auth-probe';

/** Options of {@link probeLocalStore}. */
export interface LocalStoreSelectionOptions {
  /** What chose `auto` (`CLAUDE_AUTH_STORE`, `--store`), for the reason. */
  source: string;
  /** The environment; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The platform; default `process.platform`. */
  platform?: NodeJS.Platform;
  /** The keychain the `auto` probe tries (made only when needed). */
  keychain: () => KeychainAccess;
  /** Bound of the whole probe, in ms; default {@link AUTO_PROBE_TIMEOUT_MS}. */
  probeTimeoutMs?: number;
}

/**
 * Why the keychain cannot work here before trying it: on Linux the Secret
 * Service is reached over the D-Bus session bus, and without one the keyring
 * library would fall back to the kernel keyring, which is lost at reboot.
 *
 * @returns The reason, or `undefined` when the keychain may be tried.
 */
export function keychainUnreachable(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): string | undefined {
  if (platform === 'linux' && !env.DBUS_SESSION_BUS_ADDRESS) {
    return 'there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset), so no Secret Service';
  }
  return undefined;
}

/**
 * The error for an explicitly chosen keychain that cannot be reached.
 *
 * @param source - Where the keychain was chosen (`CLAUDE_AUTH_STORE`, `--store`).
 * @param unreachable - Why it cannot be reached (from {@link keychainUnreachable}).
 */
export function keychainUnreachableError(source: string, unreachable: string): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.STORE_UNAVAILABLE,
    `${source}=keychain, but the OS keychain cannot be reached: ${unreachable}. Nothing was written.`,
    {
      fix: `run inside a desktop session (or start one: dbus-run-session, then gnome-keyring-daemon --unlock), or keep credentials in a file: ${ENV_STORE}=file`,
    },
  );
}

/**
 * Refuses a keychain chosen explicitly that cannot work here, the missing
 * package first: its fix (`npm install @napi-rs/keyring`) is needed whatever
 * the session bus, and a D-Bus fix alone would only lead to it.
 *
 * @param source - Where the keychain was chosen (`CLAUDE_AUTH_STORE`, `--store`).
 * @param env - The environment (its D-Bus address).
 * @param platform - The platform.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` without the package;
 *   `STORE_UNAVAILABLE` ({@link keychainUnreachableError}) without a session bus.
 */
export function assertKeychainUsable(
  source: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): void {
  resolveOptionalPackage('@napi-rs/keyring', import.meta.url);
  const unreachable = keychainUnreachable(env, platform);
  if (unreachable !== undefined) throw keychainUnreachableError(source, unreachable);
}

/**
 * Writes, reads back and deletes a throwaway entry, all within `timeoutMs`.
 *
 * @returns `undefined` when the keychain works, else why not.
 */
export async function probeKeychain(
  keychain: KeychainAccess,
  timeoutMs: number,
): Promise<string | undefined> {
  const end = Date.now() + timeoutMs;
  // An entry of this probe's own: processes started together probe at once, and
  // one reading back another's value (or finding it deleted) would fall back to
  // the file while the others use the keychain, two backends with no common
  // lease. `#` keeps it from ever reading as a profile name.
  // node:crypto at first use, not at import: the file store's commands load this module (issue 23).
  const { randomUUID } = process.getBuiltinModule('node:crypto');
  const account = `${PROBE_ACCOUNT}#${randomUUID()}`;
  const value = randomUUID();
  try {
    await keychain.set(account, value, end - Date.now());
    const read = await keychain.get(account, end - Date.now());
    await keychain.delete(account, end - Date.now());
    return read === value ? undefined : 'the keychain did not return what the probe wrote';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * `auto`: the keychain only after a write/read/delete probe succeeds within
 * 3 s (on Linux only with a D-Bus session), else the file, saying why. A
 * keychain that fails is never replaced by a file silently. Which backend was
 * asked for is `chooseBackend`'s rule (src/store/backend-choice.ts); this is
 * only what `auto` then finds.
 *
 * @param options - See {@link LocalStoreSelectionOptions}.
 */
export async function probeLocalStore(
  options: LocalStoreSelectionOptions,
): Promise<LocalStoreSelection> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const { source } = options;
  const failure =
    keychainUnreachable(env, platform) ??
    (await probeKeychain(options.keychain(), options.probeTimeoutMs ?? AUTO_PROBE_TIMEOUT_MS));
  if (failure === undefined) {
    return {
      backend: 'keychain',
      reason: `${source}=auto: the keychain passed a write/read/delete probe`,
    };
  }
  const reason = `${source}=auto: the keychain is not usable (${failure}), so the file`;
  return {
    backend: 'file',
    reason,
    fallback: `claude-auth: ${reason}. Set ${ENV_STORE}=file to silence this, or unlock the keychain.`,
  };
}

let fallbackAnnounced = false;

/**
 * Tells the user once per process, on stderr, that `auto` fell back to the file.
 *
 * @param selection - What {@link probeLocalStore} chose.
 * @param write - Where to write (default `process.stderr`).
 */
export function announceFallback(
  selection: LocalStoreSelection,
  write: (text: string) => void = (text) => process.stderr.write(text),
): void {
  if (selection.fallback === undefined || fallbackAnnounced) return;
  fallbackAnnounced = true;
  write(`${selection.fallback}\n`);
}
