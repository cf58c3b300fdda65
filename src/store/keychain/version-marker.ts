import { randomBytes } from 'node:crypto';
import { readPrivateFile, writePrivateFileAtomic } from '../file/secure-file.js';

/** A write that was started but may not have finished: its parts may be left in the keychain. */
export interface PendingWrite {
  readonly revision: string;
  /** How many entries the record spans, the head included. */
  readonly entries: number;
}

interface MarkerContents {
  counter: number;
  pending?: PendingWrite;
}

/**
 * The version marker of a keychain credential: a private file beside its lock
 * file that holds no secret, only a counter and the write in progress. Keychains
 * have no compare-and-swap, so the revision a write compares against is read
 * under the lock; the counter makes every new revision unique for this
 * credential, also after a logout (the keychain then holds nothing to count from).
 * Only the lock holder writes it.
 */
export class VersionMarker {
  /**
   * @param path - The marker file.
   */
  constructor(readonly path: string) {}

  /** The write a killed process may have left half done, if any. */
  async pending(): Promise<PendingWrite | undefined> {
    return (await this.#read()).pending;
  }

  /**
   * Reserves the next revision and records the write as pending, before any of
   * its entries is written.
   *
   * @param entries - How many entries the record will span.
   * @returns The new revision: the counter, then random digits in case the marker was lost.
   */
  async begin(entries: number): Promise<string> {
    const contents = await this.#read();
    const counter = contents.counter + 1;
    const revision = `${counter}.${randomBytes(4).toString('hex')}`;
    await this.#write({ counter, pending: { revision, entries } });
    return revision;
  }

  /** Records that no write is pending any more. */
  async settle(): Promise<void> {
    const contents = await this.#read();
    if (contents.pending !== undefined) await this.#write({ counter: contents.counter });
  }

  async #read(): Promise<MarkerContents> {
    const text = await readPrivateFile(this.path);
    if (text === null) return { counter: 0 };
    try {
      const data = JSON.parse(text) as Partial<MarkerContents>;
      const counter = Number.isSafeInteger(data.counter) ? (data.counter as number) : 0;
      const pending = data.pending;
      return typeof pending?.revision === 'string' && Number.isInteger(pending.entries)
        ? { counter, pending: { revision: pending.revision, entries: pending.entries } }
        : { counter };
    } catch {
      // A damaged marker costs only the counter; the random part keeps revisions unique.
      return { counter: 0 };
    }
  }

  #write(contents: MarkerContents): Promise<void> {
    return writePrivateFileAtomic(this.path, `${JSON.stringify(contents)}\n`);
  }
}
