import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-dir.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const manifest = (await import('../../../package.json', { with: { type: 'json' } })).default;

// Packing must not rebuild dist/ (no prepack script; --ignore-scripts): other
// tests run the built files at the same time, and tsc does not write atomically.
describe('the published package', () => {
  it('passes publint --strict and attw', async () => {
    const publint = await run('npx', ['publint', '--strict'], { cwd: root });
    expect(publint.stdout).not.toMatch(/error|warning/i);
    await run('npx', ['attw', '--pack', '.', '--profile', 'esm-only'], { cwd: root });
  }, 120_000);

  it('installs from its tarball, imports its API and runs `claude-auth --version`', async () => {
    const dir = await tempDir();
    const { stdout } = await run(
      'npm',
      ['pack', '--ignore-scripts', '--pack-destination', dir, '--silent'],
      {
        cwd: root,
      },
    );
    const tarball = join(dir, stdout.trim().split('\n').at(-1) as string);
    const app = join(dir, 'app');
    await run('mkdir', [app]);
    await writeFile(
      join(app, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    // Optional dependencies (the 200 MB Claude Code binary) are not needed to import and start.
    await run(
      'npm',
      ['install', '--prefer-offline', '--omit=optional', '--no-audit', '--no-fund', tarball],
      { cwd: app },
    );
    const imported = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('claude-auth'); console.log(typeof m.TokenStorage, typeof m.AuthToken, m.AuthErrorCode.NOT_LOGGED_IN)",
      ],
      { cwd: app },
    );
    expect(imported.stdout.trim()).toBe('function function NOT_LOGGED_IN');
    const version = await run(join(app, 'node_modules', '.bin', 'claude-auth'), ['--version'], {
      cwd: app,
    });
    expect(version.stdout.trim()).toBe(manifest.version);
  }, 180_000);
});
