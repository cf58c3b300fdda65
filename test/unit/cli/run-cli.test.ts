import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import manifest from '../../../package.json' with { type: 'json' };
import { ExitCode, runCli } from '../../../src/cli/run-cli.js';

async function cli(...argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stderr.on('data', (chunk) => {
    err += chunk;
  });
  const code = await runCli(argv, { stdout, stderr });
  return { code, out, err };
}

describe('claude-auth', () => {
  it('prints its version', async () => {
    expect(await cli('--version')).toEqual({
      code: ExitCode.OK,
      out: `${manifest.version}\n`,
      err: '',
    });
  });

  it('prints usage for --help', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(ExitCode.OK);
    expect(out).toMatch(/Usage:\n {2}claude-auth <command>/);
  });

  it('rejects an unknown command with exit code 2 and the usage on stderr', async () => {
    const { code, out, err } = await cli('frobnicate');
    expect(code).toBe(ExitCode.USAGE);
    expect(out).toBe('');
    expect(err).toMatch(/^claude-auth: unknown command "frobnicate"\n/);
  });
});
