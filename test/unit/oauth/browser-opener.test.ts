import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  browserCommands,
  isHeadless,
  systemBrowserOpener,
} from '../../../src/oauth/browser-opener.js';
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

  it('runs a $BROWSER script whose path contains a space', async () => {
    const dir = join(await tempDir(), 'My Browsers');
    await mkdir(dir);
    const script = join(dir, 'open it.sh');
    const record = join(dir, 'opened.txt');
    await writeFile(script, `#!/bin/sh\nprintf '%s' "$1" > '${record}'\n`);
    await chmod(script, 0o755);
    expect(await systemBrowserOpener({ BROWSER: script }, 'linux')('http://x.test/a b')).toBe(true);
    await expect.poll(() => readFile(record, 'utf8').catch(() => '')).toBe('http://x.test/a b');
  });

  it('runs a quoted $BROWSER path with a space followed by arguments and %s', async () => {
    const dir = join(await tempDir(), 'My Browsers');
    await mkdir(dir);
    const script = join(dir, 'open it.sh');
    const record = join(dir, 'opened.txt');
    await writeFile(script, `#!/bin/sh\nprintf '%s|%s' "$1" "$2" > '${record}'\n`);
    await chmod(script, 0o755);
    const open = systemBrowserOpener({ BROWSER: `"${script}" --url=%s` }, 'linux');
    expect(await open('http://x.test/')).toBe(true);
    await expect.poll(() => readFile(record, 'utf8').catch(() => '')).toBe('--url=http://x.test/|');
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

describe('browserCommands', () => {
  const url = 'http://127.0.0.1:1/a';
  const none = () => false;

  it('splits a POSIX list at colons and words at whitespace, appending the URL', () => {
    expect(browserCommands('firefox --new-window:w3m', url, 'linux', none)).toEqual([
      ['firefox', '--new-window', url],
      ['w3m', url],
    ]);
  });

  it('keeps an existing file with spaces whole, and honours quotes and escapes otherwise', () => {
    const isFile = (path: string) => path === '/opt/My Browser/run';
    expect(browserCommands('/opt/My Browser/run', url, 'linux', isFile)).toEqual([
      ['/opt/My Browser/run', url],
    ]);
    expect(browserCommands(`'/a b/c' -x:/d\\ e/f`, url, 'darwin', none)).toEqual([
      ['/a b/c', '-x', url],
      ['/d e/f', url],
    ]);
  });

  it('separates Windows entries at semicolons, so a drive colon and backslashes survive', () => {
    const isFile = (path: string) => path === 'C:\\Program Files\\Browser\\b.exe';
    expect(
      browserCommands(
        'C:\\Program Files\\Browser\\b.exe;"D:\\x y\\c.exe" --private %s',
        url,
        'win32',
        isFile,
      ),
    ).toEqual([
      ['C:\\Program Files\\Browser\\b.exe', url],
      ['D:\\x y\\c.exe', '--private', url],
    ]);
  });

  it('substitutes every %s and skips empty entries', () => {
    expect(browserCommands('::open -a X %s --then=%s:', url, 'linux', none)).toEqual([
      ['open', '-a', 'X', url, `--then=${url}`],
    ]);
  });
});
