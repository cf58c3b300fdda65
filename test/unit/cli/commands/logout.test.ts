import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, runCli } from '../../../../src/cli/run-cli.js';
import { TokenStorage } from '../../../../src/storage/token-storage.js';
import { recordingIO } from '../../../helpers/recording-io.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { oauthToken } from '../../../helpers/tokens.js';

async function cli(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const { io, stdout, stderr } = recordingIO(env);
  const code = await runCli(argv, io);
  return { code, out: stdout(), err: stderr() };
}

/** A profile directory whose default login exists but cannot be read, made by `spoil`. */
async function unreadableLogin(spoil: (file: string) => Promise<void>) {
  const env = { CLAUDE_AUTH_DIR: await tempDir() };
  await TokenStorage.forProfile({ env }).saveToken(oauthToken(3_600_000));
  const file = join(env.CLAUDE_AUTH_DIR, 'tokens.json');
  await spoil(file);
  return { env, file };
}

const SPOILED: ReadonlyArray<[string, (file: string) => Promise<void>, string]> = [
  ['readable by others (0644)', (file) => chmod(file, 0o644), 'STORAGE_INSECURE'],
  ['corrupt JSON', (file) => writeFile(file, '{"kind":', { mode: 0o600 }), 'STORAGE_CORRUPT'],
];

describe('claude-auth logout of a login it cannot read', () => {
  it.each(SPOILED)(
    '%s: says it could not revoke, exits 5 and leaves the login in place',
    async (_, spoil, code) => {
      const { env, file } = await unreadableLogin(spoil);
      const run = await cli(env, 'logout', '--json');
      expect(run.code).toBe(ExitCode.STORE_UNREADABLE);
      expect(run.err).toMatch(/could not be read/);
      expect(run.err).toMatch(/its tokens could not be revoked; it was left in place/);
      expect(run.err).toMatch(/logout --force/);
      expect(JSON.parse(run.out).error.code).toBe(code);
      expect(existsSync(file)).toBe(true);
    },
  );

  it.each(SPOILED)(
    '%s: --force deletes it, saying it was not revoked (exit 0)',
    async (_, spoil) => {
      const { env, file } = await unreadableLogin(spoil);
      const run = await cli(env, 'logout', '--force', '--json');
      expect(run.code).toBe(ExitCode.OK);
      expect(existsSync(file)).toBe(false);
      expect(run.err).toMatch(/not revoked|without being revoked/);
      expect(JSON.parse(run.out)).toMatchObject([
        { profile: 'default', removed: true, revoked: false },
      ]);
    },
  );
});
