import { describe } from 'vitest';
import { DjangoOAuthServer } from '../../helpers/django-oauth-server.js';
import { interopSuite } from './interop-cases.js';

describe('claude-auth against Django OAuth Toolkit 1.7 (Debian, Python)', () => {
  interopSuite(() => DjangoOAuthServer.start());
});
