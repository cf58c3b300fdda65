import { describe } from 'vitest';
import { GlewlwydServer } from '../../helpers/glewlwyd-server.js';
import { interopSuite } from './interop-cases.js';

describe('claude-auth against glewlwyd 2.7 (Debian, C)', () => {
  interopSuite(() => GlewlwydServer.start());
});
