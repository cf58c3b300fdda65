#!/usr/bin/env node
// The last step of `npm test`: the suite (or its smoke tests) again on each
// Node of scripts/node-versions.json, through the same Vitest, with that Node
// first on PATH so that every child the tests start (the built CLI, helpers)
// runs on it too. The build is shared: dist/ is plain ES2022 for Node >= 20.19.
import { spawnSync } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNode, nodeVersionList } from './node-builds.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const { versions, smoke } = nodeVersionList();

let failed = 0;
for (const { version, runs } of versions) {
  const build = ensureNode(version);
  if ('skip' in build) {
    console.log(`test-node-versions: Node ${version} skipped: ${build.skip}.`);
    continue;
  }
  const paths = runs === 'all' ? [] : smoke;
  console.log(
    `\ntest-node-versions: Node ${version}: ${runs === 'all' ? 'the whole suite' : `smoke (${paths.join(', ')})`}`,
  );
  const result = spawnSync(build.node, [vitest, 'run', ...paths], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${dirname(build.node)}${delimiter}${process.env.PATH ?? ''}` },
  });
  if (result.status !== 0) {
    console.log(
      `test-node-versions: Node ${version} FAILED (exit ${result.status ?? result.signal}).`,
    );
    failed += 1;
  }
}
process.exitCode = failed === 0 ? 0 : 1;
