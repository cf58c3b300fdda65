import { describe } from 'vitest';
import { OidcProviderInterop } from '../../helpers/oidc-interop.js';
import { interopSuite } from './interop-cases.js';

describe('claude-auth against oidc-provider 9 (the reference)', () => {
  interopSuite(() => OidcProviderInterop.start());
});
