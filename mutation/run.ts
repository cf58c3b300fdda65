// `npm run test:mutation`: runs Stryker (incrementally, unless given --force),
// then writes docs/mutation-report.md from its JSON report and the notes on survivors.
import { spawn } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { MUTANT_NOTES } from './mutant-notes.js';
import { moduleHashes } from './mutated-modules.js';
import { renderMutationReport, type StrykerResult } from './mutation-report.js';

const root = new URL('../../', import.meta.url);
const incrementalFile = new URL('mutation/stryker-incremental.json', root);
const args = process.argv.slice(2);
const incremental =
  !args.includes('--force') &&
  (await access(incrementalFile).then(
    () => true,
    () => false,
  ));

const started = performance.now();
const code = await new Promise<number | null>((resolve, reject) => {
  const stryker = spawn(
    process.execPath,
    [new URL('node_modules/@stryker-mutator/core/bin/stryker.js', root).pathname, 'run', ...args],
    { cwd: root, stdio: 'inherit' },
  );
  stryker.on('error', reject);
  stryker.on('close', resolve);
});
if (code !== 0) {
  console.error(`stryker exited with ${code}; the report was not rewritten.`);
  process.exit(1);
}
const seconds = (performance.now() - started) / 1000;

const result = JSON.parse(
  await readFile(new URL('reports/mutation/mutation.json', root), 'utf8'),
) as StrykerResult;
const { markdown, unexplained } = renderMutationReport(
  result,
  MUTANT_NOTES,
  await moduleHashes(root),
  { seconds, incremental, finishedAt: new Date() },
);
await writeFile(new URL('docs/mutation-report.md', root), markdown);
console.log(`Wrote docs/mutation-report.md (${Math.round(seconds)} s).`);
if (unexplained.length > 0) {
  console.log(
    `${unexplained.length} surviving mutants have no note; add to mutation/mutant-notes.ts:`,
  );
  for (const note of unexplained) console.log(`  ${JSON.stringify(note)},`);
}
if (markdown.includes('but survives'))
  console.log(
    'A mutant noted as killed still survives. Incremental runs do not re-test a surviving static (module-level) mutant against new tests: run `npm run test:mutation -- --force`.',
  );
