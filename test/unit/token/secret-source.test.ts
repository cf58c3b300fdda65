import { describe, expect, it } from 'vitest';
import { describeSecretSource } from '../../../src/token/secret-source.js';

describe('describeSecretSource', () => {
  it('names a variable as $NAME and a file by its path, never a value', () => {
    expect(describeSecretSource({ env: 'CLAUDE_OAUTH_CLIENT_SECRET' })).toBe(
      '$CLAUDE_OAUTH_CLIENT_SECRET',
    );
    expect(describeSecretSource({ file: '/run/ci/id-token' })).toBe('/run/ci/id-token');
  });
});
