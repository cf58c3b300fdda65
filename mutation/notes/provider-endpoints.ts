import { killedBy, type MutantNote } from '../mutant-note.js';

const PROVIDER_ENDPOINTS = 'src/oauth/provider-endpoints.ts';

/** Notes on the surviving mutants of `src/oauth/provider-endpoints.ts`. */
export const providerEndpointsNotes: readonly MutantNote[] = [
  // assertSecureEndpoints: an unparseable endpoint is echoed at most 200 characters.
  ...killedBy(PROVIDER_ENDPOINTS, 'test/unit/oauth/provider-endpoints.test.ts', [
    ['MethodExpression', 'String(value).slice(0, 200)', 'String(value)'],
  ]),
  // followingSameOrigin: a 3xx (300–399) with a Location is followed, anything else is not,
  // and at most MAX_DISCOVERY_REDIRECTS hops.
  ...killedBy(PROVIDER_ENDPOINTS, 'test/unit/oauth/provider-endpoints-redirects.test.ts', [
    ['UpdateOperator', 'hop++', 'hop--'],
    ['ConditionalExpression', 'response.status < 300 || response.status > 399', 'false'],
    [
      'LogicalOperator',
      'response.status < 300 || response.status > 399',
      'response.status < 300 && response.status > 399',
    ],
    ['ConditionalExpression', 'response.status < 300', 'false'],
    ['EqualityOperator', 'response.status < 300', 'response.status <= 300'],
    ['ConditionalExpression', 'response.status > 399', 'false'],
    ['EqualityOperator', 'response.status > 399', 'response.status >= 399'],
    ['ConditionalExpression', 'hop >= MAX_DISCOVERY_REDIRECTS', 'false'],
    ['EqualityOperator', 'hop >= MAX_DISCOVERY_REDIRECTS', 'hop > MAX_DISCOVERY_REDIRECTS'],
  ]),
];
