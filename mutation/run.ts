// `npm run test:mutation`: runs Stryker's two passes (incrementally, unless
// given --force): the defence-bearing code with per-test coverage, then the
// module-level constants against their modules' own tests; then writes
// docs/mutation-report.md from both JSON reports and the notes on survivors.
import { spawn } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { DEFENCE_BOUNDARIES } from './defence-boundaries.js';
import { MUTANT_NOTES } from './mutant-notes.js';
import { moduleHashes } from './mutated-modules.js';
import { mergeStaticPass, renderMutationReport, type StrykerResult } from './mutation-report.js';

const root = new URL('../../', import.meta.url);
const incrementalFile = new URL('mutation/stryker-incremental.json', root);
const args = process.argv.slice(2);
const incremental =
  !args.includes('--force') &&
  (await access(incrementalFile).then(
    () => true,
    () => false,
  ));

function stryker(...configFile: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        new URL('node_modules/@stryker-mutator/core/bin/stryker.js', root).pathname,
        'run',
        ...configFile,
        ...args,
      ],
      { cwd: root, stdio: 'inherit' },
    );
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`stryker exited with ${code}; the report was not rewritten.`)),
    );
  });
}

const readResult = async (name: string) =>
  JSON.parse(await readFile(new URL(`reports/mutation/${name}`, root), 'utf8')) as StrykerResult;

// --report-only: re-render the report from the last runs' JSON (after editing the notes).
const reportOnly = args.includes('--report-only');
const started = performance.now();
if (!reportOnly) {
  await stryker();
  await stryker('mutation/stryker.static.config.mjs');
}
const seconds = (performance.now() - started) / 1000;

const result = mergeStaticPass(
  await readResult('mutation.json'),
  await readResult('mutation.static.json'),
);
const { markdown, unexplained } = renderMutationReport(
  result,
  MUTANT_NOTES,
  await moduleHashes(root),
  { seconds, incremental, reportOnly, finishedAt: new Date() },
  DEFENCE_BOUNDARIES,
);
await writeFile(new URL('docs/mutation-report.md', root), markdown);
console.log(`Wrote docs/mutation-report.md (${Math.round(seconds)} s).`);
if (unexplained.length > 0) {
  console.log(
    `${unexplained.length} surviving mutants have no note; add to mutation/notes/<module>.ts:`,
  );
  for (const note of unexplained) console.log(`  ${JSON.stringify(note)},`);
}
if (markdown.includes('but survives'))
  console.log(
    'A mutant noted as killed still survives. Incremental runs do not re-test a surviving static (module-level) mutant against new tests: run `npm run test:mutation -- --force`.',
  );
