import { describe, expect, it } from 'vitest';
import { fileBackendReason } from '../../../src/storage/store-backend.js';
import { chooseBackend } from '../../../src/store/backend-choice.js';

describe('fileBackendReason', () => {
  it('says why the file backend: the default, or what chose it', () => {
    expect(fileBackendReason(chooseBackend({ env: {} }))).toBe('the default backend');
    expect(fileBackendReason(chooseBackend({ env: { CLAUDE_AUTH_STORE: 'file' } }))).toBe(
      'chosen by CLAUDE_AUTH_STORE=file',
    );
    expect(fileBackendReason(chooseBackend({ store: 'file', storeSource: '--store' }))).toBe(
      'chosen by --store=file',
    );
  });
});
