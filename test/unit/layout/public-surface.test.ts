import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../fixtures/package-root.js';
import * as api from '../../../src/index.js';

/** The README's section on the API: from its heading to the next section of the same level. */
async function apiSection(): Promise<string> {
  const readme = await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## The API');
  const end = readme.indexOf('\n## ', start + 1);
  expect(start, 'README.md has a "## The API" section').toBeGreaterThan(-1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** Every identifier written as code (a `code span` or a fenced block) in `markdown`. */
function namesInCode(markdown: string): Set<string> {
  const code = [
    ...[...markdown.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((block) => block[1] ?? ''),
    ...[...markdown.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map(
      (span) => span[1] ?? '',
    ),
  ];
  return new Set(code.flatMap((text) => text.match(/[A-Za-z_$][\w$]*/g) ?? []));
}

/** DESIGN §3: the guide's names in TypeScript idiom. */
const GUIDE_NAMES = [
  'query',
  'queryWithOAuth',
  'queryWithApiKey',
  'authenticatedQuery',
  'queryWithMiddleware',
  'AuthenticationMiddleware',
  'login',
  'logout',
  'getAuthHeaders',
  'OAuthConfig',
  'OAuthFlow',
  'ClaudeAuth',
  'TokenStorage',
  'AuthToken',
  'AuthenticationError',
];

describe('the public surface (src/index.ts)', () => {
  it('exports no value that README › The API does not document', async () => {
    const documented = namesInCode(await apiSection());
    const undocumented = Object.keys(api)
      .filter((name) => !documented.has(name))
      .map((name) => `${name}: exported by src/index.ts but not named in README › The API`);
    expect(undocumented).toEqual([]);
  });

  it('exports every name of the guide, as a value', () => {
    const exported = api as Record<string, unknown>;
    expect(GUIDE_NAMES.filter((name) => exported[name] === undefined)).toEqual([]);
  });
});
