import { describe } from 'vitest';
import { BetterAuthServer } from '../../helpers/better-auth-server.js';
import { interopSuite } from './interop-cases.js';

describe('claude-auth against Better Auth 1.7 with @better-auth/oauth-provider (npm, in process)', () => {
  interopSuite(() => BetterAuthServer.start(), { revokesRefreshFamilyOnReplay: true });
});
