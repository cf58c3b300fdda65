import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/**
 * The source files Stryker mutates, read from `stryker.config.mjs` (its
 * `mutate` entries without their line ranges), sorted.
 *
 * @param root - The project root.
 */
export async function mutatedModules(root: URL): Promise<string[]> {
  const config = (await import(new URL('stryker.config.mjs', root).href)).default as {
    mutate: string[];
  };
  return [...new Set(config.mutate.map((entry) => entry.replace(/:\d+(-\d+)?(:\d+)?$/, '')))]
    .filter((file) => !file.startsWith('!'))
    .sort();
}

/**
 * A short content hash of each mutated module, as the report records it: a
 * module whose hash differs from the report's changed after the report was written.
 *
 * @param root - The project root.
 * @returns File path → first 16 hex digits of its SHA-256.
 */
export async function moduleHashes(root: URL): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const file of await mutatedModules(root))
    hashes.set(file, contentHash(await readFile(new URL(file, root), 'utf8')));
  return hashes;
}

/**
 * The report's short content hash: the first 16 hex digits of the SHA-256 of
 * a module's text.
 *
 * @param text - The module's source.
 */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Reads the hashes a report recorded (the last column of its score table).
 *
 * @param report - The text of `docs/mutation-report.md`.
 */
export function recordedHashes(report: string): Map<string, string> {
  return new Map(
    [...report.matchAll(/^\| `(src\/[^`]+)` \|.*\| `([0-9a-f]{16})` \|$/gm)].map(
      (row) => [row[1], row[2]] as [string, string],
    ),
  );
}
