import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../fixtures/package-root.js';
import { runSandbox } from '../../../sandbox/sandbox.js';
import { capturedOutput } from '../../helpers/oauth-fixture.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** What `npm start` runs after building: the compiled sandbox, not its source. */
const BUILT_SANDBOX = join(PACKAGE_ROOT, '.tools-build', 'sandbox', 'main.js');

function runBuiltSandbox(args: string[]): Promise<{ code: number | null; output: string }> {
  if (!existsSync(BUILT_SANDBOX))
    throw new Error(`${BUILT_SANDBOX} is missing: run \`npm run build:tools\` (npm test does it).`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_SANDBOX, ...args], { stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe("npm start: the built offline sandbox (the README's first command)", () => {
  it.each([
    ['headless Chromium', [], 'headless Chromium ('],
    ['the scripted user agent', ['--without-browser'], 'a scripted user agent'],
  ])(
    'tells the whole story with %s and exits 0',
    async (_name, args, user) => {
      const { code, output } = await runBuiltSandbox(args);
      expect(output).not.toContain('✗');
      expect(code).toBe(0);
      expect(output).toContain(`The user: ${user}`);
      for (const milestone of [
        '[1] $ claude-auth login --provider',
        'The user signed in as alice and approved access.',
        '✓ logged in',
        '[2] $ claude-auth status',
        '[3] queryWithOAuth',
        'Claude: Hello! I reached you through your gateway token.',
        '✓ the gateway received Authorization: Bearer <the stored token> and accepted it',
        '[4] $ claude-auth refresh',
        '✓ refreshed',
        '[5] $ claude-auth logout',
        '✓ the provider reports the token inactive',
        '✓ status now says "not logged in" (exit 3)',
        '✓ Done.',
      ]) {
        expect(output).toContain(milestone);
      }
      expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}|refresh_token=/);
    },
    120_000,
  );

  it("stops at once with the child's own error when a CLI step dies", async () => {
    const broken = join(await tempDir(), 'broken-cli.mjs');
    await writeFile(
      broken,
      "process.stderr.write('Error: Cannot find module /nowhere/dist/index.js\\n');\nprocess.exit(2);\n",
    );
    const output = capturedOutput();
    const ok = await runSandbox({ output: output.stream, user: 'scripted', cli: broken });
    const transcript = output.text();
    expect(ok).toBe(false);
    expect(transcript).toContain(
      '✗ The sandbox failed: claude-auth login --provider --timeout 60 exited with 2:\nError: Cannot find module /nowhere/dist/index.js',
    );
    expect(transcript).not.toContain('[2]');
    expect(transcript).not.toContain('Invalid URL');
  });
});
