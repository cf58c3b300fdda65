import { homedir } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { osHomeDirectory } from '../../../src/platform/os-home.js';

describe('osHomeDirectory: os.homedir() without node:os when $HOME answers', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    ['an absolute HOME', '/home/someone'],
    ['a relative HOME (judged by homeDirectory, not here)', 'relative/home'],
    ['an empty HOME', ''],
    ['no HOME', undefined],
  ])('gives what os.homedir() gives for %s', (_, home) => {
    vi.stubEnv('HOME', home);
    expect(osHomeDirectory()).toBe(homedir());
  });
});
