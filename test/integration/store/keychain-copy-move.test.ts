import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCredentialStore } from '../../../src/store/file/file-credential-store.js';
import { parseTokenFile, serializeTokenFile } from '../../../src/token/token-file-format.js';
import { childScript, kill, startNode, waitForLine } from '../../helpers/child-process.js';
import { type SecretServiceSession, startSecretService } from '../../helpers/secret-service.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

let keyring: SecretServiceSession;
beforeAll(async () => {
  keyring = await startSecretService();
});
afterAll(() => keyring?.stop());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Runs a child to its end and returns its last stdout line. */
async function finish(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = startNode(childScript(script), args, env);
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
  return stdout.trim().split('\n').at(-1) ?? '';
}

/** The digest of each store's credential, `null` where there is none. */
async function copies(env: NodeJS.ProcessEnv, dir: string) {
  const inFile = await new FileCredentialStore({ path: join(dir, 'tokens.json') }).read();
  const inKeychain = JSON.parse(await finish('keychain-store-op.mjs', ['read'], env)) as {
    digest: string;
  } | null;
  return {
    file: inFile === null ? null : sha256(serializeTokenFile(inFile.token)),
    keychain: inKeychain?.digest ?? null,
  };
}

// A record of three keychain entries, so a kill can land between them.
const STEPS = {
  'to-keychain': [
    'dest-write:before',
    'keychain-set:1',
    'keychain-set:2',
    'keychain-set:3',
    'dest-write:after',
    'source-write:before',
    'source-write:after',
  ],
  'to-file': ['dest-write:before', 'dest-write:after', 'source-write:before', 'source-write:after'],
} as const;

describe('storage move between the file and the keychain, SIGKILLed at each step', () => {
  for (const direction of ['to-keychain', 'to-file'] as const) {
    it.each(STEPS[direction])(
      `${direction}, killed at %s: never zero copies, one at the end, byte-identical`,
      async (step) => {
        const dir = await tempDir();
        const token = oauthToken(3_600_000, Date.now(), {
          unknownFields: { padding: 'p'.repeat(2400) },
        });
        const text = serializeTokenFile(parseTokenFile(serializeTokenFile(token), 'test'));
        const env = { ...keyring.env, CLAUDE_AUTH_DIR: dir, KC_TOKEN: text };
        const [source, destination] =
          direction === 'to-keychain'
            ? (['file', 'keychain'] as const)
            : (['keychain', 'file'] as const);
        if (source === 'file') {
          await new FileCredentialStore({ path: join(dir, 'tokens.json') }).transact((tx) =>
            tx.write(parseTokenFile(text, 'test'), null),
          );
        } else {
          await finish('keychain-store-op.mjs', ['write'], env);
        }
        expect((await copies(env, dir))[source]).toBe(sha256(text));

        const child = startNode(childScript('keychain-copy.mjs'), [direction, 'move', step], env);
        await waitForLine(child, (line) => line === `paused ${step}`);
        await kill(child);

        const afterKill = await copies(env, dir);
        const present = Object.values(afterKill).filter((digest) => digest !== null);
        expect(present.length).toBeGreaterThanOrEqual(1);
        for (const digest of present) expect(digest).toBe(sha256(text));

        // Running the move again finishes it (unless the kill came after the source was gone).
        if (afterKill[source] !== null) {
          expect(await finish('keychain-copy.mjs', [direction, 'move', 'none'], env)).toMatch(
            /^done .*"sourceDeleted":true/,
          );
        }
        expect(await copies(env, dir)).toEqual({ [destination]: sha256(text), [source]: null });
      },
    );
  }
});
