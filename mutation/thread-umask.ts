import { isMainThread } from 'node:worker_threads';

/*
 * Under Stryker the tests run in a worker thread, where `process.umask(mask)`
 * throws. Tests that widen the umask (to prove a file is created 0600 whatever
 * it is) then record the mask without applying it: their files are created
 * under the process's real umask (022), so a mutant that drops the explicit
 * 0600 still shows as 0644 and is killed.
 */
if (!isMainThread) {
  let recorded = process.umask();
  process.umask = ((mask?: string | number) => {
    const previous = recorded;
    if (mask !== undefined) recorded = typeof mask === 'string' ? Number.parseInt(mask, 8) : mask;
    return previous;
  }) as typeof process.umask;
}
