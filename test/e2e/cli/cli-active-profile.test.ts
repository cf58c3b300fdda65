import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../helpers/cli-process.js';
import { tempDir } from '../../helpers/temp-dir.js';

const TOKEN = `sk-ant-oat01-${'P'.repeat(90)}AA`;
let env: Record<string, string>;

beforeEach(async () => {
  const home = await tempDir('cli-active-');
  env = { HOME: home, CLAUDE_AUTH_DIR: join(home, '.claude_code') };
});

describe('the active profile: one resolver for every command (issue 19 defects 14, 20)', () => {
  it.each([
    ['CLAUDE_AUTH_PROFILE', async () => ({ ...env, CLAUDE_AUTH_PROFILE: 'work' })],
    [
      '`profiles use`',
      async () => {
        expect((await runCliProcess(['profiles', 'use', 'work'], env)).code).toBe(0);
        return env;
      },
    ],
  ])('login names the profile %s chose, in its message and its JSON', async (_by, choose) => {
    const chosen = await choose();
    const login = await runCliProcess(['login', '--with-token', '--json'], chosen, `${TOKEN}\n`);
    expect(login.code).toBe(0);
    expect(login.stderr).toMatch(/Logged in to profile "work"/);
    expect(JSON.parse(login.stdout).profile).toBe('work');
    const status = JSON.parse((await runCliProcess(['status', '--json'], chosen)).stdout);
    expect(status.activeProfile).toBe('work');
    expect(status.profiles[0]).toMatchObject({ name: 'work', state: 'valid' });
  });

  it('a bad CLAUDE_AUTH_PROFILE is named in the error, and its fix `status --all` still lists the profiles', async () => {
    await runCliProcess(['login', '--with-token', '--profile', 'work'], env, `${TOKEN}\n`);
    const bad = { ...env, CLAUDE_AUTH_PROFILE: '../etc' };
    for (const command of ['status', 'token', 'login']) {
      const run = await runCliProcess([command], bad);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/CLAUDE_AUTH_PROFILE/);
      expect(run.stderr).toMatch(/To fix: .*claude-auth status --all/);
    }
    const all = await runCliProcess(['status', '--all'], bad);
    expect(all.stdout).toMatch(/Profile "work"/);
    expect(all.stderr).toMatch(/CLAUDE_AUTH_PROFILE="\.\.\/etc" is not a valid profile name/);
    expect(all.code).toBe(2);
    const json = JSON.parse((await runCliProcess(['status', '--all', '--json'], bad)).stdout);
    expect(json.activeProfile).toBeNull();
    expect(json.profiles.map((profile: { name: string }) => profile.name)).toEqual(['work']);
  });
});
