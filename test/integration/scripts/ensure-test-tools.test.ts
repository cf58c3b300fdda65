import { spawnSync } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../fixtures/package-root.js';
import { tempDir } from '../../helpers/temp-dir.js';

const SCRIPT = join(PACKAGE_ROOT, 'scripts', 'ensure-test-tools.mjs');
const ABSENT = 'claude-auth-test-absent-tool';

/** A tool list and a recording `apt-get` first on PATH, in a directory others can read. */
async function sandboxFor(commands: string[], debconf?: string[]) {
  const dir = await tempDir();
  await chmod(dir, 0o755);
  const list = join(dir, 'tools.json');
  const log = join(dir, 'apt.log');
  await writeFile(
    list,
    JSON.stringify({
      tools: commands.map((command, i) => ({
        package: `pkg-${i}`,
        command,
        why: `test ${i}`,
        ...(debconf !== undefined && i === commands.length - 1 && { debconf }),
      })),
    }),
  );
  await writeFile(join(dir, 'apt-get'), `#!/bin/sh\necho "$*" >> ${log}\n`, { mode: 0o755 });
  await writeFile(
    join(dir, 'debconf-set-selections'),
    `#!/bin/sh\nsed 's/^/debconf: /' >> ${log}\n`,
    {
      mode: 0o755,
    },
  );
  const run = (asNobody = false) => {
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH}`, TEST_TOOLS_LIST: list };
    const argv = [process.execPath, SCRIPT];
    // Root can drop to another user, to see what a developer without root is told.
    const [file, ...args] = asNobody
      ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv]
      : argv;
    return spawnSync(file as string, args, { env, encoding: 'utf8' });
  };
  const aptCalls = async () =>
    (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { run, aptCalls };
}

const isRoot = process.getuid?.() === 0;

describe('scripts/ensure-test-tools.mjs (the first step of npm test)', () => {
  it('with every tool present: exits 0 at once, silently, without calling apt', async () => {
    const { run, aptCalls } = await sandboxFor(['sh', 'node']);
    const result = run();
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(await aptCalls()).toEqual([]);
  });

  it('a missing tool as root: apt-get update once, then installs exactly the missing package, and fails if it is still missing', async () => {
    const { run, aptCalls } = await sandboxFor(['sh', ABSENT]);
    const result = run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('pkg-1: test 1');
    expect(result.stderr).not.toContain('pkg-0');
    if (isRoot) {
      expect(await aptCalls()).toEqual([
        '-o DPkg::Lock::Timeout=900 update -qq',
        '-o DPkg::Lock::Timeout=900 install -y --no-install-recommends pkg-1',
      ]);
      expect(result.stderr).toContain('installed, yet still missing');
    } else {
      expect(await aptCalls()).toEqual([]);
      expect(result.stderr).toContain('sudo apt-get install -y --no-install-recommends pkg-1');
    }
  });

  it("answers a package's install-time questions before apt asks them, and prints them for sudo too", async () => {
    const answer = 'pkg-1 pkg-1/config_type select No configuration';
    const { run, aptCalls } = await sandboxFor(['sh', ABSENT], [answer]);
    if (isRoot) {
      run();
      expect(await aptCalls()).toEqual([
        '-o DPkg::Lock::Timeout=900 update -qq',
        `debconf: ${answer}`,
        '-o DPkg::Lock::Timeout=900 install -y --no-install-recommends pkg-1',
      ]);
    }
    const asUser = run(isRoot);
    expect(asUser.stderr).toContain(
      `echo '${answer}' | sudo debconf-set-selections && sudo apt-get update && sudo apt-get install -y --no-install-recommends pkg-1\n`,
    );
  });

  it('a missing tool without root: stops at once with the exact install command, calling nothing', async () => {
    const { run, aptCalls } = await sandboxFor(['sh', ABSENT]);
    const result = run(isRoot);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends pkg-1\n',
    );
    expect(await aptCalls()).toEqual([]);
  });

  it('the real list names every tool with a package, a way to check it and a reason', async () => {
    const list = JSON.parse(
      await readFile(join(PACKAGE_ROOT, 'scripts', 'test-tools.json'), 'utf8'),
    ) as { tools: Record<string, unknown>[] };
    expect(list.tools.length).toBeGreaterThan(0);
    for (const tool of list.tools) {
      expect(tool.package).toMatch(/^[a-z0-9][a-z0-9.+-]+$/);
      expect(typeof tool.why).toBe('string');
      expect('command' in tool !== 'pythonModule' in tool).toBe(true);
    }
    // This machine ran the script before the suite: every tool on the list is here.
    expect(spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' }).status).toBe(0);
  });
});
