import { type ProfileOptions, sortProfiles } from '../profile/profile-paths.js';
import type {
  CredentialStore,
  CredentialTransaction,
  ProfileListingOptions,
  StoreDescription,
  StoredCredential,
  TransactionOptions,
} from '../store/credential-store.js';
import { type KeychainAccess, sharedKeychainAccess } from '../store/keychain/keychain-access.js';
import {
  announceFallback,
  type LocalStoreSelection,
  probeLocalStore,
} from '../store/keychain/keychain-selection.js';
import { KEYCHAIN_SERVICE, KeychainCredentialStore } from '../store/keychain/keychain-store.js';

/** The `auto` verdicts of this process, by where `auto` was asked for and the session bus. */
const verdicts = new Map<string, Promise<LocalStoreSelection>>();

/** Options of {@link AutoSelectedStore}. */
export interface AutoSelectedStoreOptions extends ProfileOptions {
  /** Where `auto` was asked for (`CLAUDE_AUTH_STORE`, `--store`), for the reason. */
  source: string;
  /** Opens the file store of the same profile, with the reason it was chosen. */
  openFile: (reason: string) => CredentialStore;
  /** The keychain to probe and then use; default the OS keychain. */
  keychain?: KeychainAccess;
  /** The platform; default `process.platform`. */
  platform?: NodeJS.Platform;
  /** Where the fallback notice goes (once per process); default stderr. */
  warn?: (text: string) => void;
}

/**
 * The store `auto` picks: the keychain when a write/read/delete probe succeeds
 * within 3 s (on Linux only with a D-Bus session), else the file, saying why
 * in {@link CredentialStore.describe} and once on stderr. The probe runs on the
 * first read, write or identity, not when the store is opened, so opening stays
 * synchronous and cheap; until then `describe()` says the choice is pending.
 */
export class AutoSelectedStore implements CredentialStore {
  readonly profile: string | undefined;
  readonly #options: AutoSelectedStoreOptions;
  #selection: Promise<CredentialStore> | undefined;
  #chosen: CredentialStore | undefined;

  /**
   * @param options - See {@link AutoSelectedStoreOptions}.
   */
  constructor(options: AutoSelectedStoreOptions) {
    this.#options = options;
    this.profile = options.profile;
  }

  describe(): StoreDescription {
    if (this.#chosen !== undefined) return this.#chosen.describe();
    const file = this.#options.openFile('').describe();
    return {
      ...file,
      reason: `${this.#options.source}=auto: not probed yet (the first read or write tries the keychain)`,
    };
  }

  async identity(): Promise<string> {
    return (await this.#store()).identity();
  }

  async read(): Promise<StoredCredential | null> {
    return (await this.#store()).read();
  }

  /**
   * The profiles of the chosen store and, when that is the keychain, those
   * with a login only in the file (which `status` then reports as not used),
   * so `status --all` shows them and `logout --all` reaches them.
   */
  async profiles(options: ProfileListingOptions = {}): Promise<string[]> {
    const chosen = await (await this.#store()).profiles(options);
    const file = await this.bypassed();
    return file === undefined
      ? chosen
      : sortProfiles(new Set([...chosen, ...(await file.profiles(options))]));
  }

  /**
   * Deleting a profile's credential (a logout, or the source's delete at the
   * end of a `storage move` away) deletes it from the file too when `auto`
   * chose the keychain: a login left there is one `auto` does not use, and one
   * it would bring back the day the keychain is locked and `auto` falls back
   * to the file.
   */
  async transact<T>(
    section: (tx: CredentialTransaction) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T> {
    return (await this.#store()).transact(
      (tx) =>
        section({
          ...tx,
          write: async (next, expected) => {
            const outcome = await tx.write(next, expected);
            if (outcome.written && next === null) await this.#deleteBypassed();
            return outcome;
          },
        }),
      options,
    );
  }

  /**
   * The file store of this profile when `auto` chose the keychain over it, so a
   * login there (made before the switch to `auto`) can be reported; `undefined`
   * when the file is what `auto` uses.
   */
  async bypassed(): Promise<CredentialStore | undefined> {
    const chosen = await this.#store();
    if (chosen.describe().backend !== 'keychain') return undefined;
    return this.#options.openFile(
      `not used: ${this.#options.source}=auto chose the keychain over it`,
    );
  }

  async #deleteBypassed(): Promise<void> {
    const file = await this.bypassed();
    if (file === undefined) return;
    await file.transact(async (tx) => {
      const revision = await tx.currentRevision();
      if (revision !== null) await tx.write(null, revision);
    });
  }

  /** The chosen store, probing once. */
  #store(): Promise<CredentialStore> {
    this.#selection ??= (async () => {
      const options = this.#options;
      const keychain = options.keychain ?? sharedKeychainAccess(KEYCHAIN_SERVICE);
      const probe = () =>
        probeLocalStore({
          source: options.source,
          keychain: () => keychain,
          ...(options.env !== undefined && { env: options.env }),
          ...(options.platform !== undefined && { platform: options.platform }),
        });
      // One verdict per process for the OS keychain: every store of a command agrees.
      let selection: LocalStoreSelection;
      if (options.keychain === undefined) {
        const key = `${options.source}\0${options.env?.DBUS_SESSION_BUS_ADDRESS ?? ''}`;
        let verdict = verdicts.get(key);
        if (verdict === undefined) {
          verdict = probe();
          verdicts.set(key, verdict);
          verdict.catch(() => verdicts.delete(key));
        }
        selection = await verdict;
      } else {
        selection = await probe();
      }
      announceFallback(selection, options.warn);
      this.#chosen =
        selection.backend === 'keychain'
          ? new KeychainCredentialStore({ ...options, access: keychain, reason: selection.reason })
          : options.openFile(selection.reason);
      return this.#chosen;
    })();
    return this.#selection;
  }
}
