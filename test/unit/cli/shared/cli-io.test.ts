import { describe, expect, it } from 'vitest';
import { palette, startSpinner } from '../../../../src/cli/shared/cli-io.js';
import { capturedOutput } from '../../../helpers/oauth-fixture.js';

describe('CLI output', () => {
  it('colours only a terminal, and never with NO_COLOR or TERM=dumb', () => {
    expect(palette({ isTTY: true }, {}).green('ok')).toBe('\u001b[32mok\u001b[0m');
    expect(palette({ isTTY: true }, { NO_COLOR: '1' }).green('ok')).toBe('ok');
    expect(palette({ isTTY: true }, { TERM: 'dumb' }).red('x')).toBe('x');
    expect(palette({ isTTY: false }, {}).bold('b')).toBe('b');
    expect(palette({}, {}).yellow('y')).toBe('y');
  });

  it('shows a spinner only on a terminal', () => {
    const piped = capturedOutput();
    startSpinner(piped.stream, 'Waiting')();
    expect(piped.text()).toBe('');
    const terminal = capturedOutput();
    const stop = startSpinner(Object.assign(terminal.stream, { isTTY: true }), 'Waiting');
    stop();
    expect(terminal.text()).toBe('\r\u001b[2K');
  });
});
