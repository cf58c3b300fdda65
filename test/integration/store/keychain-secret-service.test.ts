import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHead, partAccount } from '../../../src/store/keychain/keychain-record.js';
import type { AuthToken } from '../../../src/token/auth-token.js';
import { parseTokenFile, serializeTokenFile } from '../../../src/token/token-file-format.js';
import { childScript, startNode } from '../../helpers/child-process.js';
import { type SecretServiceSession, startSecretService } from '../../helpers/secret-service.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

// Each case runs the store in a child process: the keychain library reads the
// session bus address from the process environment, once.
interface Outcome {
  stdout: Record<string, unknown>;
  stderr: string;
}

async function run(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Outcome> {
  const child = startNode(childScript('keychain-store-op.mjs'), args, env);
  child.stdin?.end();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect(code, stderr).toBe(0);
  return { stdout: JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null'), stderr };
}

/** Every file under `directories` whose bytes contain one of `secrets`. */
async function filesHolding(directories: string[], secrets: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const directory of directories) {
    for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const bytes = await readFile(path).catch(() => Buffer.alloc(0));
      if (secrets.some((secret) => bytes.includes(secret))) found.push(path);
    }
  }
  return found;
}

/**
 * A token whose token file is about `bytes` long (padding in a field the format
 * keeps), and that file's text in the form a read gives back.
 */
function tokenOfSize(bytes: number): { token: AuthToken; text: string } {
  const base = serializeTokenFile(oauthToken(3_600_000)).length;
  const token = oauthToken(3_600_000, Date.now(), {
    unknownFields: { padding: 'p'.repeat(Math.max(0, bytes - base - 16)) },
  });
  return { token, text: serializeTokenFile(parseTokenFile(serializeTokenFile(token), 'test')) };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('keychain store on a running Secret Service', () => {
  let keyring: SecretServiceSession;
  beforeAll(async () => {
    keyring = await startSecretService();
  });
  afterAll(() => keyring?.stop());

  it('round-trips a 3 KB record that secret-tool sees whole, and no file holds the secret', async () => {
    const dir = await tempDir();
    const { token, text } = tokenOfSize(3072);
    expect(text.length).toBeGreaterThanOrEqual(3000);
    const env = { ...keyring.env, CLAUDE_AUTH_DIR: dir, KC_TOKEN: text };

    const written = await run(env, 'write');
    expect(written.stdout).toMatchObject({ written: true });
    const read = await run(env, 'read');
    expect(read.stdout).toEqual({ digest: sha256(text), revision: written.stdout.revision });

    // What another Secret Service client sees: the head, then the parts it names.
    const account = `default@${dir}`;
    const headValue = await keyring.secretTool([
      'lookup',
      'service',
      'claude-auth',
      'username',
      account,
    ]);
    const head = parseHead(headValue);
    expect(head?.revision).toBe(written.stdout.revision);
    expect(head?.entries).toBeGreaterThan(1);
    let record = head?.first ?? '';
    for (let index = 1; index < (head?.entries ?? 0); index++) {
      record += await keyring.secretTool([
        'lookup',
        'service',
        'claude-auth',
        'username',
        partAccount(account, head?.revision ?? '', index),
      ]);
    }
    expect(record).toBe(text);

    const secrets = [token.accessToken, token.refreshToken ?? ''];
    expect(await filesHolding([dir, keyring.home], secrets)).toEqual([]);
  });
});

describe('keychain store without a usable Secret Service', () => {
  it('with no D-Bus session, auto chooses the file and says why once; an explicit keychain fails with the fix', async () => {
    const dir = await tempDir();
    const { DBUS_SESSION_BUS_ADDRESS: _bus, ...withoutBus } = process.env;
    const env = { ...withoutBus, CLAUDE_AUTH_DIR: dir, CLAUDE_AUTH_STORE: 'auto' };

    const auto = await run(env, 'select');
    expect(auto.stdout).toMatchObject({ backend: 'file' });
    expect(auto.stdout.reason).toMatch(/CLAUDE_AUTH_STORE=auto.*no D-Bus session bus/);
    expect(auto.stderr.match(/claude-auth: CLAUDE_AUTH_STORE=auto/g)).toHaveLength(1);

    const explicit = await run(env, 'select', 'keychain');
    expect(explicit.stdout).toMatchObject({ error: 'STORE_UNAVAILABLE' });
    expect(explicit.stdout.fix).toMatch(/CLAUDE_AUTH_STORE=file/);
    // Refused by the check made before any keychain call, not after a call timed out.
    expect(explicit.stdout.message).toMatch(/no D-Bus session bus/);
  });

  it('with a locked keyring, a write fails within its 3 s bound with the fix and nothing is written in plain text', async () => {
    // Make a login keyring with one password, then start the daemon with another: it stays locked.
    const home = await tempDir('claude-auth-keyring-');
    const first = await startSecretService({ home, password: 'the-right-password' });
    const seedDir = await tempDir();
    const seed = { ...first.env, CLAUDE_AUTH_DIR: seedDir, KC_TOKEN: tokenOfSize(500).text };
    expect((await run(seed, 'write')).stdout).toMatchObject({ written: true });
    await first.stop();
    const locked = await startSecretService({ home, password: 'a-wrong-password' });
    try {
      const dir = await tempDir();
      const { token, text } = tokenOfSize(800);
      const env = { ...locked.env, CLAUDE_AUTH_DIR: dir, KC_TOKEN: text };
      const write = await run(env, 'write');
      expect(write.stdout).toMatchObject({ error: 'STORE_UNAVAILABLE' });
      expect(write.stdout.message).toMatch(/unlock|locked|dismissed/i);
      expect(write.stdout.fix).toMatch(/unlock the keychain.*CLAUDE_AUTH_STORE=file/);
      const secrets = [token.accessToken, token.refreshToken ?? ''];
      expect(await filesHolding([dir, home], secrets)).toEqual([]);
    } finally {
      await locked.stop();
    }
  });

  // Bounded by behaviour, not by a stopwatch: each call ends with the fix (a hang would
  // meet the test's timeout), and the event loop turns while it is pending. The bound
  // itself is test/unit/store/keychain/keychain-access.test.ts's.
  it('with a frozen daemon, every call ends with STORE_UNAVAILABLE and the event loop keeps turning', async () => {
    const frozen = await startSecretService();
    try {
      const dir = await tempDir();
      const env = { ...frozen.env, CLAUDE_AUTH_DIR: dir, KC_TOKEN: tokenOfSize(800).text };
      expect((await run(env, 'write')).stdout).toMatchObject({ written: true });
      frozen.freeze();
      const { stdout } = await run(env, 'observed');
      const ops = stdout.ops as {
        op: string;
        loopTurned: boolean;
        error?: string;
      }[];
      expect(ops.map((op) => op.op)).toEqual(['read', 'currentRevision', 'write', 'auto']);
      for (const op of ops) {
        expect(op.loopTurned, op.op).toBe(true);
        if (op.op === 'auto') continue;
        expect(op.error, op.op).toBe('STORE_UNAVAILABLE');
      }
      frozen.thaw();
      // Once the daemon answers again, the credential written before is intact.
      expect((await run(env, 'read')).stdout).toMatchObject({ revision: expect.any(String) });
    } finally {
      await frozen.stop();
    }
  });
});
