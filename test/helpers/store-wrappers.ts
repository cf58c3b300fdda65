import type { CredentialStore, CredentialTransaction } from '../../src/store/credential-store.js';

/**
 * `store` with every transaction's operations passed through `wrap`: how tests
 * stall, pause or "kill" a writer at a chosen step of the one-writer transaction.
 */
export function wrapTransactions(
  store: CredentialStore,
  wrap: (tx: CredentialTransaction) => CredentialTransaction,
): CredentialStore {
  return {
    profile: store.profile,
    describe: () => store.describe(),
    identity: () => store.identity(),
    profiles: () => store.profiles(),
    read: () => store.read(),
    transact: (section, options) => store.transact((tx) => section(wrap(tx)), options),
  };
}
