import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../fixtures/package-root.js';

const security = () => readFile(join(PACKAGE_ROOT, 'SECURITY.md'), 'utf8');

async function testFiles(): Promise<string[]> {
  const entries = await readdir(join(PACKAGE_ROOT, 'test'), { recursive: true });
  // `readdir` gives Windows separators on Windows; SECURITY.md names paths with `/`.
  return entries
    .filter((entry) => entry.endsWith('.test.ts'))
    .map((entry) => `test/${entry.replaceAll('\\', '/')}`);
}

// A quotation mark is dropped before comparing: a title may quote a word
// ('… only "plain" …') that SECURITY.md, itself quoting the title, leaves bare.
const comparable = (text: string) => text.replace(/["'“”]/g, '').replace(/\s+/g, ' ');

// SECURITY.md's promise is that each defence names the test that fails without
// it. These keep the names true when tests are renamed or moved: a table that
// points at nothing would read as covered and be untested.
describe('SECURITY.md', () => {
  it('names only test files that exist, each bare file name matching exactly one', async () => {
    const text = await security();
    const files = await testFiles();
    const named = [...text.matchAll(/`((?:test\/)?[\w./-]+\.test\.ts)`/g)].map(
      (m) => m[1] as string,
    );
    expect(named.length).toBeGreaterThan(30);
    const unresolved = named.filter((name) =>
      name.startsWith('test/')
        ? !files.includes(name)
        : files.filter((file) => file.endsWith(`/${name}`)).length !== 1,
    );
    expect(unresolved).toEqual([]);
  });

  it('quotes only test titles that the named file contains ("…" stands for a part left out)', async () => {
    const text = await security();
    const files = await testFiles();
    const missing: string[] = [];
    let quoted = 0;
    for (const [, name, titles] of text.matchAll(
      /`((?:test\/)?[\w./-]+\.test\.ts)` › ((?:"[^"]+"(?:, | and | or )?)+)/g,
    )) {
      const file = files.find((f) => f === name || f.endsWith(`/${name}`)) as string;
      const source = comparable(await readFile(join(PACKAGE_ROOT, file), 'utf8'));
      for (const title of (titles as string).match(/"[^"]+"/g) ?? []) {
        quoted += 1;
        for (const part of title.slice(1, -1).split('…'))
          if (part.trim() !== '' && !source.includes(comparable(part).trim()))
            missing.push(`${file}: ${part.trim()}`);
      }
    }
    expect(quoted).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('names, first in each row of its tables, a test that needs no browser and no Claude Code', async () => {
    const text = await security();
    const files = await testFiles();
    const rows = text
      .split('\n')
      .filter((line) => line.startsWith('| ') && !/^\| (countermeasure|defence) \|/.test(line));
    expect(rows.length).toBeGreaterThan(25);
    const firsts = rows.map((row) => {
      const lastColumn = row.slice(row.lastIndexOf(' | '));
      const name = /`((?:test\/)?[\w./-]+\.test\.ts)`/.exec(lastColumn)?.[1];
      const file = files.find((f) => f === name || f.endsWith(`/${name}`));
      return { row: row.slice(2, 60), file };
    });
    // test/e2e drives Chromium or the Claude Code binary; test/chaos is a long multi-process run.
    const wanting = firsts.filter(
      ({ file }) => file === undefined || /^test\/(e2e|chaos)\//.test(file),
    );
    expect(wanting).toEqual([]);
  });

  it('names only source files and folders that exist', async () => {
    const text = await security();
    const paths = [...text.matchAll(/`(src\/[\w./*-]+)`/g)].map((m) => m[1] as string);
    expect(paths.length).toBeGreaterThan(10);
    const absent = paths.filter((path) => !existsSync(join(PACKAGE_ROOT, path.replace(/\*$/, ''))));
    expect(absent).toEqual([]);
  });
});
