import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHeadless, systemBrowserOpener } from '../../../src/oauth/browser-opener.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('systemBrowserOpener', () => {
  it('runs $BROWSER with the URL, trying each of a :-separated list', async () => {
    const dir = await tempDir();
    const script = join(dir, 'browser.sh');
    const record = join(dir, 'opened.txt');
    await writeFile(script, `#!/bin/sh\nprintf '%s' "$1" > ${record}\n`);
    await chmod(script, 0o755);
    const open = systemBrowserOpener({ BROWSER: `/nonexistent/browser:${script}` }, 'linux');
    expect(await open('http://127.0.0.1:1234/auth?x=1&y=2')).toBe(true);
    await expect
      .poll(() => readFile(record, 'utf8').catch(() => ''))
      .toBe('http://127.0.0.1:1234/auth?x=1&y=2');
  });

  it('substitutes %s in $BROWSER', async () => {
    const dir = await tempDir();
    const record = join(dir, 'opened.txt');
    const script = join(dir, 'b.sh');
    await writeFile(script, `#!/bin/sh\nprintf '%s|%s' "$1" "$2" > ${record}\n`);
    await chmod(script, 0o755);
    expect(
      await systemBrowserOpener(
        { BROWSER: `${script} --new-window=%s tail` },
        'linux',
      )('http://x.test/'),
    ).toBe(true);
    await expect
      .poll(() => readFile(record, 'utf8').catch(() => ''))
      .toBe('--new-window=http://x.test/|tail');
  });

  it('reports failure when no $BROWSER command exists', async () => {
    expect(
      await systemBrowserOpener(
        { BROWSER: '/nonexistent/a:/nonexistent/b' },
        'linux',
      )('http://x.test/'),
    ).toBe(false);
  });

  it('does not try to open anything headless (SSH, or no display on Linux)', async () => {
    expect(isHeadless({ SSH_CONNECTION: '1 2 3 4' }, 'darwin')).toBe(true);
    expect(isHeadless({}, 'linux')).toBe(true);
    expect(isHeadless({ DISPLAY: ':0' }, 'linux')).toBe(false);
    expect(isHeadless({}, 'darwin')).toBe(false);
    expect(await systemBrowserOpener({}, 'linux')('http://x.test/')).toBe(false);
  });
});
