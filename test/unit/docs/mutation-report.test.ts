import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { moduleHashes, recordedHashes } from '../../../mutation/mutated-modules.js';

const root = new URL('../../../', import.meta.url);
const report = await readFile(new URL('docs/mutation-report.md', root), 'utf8');

describe('docs/mutation-report.md', () => {
  it('was written for the security-critical modules as they are now', async () => {
    const recorded = recordedHashes(report);
    const changed = [...(await moduleHashes(root))]
      .filter(([file, hash]) => recorded.get(file) !== hash)
      .map(([file]) => file);
    expect(
      changed,
      'these modules changed after the mutation report was written: run `npm run test:mutation` and explain or kill its new survivors',
    ).toEqual([]);
  });
});
