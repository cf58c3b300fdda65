import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { childScript, startNode, waitForLine } from '../../helpers/child-process.js';
import { RotatingTokenEndpoint } from '../../helpers/rotating-token-endpoint.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

const PROCESSES = 8;
const CALLERS = 50;

describe('refresh across processes', () => {
  it(`refreshes an expired token exactly once for ${PROCESSES} processes × ${CALLERS} callers`, async () => {
    const storage = new TokenStorage(join(await tempDir(), 'tokens.json'));
    const expired = oauthToken(-1000);
    await storage.saveToken(expired);
    const endpoint = await RotatingTokenEndpoint.start(expired.refreshToken as string);
    onTestFinished(() => endpoint.close());

    const children = Array.from({ length: PROCESSES }, () =>
      startNode(childScript('refresh-herd.mjs'), [storage.path, endpoint.url, String(CALLERS)]),
    );
    await Promise.all(children.map((child) => waitForLine(child, (line) => line === 'ready')));
    const reports = children.map((child) => waitForLine(child, (line) => line.startsWith('[')));
    for (const child of children) child.stdin?.write('go\n');
    const results = (await Promise.all(reports)).flatMap(
      (line) => JSON.parse(line) as { token?: string; error?: string }[],
    );

    expect(results).toHaveLength(PROCESSES * CALLERS);
    expect(results.filter((result) => result.error !== undefined)).toEqual([]);
    expect(endpoint.refreshes).toBe(1);
    expect(endpoint.invalidGrants).toBe(0);
    expect(new Set(results.map((result) => result.token))).toEqual(
      new Set([endpoint.lastAccessToken]),
    );
    const stored = await storage.loadToken();
    expect(stored?.accessToken).toBe(endpoint.lastAccessToken);
    expect(stored?.refreshToken).toBe(endpoint.currentRefreshToken);
  }, 60_000);

  it('refreshes once when half the processes reach the file through a symlinked profile', async () => {
    const dir = await tempDir();
    const storage = new TokenStorage(join(dir, 'tokens.json'));
    const expired = oauthToken(-1000);
    await storage.saveToken(expired);
    const alias = join(dir, 'alias.json');
    await symlink(storage.path, alias);
    const endpoint = await RotatingTokenEndpoint.start(expired.refreshToken as string);
    onTestFinished(() => endpoint.close());

    const children = Array.from({ length: PROCESSES }, (_, i) =>
      startNode(childScript('refresh-herd.mjs'), [
        i % 2 === 0 ? storage.path : alias,
        endpoint.url,
        String(CALLERS),
      ]),
    );
    await Promise.all(children.map((child) => waitForLine(child, (line) => line === 'ready')));
    const reports = children.map((child) => waitForLine(child, (line) => line.startsWith('[')));
    for (const child of children) child.stdin?.write('go\n');
    const results = (await Promise.all(reports)).flatMap(
      (line) => JSON.parse(line) as { token?: string; error?: string }[],
    );

    expect(results.filter((result) => result.error !== undefined)).toEqual([]);
    expect(endpoint.invalidGrants).toBe(0);
    expect(endpoint.refreshes).toBe(1);
    expect((await storage.loadToken())?.refreshToken).toBe(endpoint.currentRefreshToken);
  }, 60_000);
});
