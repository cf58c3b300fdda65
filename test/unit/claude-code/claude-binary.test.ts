import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateClaudeBinary } from '../../../src/claude-code/claude-binary.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('locateClaudeBinary', () => {
  it('prefers an explicit path, then $CLAUDE_AUTH_CLAUDE_PATH', async () => {
    const dir = await tempDir();
    const fake = join(dir, 'my-claude');
    await writeFile(fake, '#!/bin/sh\n');
    await chmod(fake, 0o755);
    expect(await locateClaudeBinary({ path: fake, env: {} })).toBe(fake);
    expect(await locateClaudeBinary({ env: { CLAUDE_AUTH_CLAUDE_PATH: fake } })).toBe(fake);
  });

  it('finds the binary shipped with the agent SDK before PATH', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'bin'));
    expect(await locateClaudeBinary({ env: { PATH: join(dir, 'bin') } })).toMatch(
      /claude-agent-sdk-[a-z0-9-]+\/claude$/,
    );
  });

  it('reports a missing explicit binary as CLI_NOT_FOUND with the fix', async () => {
    await expect(
      locateClaudeBinary({ env: { CLAUDE_AUTH_CLAUDE_PATH: '/nonexistent/claude' } }),
    ).rejects.toMatchObject({
      code: AuthErrorCode.CLI_NOT_FOUND,
      fix: expect.stringContaining('CLAUDE_AUTH_CLAUDE_PATH'),
    });
  });
});
