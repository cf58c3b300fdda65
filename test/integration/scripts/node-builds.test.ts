// scripts/node-builds.mjs: the official Node builds from the npm registry, cached and reused.
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../fixtures/package-root.js';
import { tempDir } from '../../helpers/temp-dir.js';

const SCRIPT = join(PACKAGE_ROOT, 'scripts', 'node-builds.mjs');
const LIST = JSON.parse(
  await readFile(join(PACKAGE_ROOT, 'scripts', 'node-versions.json'), 'utf8'),
);

/** Runs the script against `list` with its cache in `cache`: the builds it printed and its stderr. */
function runScript(list: string, cache: string) {
  const result = spawnSync(process.execPath, [SCRIPT], {
    encoding: 'utf8',
    env: { ...process.env, NODE_VERSIONS_LIST: list, CLAUDE_AUTH_NODE_CACHE: cache },
  });
  expect(result.status).toBe(0);
  return { builds: JSON.parse(result.stdout), stderr: result.stderr };
}

describe('node-builds.mjs', () => {
  it('fetches the pinned build into its cache once, then reuses it; the binary is that Node', async () => {
    const dir = await tempDir('node-builds-');
    const newest = LIST.versions.at(-1);
    const list = join(dir, 'versions.json');
    await writeFile(list, JSON.stringify({ versions: [newest], smoke: [] }));
    const cache = join(dir, 'cache');
    const first = runScript(list, cache);
    expect(first.stderr).toContain(`fetching Node ${newest.version}`);
    expect(first.builds).toEqual([{ ...newest, node: join(cache, newest.version, 'bin', 'node') }]);
    const node = spawnSync(first.builds[0].node, ['--version'], { encoding: 'utf8' });
    expect(node.stdout.trim()).toBe(`v${newest.version}`);
    const second = runScript(list, cache);
    expect(second.stderr).toBe('');
    expect(second.builds).toEqual(first.builds);
  }, 120_000);
});

describe('node-versions.json', () => {
  it('pins exact versions, one per major, oldest first, the newest running the whole suite', () => {
    const versions: { version: string; runs: string }[] = LIST.versions;
    for (const { version } of versions) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const majors = versions.map(({ version }) => Number(version.split('.')[0]));
    expect(majors).toEqual([...new Set(majors)].sort((a, b) => a - b));
    expect(versions.at(-1)?.runs).toBe('all');
  });

  it("is what package.json's engines names, with the oldest supported Node (this machine's) first", async () => {
    const { engines } = JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8'));
    const tested = LIST.versions.map(
      ({ version, floor }: { version: string; floor?: string }) =>
        `^${floor ?? version.split('.')[0]}`,
    );
    expect(engines.node).toBe(['^20.19.0', ...tested].join(' || '));
  });
});
