import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { AuthenticationError } from '../../src/errors/authentication-error.js';
import { OAuthConfig } from '../../src/oauth/oauth-config.js';
import { capturedOutput } from '../helpers/oauth-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';

async function cli(args: string[], env: NodeJS.ProcessEnv) {
  const stdout = capturedOutput();
  const stderr = capturedOutput();
  const stdin = capturedOutput();
  stdin.stream.end();
  const code = await runCli(args, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: stdin.stream,
    env,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const weird = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(
    '',
    ' ',
    '\t',
    'http://',
    'https://',
    'ftp://x',
    'http://0.0.0.0/',
    '%zz',
    'é🙂',
    '../../etc/passwd',
    'http://evil.example/token',
  ),
);

describe('hostile CLI arguments and environment values: one-line error, exit 2', () => {
  it('malformed profile names and flag values', async () => {
    const env = { HOME: await tempDir(), CLAUDE_AUTH_DIR: join(await tempDir(), 'store') };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('status', 'token', 'logout', 'refresh'),
        weird,
        async (command, value) => {
          const valid =
            /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(value) &&
            value !== 'tokens' &&
            value !== 'config';
          const run = await cli([command, '--profile', value], env);
          if (valid) return;
          expect(run.code).toBe(2);
          // A value starting with "-" is refused by the flag parser itself, also in one line.
          expect(run.stderr.split('\n')[0]).toMatch(
            /^claude-auth \w+: .*(not a valid profile name|argument is ambiguous)/,
          );
          expect(run.stdout).toBe('');
        },
      ),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(
        weird.filter((v) => !/^\s*\d+(\.\d+)?\s*$/.test(v)),
        async (value) => {
          const run = await cli(['token', '--min-ttl', value], env);
          expect(run.code).toBe(2);
          expect(run.stderr.split('\n')[0]).toMatch(/^claude-auth token: /);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('malformed CLAUDE_OAUTH_* values: CONFIG_INVALID naming the variable, never another error', async () => {
    await fc.assert(
      fc.property(
        fc.constantFrom(
          'CLAUDE_OAUTH_ISSUER',
          'CLAUDE_OAUTH_TOKEN_URL',
          'CLAUDE_OAUTH_AUTHORIZE_URL',
          'CLAUDE_OAUTH_REDIRECT_URI',
          'CLAUDE_OAUTH_API_BASE_URL',
        ),
        weird,
        (name, value) => {
          try {
            OAuthConfig.fromEnv({
              CLAUDE_OAUTH_CLIENT_ID: 'c',
              CLAUDE_OAUTH_TOKEN_URL: 'https://idp.example/token',
              [name]: value,
            });
          } catch (error) {
            expect(error).toBeInstanceOf(AuthenticationError);
            expect(error).toMatchObject({
              code: 'CONFIG_INVALID',
              message: expect.stringContaining(name),
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the CLI turns a malformed provider setting into one line and exit 2', async () => {
    const env = {
      HOME: await tempDir(),
      CLAUDE_AUTH_DIR: join(await tempDir(), 'store'),
      CLAUDE_OAUTH_CLIENT_ID: 'c',
      CLAUDE_OAUTH_ISSUER: 'http://evil.example',
    };
    const run = await cli(['login', '--provider'], env);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/CLAUDE_OAUTH_ISSUER.*https/);
  });
});
