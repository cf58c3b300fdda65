import { type DefenceBoundary, renderDefenceBoundaries } from './defence-boundaries.js';
import type { MutantNote } from './mutant-note.js';
import { contentHash } from './mutated-modules.js';

/** The parts of Stryker's JSON report (mutation-testing-report-schema) the report reads. */
export interface StrykerResult {
  readonly files: Record<string, { readonly source: string; readonly mutants: readonly Mutant[] }>;
  readonly testFiles?: Record<
    string,
    { readonly tests: readonly { readonly id: string; readonly name: string }[] }
  >;
  readonly framework?: { readonly version?: string };
}

const sameMutant = (a: Mutant, b: Mutant) =>
  a.mutatorName === b.mutatorName &&
  a.replacement === b.replacement &&
  a.location.start.line === b.location.start.line &&
  a.location.start.column === b.location.start.column &&
  a.location.end.line === b.location.end.line &&
  a.location.end.column === b.location.end.column;

/**
 * Puts the static pass's results in place of the main pass's for the
 * mutants both made (the main pass ignores static ones). Test ids of the static pass get an `s` prefix, so the
 * killers of both passes can be named.
 *
 * @param main - The main pass (`ignoreStatic: true`).
 * @param staticPass - The pass over the module-level constants.
 */
export function mergeStaticPass(main: StrykerResult, staticPass: StrykerResult): StrykerResult {
  const files: Record<string, StrykerResult['files'][string]> = {};
  for (const [file, { source, mutants }] of Object.entries(main.files)) {
    const tested = staticPass.files[file]?.mutants ?? [];
    files[file] = {
      source,
      mutants: mutants.map((mutant) => {
        const replaced = tested.find((other) => sameMutant(mutant, other));
        return replaced === undefined
          ? mutant
          : {
              ...replaced,
              id: `s${replaced.id}`,
              ...(replaced.killedBy && { killedBy: replaced.killedBy.map((id) => `s${id}`) }),
            };
      }),
    };
  }
  const testFiles: NonNullable<StrykerResult['testFiles']> = { ...main.testFiles };
  for (const [file, { tests }] of Object.entries(staticPass.testFiles ?? {})) {
    testFiles[file] = {
      tests: [
        ...(testFiles[file]?.tests ?? []),
        ...tests.map((test) => ({ ...test, id: `s${test.id}` })),
      ],
    };
  }
  return { ...main, files, testFiles };
}

/** One mutant of Stryker's JSON report. */
export interface Mutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly killedBy?: readonly string[];
  readonly location: {
    readonly start: { readonly line: number; readonly column: number };
    readonly end: { readonly line: number; readonly column: number };
  };
}

/** How the last run went, for the report's header. */
export interface RunFacts {
  readonly seconds: number;
  readonly incremental: boolean;
  /** Rendered from the previous runs' JSON without running Stryker. */
  readonly reportOnly?: boolean;
  readonly finishedAt: Date;
}

/** Statuses that count against the score: the tests did not notice the mutant. */
const ALIVE = new Set(['Survived', 'NoCoverage']);
const DETECTED = new Set(['Killed', 'Timeout']);

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const clip = (text: string, max = 90) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const code = (text: string) => `\`${clip(text).replaceAll('`', "'")}\``;

/** The source text a mutant replaces (report locations are 1-based, the end exclusive). */
function originalText(source: string, mutant: Mutant): string {
  const lines = source.split('\n');
  const { start, end } = mutant.location;
  if (start.line === end.line)
    return oneLine((lines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1));
  const first = (lines[start.line - 1] ?? '').slice(start.column - 1);
  const last = (lines[end.line - 1] ?? '').slice(0, end.column - 1);
  const picked = [first, ...lines.slice(start.line, end.line - 1), last];
  return oneLine(picked.join('\n'));
}

const noteKey = (file: string, mutator: string, original: string, replacement: string) =>
  `${file}\u0000${mutator}\u0000${original}\u0000${replacement}`;

/**
 * Renders `docs/mutation-report.md`: the score per module, every surviving
 * mutant with its note (or "no reason written"), and the noted survivors of
 * earlier runs that a new test now kills.
 *
 * @param result - Stryker's JSON report.
 * @param notes - The notes on survivors.
 * @param hashes - Each mutated module's current content hash; a module Stryker has not
 *   run is listed with it. A module it ran is recorded with the hash of the source it
 *   mutated, so a change made while it ran still makes the report stale.
 * @param run - How long the run took and whether it reused earlier results.
 * @param boundaries - The defences' boundary tests, listed after the scores.
 * @returns The report, and the survivors that have no note (to write one).
 */
export function renderMutationReport(
  result: StrykerResult,
  notes: readonly MutantNote[],
  hashes: ReadonlyMap<string, string>,
  run: RunFacts,
  boundaries: readonly DefenceBoundary[] = [],
): { markdown: string; unexplained: MutantNote[] } {
  const byKey = new Map(
    notes.map((note) => [noteKey(note.file, note.mutator, note.original, note.replacement), note]),
  );
  const testNames = new Map<string, string>();
  for (const [file, { tests }] of Object.entries(result.testFiles ?? {}))
    for (const test of tests) testNames.set(test.id, `${file} › ${test.name}`);

  const rows: string[] = [];
  const survivors: string[] = [];
  const killedByNew: string[] = [];
  const unexplained: MutantNote[] = [];
  const totals = { detected: 0, alive: 0, invalid: 0, ignored: 0 };

  for (const file of Object.keys(result.files).sort()) {
    const { source, mutants } = result.files[file] as StrykerResult['files'][string];
    const count = (statuses: Set<string>) => mutants.filter((m) => statuses.has(m.status)).length;
    const detected = count(DETECTED);
    const alive = count(ALIVE);
    const invalid = count(new Set(['CompileError', 'RuntimeError']));
    const ignored = count(new Set(['Ignored']));
    totals.detected += detected;
    totals.alive += alive;
    totals.invalid += invalid;
    totals.ignored += ignored;
    rows.push(
      `| \`${file}\` | ${score(detected, alive)} | ${detected} | ${alive} | ${invalid} | ${ignored} | \`${contentHash(source)}\` |`,
    );

    const sorted = [...mutants].sort(
      (a, b) =>
        a.location.start.line - b.location.start.line ||
        a.location.start.column - b.location.start.column,
    );
    for (const mutant of sorted) {
      const original = originalText(source, mutant);
      const replacement = oneLine(mutant.replacement ?? '');
      const note = byKey.get(noteKey(file, mutant.mutatorName, original, replacement));
      const where = `\`${file}:${mutant.location.start.line}\``;
      const what = `${mutant.mutatorName}: ${code(original)} → ${code(replacement)}`;
      if (ALIVE.has(mutant.status)) {
        const status = mutant.status === 'NoCoverage' ? ' (no test covers it)' : '';
        if (note === undefined) {
          unexplained.push({
            file,
            mutator: mutant.mutatorName,
            original,
            replacement,
            verdict: 'not a defence',
            reason: '',
          });
          survivors.push(`- ${where} ${what}${status} — **no reason written**`);
        } else if (note.verdict === 'killed') {
          survivors.push(
            `- ${where} ${what}${status} — **expected killed by ${note.reason}, but survives**`,
          );
        } else {
          survivors.push(`- ${where} ${what}${status} — ${note.verdict}: ${note.reason}`);
        }
      } else if (note?.verdict === 'killed' && DETECTED.has(mutant.status)) {
        const killer = mutant.killedBy?.map((id) => testNames.get(id) ?? id).join('; ');
        killedByNew.push(`- ${where} ${what} — killed by ${killer || note.reason}`);
      }
    }
  }

  const notRun = [...hashes.keys()].filter((file) => result.files[file] === undefined).sort();
  for (const file of notRun)
    rows.push(`| \`${file}\` | not run yet | – | – | – | – | \`${hashes.get(file)}\` |`);

  const markdown = [
    '# Mutation testing of the security-critical modules',
    '',
    `Generated by \`npm run test:mutation\` (Stryker ${result.framework?.version ?? ''}, vitest runner,`,
    'TypeScript checker) — do not edit by hand; notes on survivors live in',
    '`mutation/notes/`, the mutated files and tests in `stryker.config.mjs` and',
    '`mutation/vitest.config.ts`.',
    '',
    run.reportOnly
      ? `Rendered ${run.finishedAt.toISOString()} from the last runs' results.`
      : `Last run: ${run.finishedAt.toISOString()}, ${Math.round(run.seconds)} s (${run.incremental ? 'incremental: unchanged mutants reused from `mutation/stryker-incremental.json`' : 'full'}).`,
    '',
    `**Mutation score: ${score(totals.detected, totals.alive)}** — ${totals.detected} mutants killed, ${totals.alive} alive, ${totals.invalid} rejected by the type checker, ${totals.ignored} ignored (not run).`,
    '',
    '## Score per module',
    '',
    'Score = killed ÷ (killed + alive); type-invalid mutants do not count. The hash is',
    "the module's content when it was mutated: `test/unit/docs/mutation-report.test.ts`",
    'fails when a module changed after this report was written.',
    '',
    'Stryker does not mutate `as const` literals, so three lists that carry a defence are',
    'checked instead by tests that write each entry out: the credential variables removed',
    "from Claude Code's environment (`test/unit/credentials/child-environment.test.ts`), the",
    'metadata endpoints judged https-or-loopback (`test/unit/oauth/provider-endpoints.test.ts`)',
    'and both spellings of the proxy exclusions (`child-environment.test.ts`).',
    '',
    '| module | score | killed | alive | type-invalid | not run | sha-256 |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...(boundaries.length === 0 ? [] : renderDefenceBoundaries(boundaries)),
    '## Surviving mutants',
    '',
    survivors.length === 0
      ? 'None.'
      : 'Each mutant the tests did not notice, with why that is not a removed defence.',
    '',
    ...survivors,
    '',
    '## Survivors of earlier runs killed by tests written for them',
    '',
    ...(killedByNew.length === 0 ? ['None yet.'] : killedByNew),
    '',
  ].join('\n');
  return { markdown, unexplained };
}

function score(detected: number, alive: number): string {
  const total = detected + alive;
  return total === 0 ? 'n/a' : `${((100 * detected) / total).toFixed(1)} %`;
}
