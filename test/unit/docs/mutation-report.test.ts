import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../fixtures/package-root.js';
import {
  DEFENCE_BOUNDARIES,
  renderDefenceBoundaries,
} from '../../../mutation/defence-boundaries.js';
import { contentHash, moduleHashes, recordedHashes } from '../../../mutation/mutated-modules.js';
import { renderMutationReport, type StrykerResult } from '../../../mutation/mutation-report.js';

const root = pathToFileURL(`${PACKAGE_ROOT}/`);
const readReport = () => readFile(join(PACKAGE_ROOT, 'docs', 'mutation-report.md'), 'utf8');

// Mutation testing is too slow for `npm test` (README › Development), so these
// tests keep its report honest instead: it must describe today's code, and it
// must not show a survivor nobody has answered for (issue #15's "done").
describe('docs/mutation-report.md', () => {
  it('was written from the current content of every mutated module', async () => {
    const current = await moduleHashes(root);
    const recorded = recordedHashes(await readReport());
    const stale = [...current]
      .filter(([file, hash]) => recorded.get(file) !== hash)
      .map(([file]) => `${file}: changed since the report; run \`npm run test:mutation\``);
    expect(stale).toEqual([]);
    expect([...recorded.keys()].sort()).toEqual([...current.keys()].sort());
  });

  it('shows no surviving mutant without a verdict, and none that a test was meant to kill', async () => {
    const report = await readReport();
    const open = report
      .split('\n')
      .filter((line) => line.includes('no reason written') || line.includes('but survives'));
    expect(open).toEqual([]);
  });
});

describe("the defences' boundary tests (mutation/defence-boundaries.ts)", () => {
  it('are listed in the report as the module has them', async () => {
    expect(await readReport()).toContain(renderDefenceBoundaries(DEFENCE_BOUNDARIES).join('\n'));
  });

  it('name test files that exist and hold the titles named, and source files that exist', async () => {
    const missing: string[] = [];
    for (const { test, title, source } of DEFENCE_BOUNDARIES) {
      if (!existsSync(join(PACKAGE_ROOT, source))) missing.push(source);
      const text = await readFile(join(PACKAGE_ROOT, test), 'utf8').catch(() => '');
      if (!text.replace(/\s+/g, ' ').includes(title)) missing.push(`${test} › ${title}`);
    }
    expect(DEFENCE_BOUNDARIES.length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});

describe('renderMutationReport', () => {
  const source = "if (a === 'b') return;\n";
  const survivor = {
    id: '1',
    mutatorName: 'ConditionalExpression',
    replacement: 'true',
    status: 'Survived',
    location: { start: { line: 1, column: 5 }, end: { line: 1, column: 14 } },
  };
  const result: StrykerResult = { files: { 'src/x.ts': { source, mutants: [survivor] } } };
  const facts = { seconds: 1, incremental: false, finishedAt: new Date(0) };

  it('flags a survivor without a note, with the exact text a note must match', () => {
    const { markdown, unexplained } = renderMutationReport(result, [], new Map(), facts);
    expect(markdown).toContain('no reason written');
    expect(unexplained).toEqual([
      expect.objectContaining({
        file: 'src/x.ts',
        mutator: 'ConditionalExpression',
        original: "a === 'b'",
        replacement: 'true',
      }),
    ]);
  });

  it('prints the verdict of a noted survivor, and flags one a test was meant to kill', () => {
    const note = {
      file: 'src/x.ts',
      mutator: 'ConditionalExpression',
      original: "a === 'b'",
      replacement: 'true',
    } as const;
    const explained = renderMutationReport(
      result,
      [{ ...note, verdict: 'equivalent', reason: 'Nothing reads it.' }],
      new Map(),
      facts,
    );
    expect(explained.unexplained).toEqual([]);
    expect(explained.markdown).toContain('equivalent: Nothing reads it.');
    // The hash of the source Stryker mutated, not of the file when the report is written.
    expect(recordedHashes(explained.markdown).get('src/x.ts')).toBe(contentHash(source));

    const promised = renderMutationReport(
      result,
      [{ ...note, verdict: 'killed', reason: 'test/x.test.ts' }],
      new Map(),
      facts,
    );
    expect(promised.markdown).toContain('expected killed by test/x.test.ts, but survives');
  });
});
