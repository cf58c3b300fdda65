import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);
const readme = await readFile(new URL('README.md', root), 'utf8');
const blocks = [...readme.matchAll(/```ts\n\/\/ examples\/([a-z-]+\.ts)\n([\s\S]*?)\n```/g)];

/** The code without its leading comment lines. */
const code = (text: string) => text.replace(/^(\/\/.*\n)+/, '').trimEnd();

describe('README examples', () => {
  it('shows several examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  it.each(blocks.map((block) => [block[1] as string, block[2] as string]))(
    'shows examples/%s exactly as the file that `npm test` type-checks',
    async (file, shown) => {
      expect(code(shown)).toBe(code(await readFile(new URL(`examples/${file}`, root), 'utf8')));
    },
  );
});
