import { type Flags, stringFlag, UsageError } from './command.js';

/**
 * The store `--store` names, as the options every store a command opens takes
 * (`openStore`'s `store` and `storeSource`), so what the command reports says
 * `--store` chose it. Empty without the flag: `CLAUDE_AUTH_STORE` decides.
 */
export interface StoreChoice {
  readonly store?: string;
  readonly storeSource?: string;
}

/**
 * The {@link StoreChoice} of a command's flags.
 *
 * @param flags - The command's parsed flags.
 * @throws {@link UsageError} for an empty `--store` (`--store ""`, an unset
 *   shell variable): taken as no choice, it would quietly use the file store
 *   where `CLAUDE_AUTH_STORE` names another.
 */
export function storeChoice(flags: Flags): StoreChoice {
  const store = stringFlag(flags, 'store');
  if (store === '')
    throw new UsageError(
      '--store needs a value: file, keychain, auto or a redis:// address (without --store, CLAUDE_AUTH_STORE decides)',
    );
  return store === undefined ? {} : { store, storeSource: '--store' };
}
