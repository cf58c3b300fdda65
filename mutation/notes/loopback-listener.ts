import { killedBy, type MutantNote } from '../mutant-note.js';

const FILE = 'src/oauth/loopback-listener.ts';

/** Notes on the surviving mutants of `src/oauth/loopback-listener.ts`. */
export const loopbackListenerNotes: readonly MutantNote[] = [
  ...killedBy(FILE, 'test/unit/oauth/loopback-listener-callbacks.test.ts', [
    // The page headers (static pass) and the success page's path.
    ['StringLiteral', "'text/html; charset=utf-8'", '""'],
    ['StringLiteral', "'nosniff'", '""'],
    ['ConditionalExpression', "url.pathname === '/'", 'true'],
    // The grace that lets the browser fetch the success page after close().
    ['ConditionalExpression', 'accepted', 'false'],
    ['ConditionalExpression', 'accepted', 'true'],
    [
      'BlockStatement',
      '{ const grace = new Promise<void>((resolve) => setTimeout(resolve, SUCCESS_PAGE_GRACE_MS).unref(), ); await Promise.race([successPageFetched, grace]); }',
      '{}',
    ],
  ]),
  ...killedBy(FILE, 'test/unit/oauth/loopback-listener-binding.test.ts', [
    // Slowloris: the request and headers timeouts.
    [
      'ObjectLiteral',
      '{ requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(requestTimeoutMs, TIMEOUT_CHECK_MS), }',
      '{}',
    ],
    // A machine without IPv6 loopback: localhost falls back to 127.0.0.1.
    ['ConditionalExpression', "code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT'", 'false'],
    ['ConditionalExpression', "code === 'EADDRNOTAVAIL'", 'false'],
    ['ConditionalExpression', "code === 'EAFNOSUPPORT'", 'false'],
    ['StringLiteral', "'EADDRNOTAVAIL'", '""'],
    ['StringLiteral', "'EAFNOSUPPORT'", '""'],
    // A taken or privileged port is PORT_IN_USE; any other listen error passes on as it is.
    ['ConditionalExpression', "code === 'EADDRINUSE' || code === 'EACCES'", 'true'],
    ['ConditionalExpression', "code === 'EACCES'", 'false'],
    ['EqualityOperator', "code === 'EACCES'", "code !== 'EACCES'"],
    ['StringLiteral', "'EACCES'", '""'],
  ]),
  {
    file: FILE,
    mutator: 'BlockStatement',
    original: '{ successServed = resolve; }',
    replacement: '{}',
    verdict: 'not a defence',
    reason:
      'Without it close() waits out the 2 s grace even after the success page was served: the login still completes, the page is still served and the listener still closes; only the exit is 2 s later, which no assertion can tell without timing it.',
  },
];
