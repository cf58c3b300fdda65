import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../fixtures/package-root.js';

/**
 * Calls that start ICU, Node's internationalisation library: the first costs
 * about a third of a bare `node -e 0` (measured: an `Intl.ListFormat` built at
 * load time was 10 of `claude-auth token`'s 42 ms, issue 23). claude-auth's
 * messages are English and its orderings locale-independent, so it needs none.
 */
const STARTS_ICU = /\bIntl\.|\.localeCompare\(|\.toLocale(?:Date|Time|Upper|Lower)?String\(/;

describe('src/ starts no ICU', () => {
  it('uses no Intl object, localeCompare or toLocale…String, in code or at load time', async () => {
    const directory = join(PACKAGE_ROOT, 'src');
    const entries = await readdir(directory, { withFileTypes: true, recursive: true });
    const offenders: string[] = [];
    for (const entry of entries.filter((each) => each.isFile() && each.name.endsWith('.ts'))) {
      const file = join(entry.parentPath, entry.name);
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, index) => {
        const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
        if (STARTS_ICU.test(code))
          offenders.push(`${relative(PACKAGE_ROOT, file)}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
