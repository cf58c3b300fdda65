import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../fixtures/package-root.js';

/** The commands of the README's first code block: what a newcomer types first. */
async function readmeCommands(): Promise<string[]> {
  const readme = await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const block = /^```sh\n([\s\S]*?)^```/m.exec(readme)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

/** The commands `.ci/run` runs, without its shell preamble (`set …`, `cd …`) and comments. */
async function ciCommands(): Promise<string[]> {
  const script = await readFile(join(PACKAGE_ROOT, '.ci', 'run'), 'utf8');
  return script
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .filter((line) => !/^(set|cd) /.test(line));
}

describe("the README's commands and what runs them", () => {
  it('the README names every Debian package of scripts/test-tools.json', async () => {
    const readme = await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Running the tests'));
    const list = JSON.parse(
      await readFile(join(PACKAGE_ROOT, 'scripts', 'test-tools.json'), 'utf8'),
    ) as { tools: { package: string }[] };
    const unnamed = list.tools.filter((tool) => !section.includes(`\`${tool.package}\``));
    expect(unnamed).toEqual([]);
  });

  it("runs the README's first commands verbatim, then the bench, and nothing else", async () => {
    const readme = await readmeCommands();
    expect(readme).toContain('npm ci && npm start');
    expect(readme.some((command) => command.endsWith('npm test'))).toBe(true);
    expect(await ciCommands()).toEqual([...readme, 'npm run bench']);
  });
});
