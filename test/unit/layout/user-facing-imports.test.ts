import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../fixtures/package-root.js';

/** What users run: `npm start` (sandbox/), `npm run bench` (bench/) and the fixtures both use. */
const USER_FACING = ['sandbox', 'bench', 'fixtures'];

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|mts|mjs|js)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('what users run does not import tests', () => {
  it('sandbox/, bench/ and fixtures/ import nothing from test/ and not vitest', async () => {
    const offenders: string[] = [];
    for (const dir of USER_FACING) {
      for (const file of await sources(join(PACKAGE_ROOT, dir))) {
        const text = await readFile(file, 'utf8');
        for (const [, specifier] of text.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g))
          if (specifier?.startsWith('vitest') || /(^|\/)test\//.test(specifier ?? ''))
            offenders.push(`${relative(PACKAGE_ROOT, file)} → ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
