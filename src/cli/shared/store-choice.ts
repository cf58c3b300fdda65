import { type Flags, stringFlag } from './command.js';

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
 */
export function storeChoice(flags: Flags): StoreChoice {
  const store = stringFlag(flags, 'store');
  return store === undefined ? {} : { store, storeSource: '--store' };
}
