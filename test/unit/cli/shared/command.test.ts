import { describe, expect, it } from 'vitest';
import { parseCommandArgs, secondsFlag, UsageError } from '../../../../src/cli/shared/command.js';

const COMMAND = {
  flags: {
    'min-ttl': { type: 'string' as const },
    all: { type: 'boolean' as const, short: 'a' },
  },
  positionals: true,
  exclusive: [['all', 'profile']] as const,
};

describe('parseCommandArgs', () => {
  it('takes a negative number after a string flag as its value, not as a flag', () => {
    expect(parseCommandArgs(COMMAND, ['--min-ttl', '-5']).flags['min-ttl']).toBe('-5');
    expect(parseCommandArgs(COMMAND, ['--min-ttl', '-0.5', 'x'])).toEqual({
      flags: { 'min-ttl': '-0.5' },
      positionals: ['x'],
    });
  });

  it('leaves a negative number after a boolean flag, and anything after --, to parseArgs', () => {
    expect(() => parseCommandArgs(COMMAND, ['--all', '-5'])).toThrow(UsageError);
    expect(parseCommandArgs(COMMAND, ['--', '--min-ttl', '-5']).positionals).toEqual([
      '--min-ttl',
      '-5',
    ]);
  });

  it('refuses a pair of flags the command declares exclusive', () => {
    expect(() => parseCommandArgs(COMMAND, ['-a', '--profile', 'w'])).toThrow(
      '--all and --profile exclude each other',
    );
  });
});

describe('secondsFlag', () => {
  it.each([
    ['0', 0],
    ['60', 60_000],
    [' 1.5 ', 1500],
  ])('%j seconds → %d ms', (value, ms) => {
    expect(secondsFlag({ timeout: value }, 'timeout')).toBe(ms);
  });

  it.each(['-5', '-0', 'soon', '1e3', '', '0x10', 'Infinity'])('%j is a usage error', (value) => {
    expect(() => secondsFlag({ timeout: value }, 'timeout')).toThrow(
      new UsageError(`--timeout takes a number of seconds ≥ 0, not "${value}"`),
    );
  });

  it('an absent flag is undefined', () => {
    expect(secondsFlag({}, 'timeout')).toBeUndefined();
  });
});
