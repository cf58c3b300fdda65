import {
  type KeychainAccess,
  KeychainCallError,
} from '../../src/store/keychain/keychain-access.js';

/** A keychain in memory, for the logic above the native calls; `failOn` makes chosen calls throw. */
export class MemoryKeychain implements KeychainAccess {
  readonly service = 'claude-auth';
  readonly values = new Map<string, string>();
  /** Throws from `set` of the accounts this matches (a process dying mid-write, seen from outside). */
  failOn: ((operation: 'get' | 'set' | 'delete' | 'list', account: string) => boolean) | undefined;
  /** Runs before each call: what another process does at that moment. */
  before:
    | ((operation: 'get' | 'set' | 'delete' | 'list', account: string) => Promise<void>)
    | undefined;

  async get(account: string): Promise<string | null> {
    await this.before?.('get', account);
    this.#check('get', account);
    return this.values.get(account) ?? null;
  }

  async set(account: string, value: string): Promise<void> {
    await this.before?.('set', account);
    this.#check('set', account);
    this.values.set(account, value);
  }

  async delete(account: string): Promise<boolean> {
    await this.before?.('delete', account);
    this.#check('delete', account);
    return this.values.delete(account);
  }

  async accounts(): Promise<string[]> {
    this.#check('list', '');
    return [...this.values.keys()];
  }

  #check(operation: 'get' | 'set' | 'delete' | 'list', account: string): void {
    if (this.failOn?.(operation, account))
      throw new KeychainCallError(`injected failure: ${operation} ${account}`, false);
  }
}
