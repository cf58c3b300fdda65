import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnvironment, handOverVariables } from '../../../src/credentials/child-environment.js';
import { routeCredential } from '../../../src/credentials/credential-destination.js';
import { ResolvedCredential } from '../../../src/credentials/resolved-credential.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { fakeSecret } from '../../helpers/tokens.js';

describe('childEnvironment: the credential injected is the only one Claude Code sees', () => {
  it('an API key replaces every competing credential variable and arrives as ANTHROPIC_API_KEY alone', () => {
    const key = fakeSecret('child-key');
    const env = childEnvironment(
      {
        PATH: '/bin',
        CLAUDE_CODE_OAUTH_TOKEN: fakeSecret('inherited-oauth'),
        ANTHROPIC_AUTH_TOKEN: fakeSecret('inherited-bearer'),
        CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR: '3',
      },
      { CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR: '4' },
      new ResolvedCredential({ kind: 'api-key', source: 'option', secret: key }),
    );
    expect(env).toEqual({ PATH: '/bin', ANTHROPIC_API_KEY: key });
  });

  // The names are written out here, not imported: a name dropped from the module's
  // list must fail this test (Stryker cannot mutate an `as const` list).
  it.each([
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_AUTH_TOKEN',
    'CLAUDE_CODE_OAUTH_TOKEN',
    'CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR',
    'CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR',
  ])('an inherited %s never reaches Claude Code beside an injected gateway token', (name) => {
    const token = fakeSecret('child-gateway');
    const env = childEnvironment(
      { PATH: '/bin', [name]: fakeSecret('inherited') },
      undefined,
      new ResolvedCredential({
        kind: 'oauth',
        source: 'profile',
        secret: token,
        apiBaseUrl: 'https://gateway.example/anthropic',
      }),
    );
    expect(env).toEqual({
      PATH: '/bin',
      ANTHROPIC_AUTH_TOKEN: token,
      ANTHROPIC_BASE_URL: 'https://gateway.example/anthropic',
    });
  });
});

describe('childEnvironment: a plain-http loopback destination is in the proxy exclusions', () => {
  const gatewayTo = (url: string) =>
    new ResolvedCredential({
      kind: 'oauth',
      source: 'profile',
      secret: fakeSecret('loopback-gateway'),
      apiBaseUrl: url,
    });

  it('lists an IPv6 loopback both as the URL writes it ([::1]) and as a bare address (::1)', () => {
    const env = childEnvironment({}, undefined, gatewayTo('http://[::1]:8080/gateway'));
    for (const name of ['NO_PROXY', 'no_proxy'])
      expect(env[name]?.split(',')).toEqual(['[::1]', '::1']);
  });

  it('keeps the listed exclusions as a clean list: spaces trimmed, blanks dropped, the loopback host not listed twice', () => {
    const env = childEnvironment(
      { HTTP_PROXY: 'http://proxy.example:3128', NO_PROXY: ' internal.example , 127.0.0.1 ,, ' },
      undefined,
      gatewayTo('http://127.0.0.1:8080/gateway'),
    );
    expect(env.NO_PROXY?.split(',')).toEqual(['internal.example', '127.0.0.1']);
  });

  it('keeps the caller’s exclusions under both spellings: a tool reading no_proxy first (curl, undici) still bypasses the proxy for them', () => {
    const env = childEnvironment(
      {
        HTTP_PROXY: 'http://proxy.example:3128',
        NO_PROXY: 'internal.example',
        no_proxy: 'other.example',
      },
      undefined,
      gatewayTo('http://127.0.0.1:8080/gateway'),
    );
    for (const name of ['NO_PROXY', 'no_proxy'])
      expect(env[name]?.split(',')).toEqual(['internal.example', 'other.example', '127.0.0.1']);
  });
});

describe('childEnvironment: the table of Claude Code variables decides what competes', () => {
  const subscription = () =>
    new ResolvedCredential({
      kind: 'claude-subscription',
      source: 'profile',
      secret: fakeSecret('child-subscription'),
    });

  it('removes provider switches, their settings and federation beside an injected credential', () => {
    const credential = subscription();
    const env = childEnvironment(
      {
        PATH: '/bin',
        AWS_REGION: 'us-east-1',
        CLAUDE_CODE_USE_BEDROCK: '1',
        ANTHROPIC_BEDROCK_BASE_URL: 'https://bedrock.example',
        AWS_BEARER_TOKEN_BEDROCK: fakeSecret('bedrock'),
        ANTHROPIC_FEDERATION_RULE_ID: 'rule',
        ANTHROPIC_MODEL: 'claude-test',
      },
      { CLAUDE_CODE_USE_VERTEX: '1' },
      credential,
    );
    // AWS_REGION is the user's (their tools use it); without the switch it moves nothing.
    expect(env).toEqual({
      PATH: '/bin',
      AWS_REGION: 'us-east-1',
      ANTHROPIC_MODEL: 'claude-test',
      CLAUDE_CODE_OAUTH_TOKEN: credential.secret,
    });
  });

  it("Claude Code's own login, chosen by the chain, injects nothing yet removes what would compete with it", () => {
    const own = new ResolvedCredential({
      kind: 'claude-code-login',
      source: 'claude-code-login',
      secret: fakeSecret('own-login'),
    });
    const env = childEnvironment(
      {
        PATH: '/bin',
        CLAUDE_CONFIG_DIR: '/home/u/.claude',
        CLAUDE_CODE_USE_FOUNDRY: '1',
        ANTHROPIC_IDENTITY_TOKEN_FILE: '/var/run/token',
      },
      undefined,
      own,
    );
    expect(env).toEqual({ PATH: '/bin', CLAUDE_CONFIG_DIR: '/home/u/.claude' });
  });

  it('Anthropic’s federation, chosen by the chain, keeps its variables and its base URL and removes what would compete', () => {
    const federation = new ResolvedCredential({
      kind: 'anthropic-federation',
      source: 'anthropic-federation',
    });
    const variables = {
      ANTHROPIC_FEDERATION_RULE_ID: 'fdrl_r',
      ANTHROPIC_ORGANIZATION_ID: 'org',
      ANTHROPIC_SERVICE_ACCOUNT_ID: 'svac_a',
      ANTHROPIC_WORKSPACE_ID: 'wrkspc_w',
      ANTHROPIC_IDENTITY_TOKEN_FILE: '/var/run/secrets/token',
      ANTHROPIC_SCOPE: 'inference',
    };
    const env = childEnvironment(
      {
        PATH: '/bin',
        ...variables,
        ANTHROPIC_BASE_URL: 'https://api.anthropic.example',
        ANTHROPIC_API_KEY: fakeSecret('competing-key'),
        // An `ant` profile outranks the federation inside Claude Code.
        ANTHROPIC_PROFILE: 'someprofile',
        CLAUDE_CODE_USE_BEDROCK: '1',
        CLAUDE_AUTH_STORE_KEY: fakeSecret('store-key'),
      },
      { CLAUDE_CODE_OAUTH_TOKEN: fakeSecret('competing-oauth') },
      federation,
    );
    expect(env).toEqual({
      PATH: '/bin',
      ...variables,
      ANTHROPIC_BASE_URL: 'https://api.anthropic.example',
    });
  });

  it('Anthropic’s federation is refused a plain-http base URL off this machine, as Claude Code would refuse it', () => {
    const federation = new ResolvedCredential({
      kind: 'anthropic-federation',
      source: 'anthropic-federation',
    });
    expect(() =>
      childEnvironment({ ANTHROPIC_BASE_URL: 'http://gateway.example' }, undefined, federation),
    ).toThrow(expect.objectContaining({ code: AuthErrorCode.CONFIG_INVALID }));
  });

  it("passes Claude Code's own variables when nothing is injected, but never claude-auth's secrets", () => {
    const env = childEnvironment(
      {
        PATH: '/bin',
        CLAUDE_CODE_USE_BEDROCK: '1',
        ANTHROPIC_FEDERATION_RULE_ID: 'rule',
        CLAUDE_AUTH_STORE_KEY: fakeSecret('store-key'),
        CLAUDE_AUTH_STORE: 'redis://:pw@127.0.0.1:6379/0',
        CLAUDE_AUTH_STORE_KEY_FILE: '/run/secrets/key',
      },
      { CLAUDE_OAUTH_CLIENT_SECRET: fakeSecret('client-secret') },
    );
    expect(env).toEqual({
      PATH: '/bin',
      CLAUDE_CODE_USE_BEDROCK: '1',
      ANTHROPIC_FEDERATION_RULE_ID: 'rule',
      CLAUDE_AUTH_STORE_KEY_FILE: '/run/secrets/key',
    });
  });
});

describe("a machine grant's variables in Claude Code's environment", () => {
  it('never passes the identity token or the client secret; the file variables name paths and pass', () => {
    const env = childEnvironment(
      {
        PATH: '/bin',
        CLAUDE_OAUTH_SUBJECT_TOKEN: fakeSecret('identity-token'),
        CLAUDE_OAUTH_CLIENT_SECRET: fakeSecret('client-secret'),
        CLAUDE_OAUTH_SUBJECT_TOKEN_FILE: '/run/ci/id-token',
        CLAUDE_OAUTH_CLIENT_ASSERTION_KEY_FILE: '/etc/claude/key.pem',
      },
      {},
    );
    expect(env).toEqual({
      PATH: '/bin',
      CLAUDE_OAUTH_SUBJECT_TOKEN_FILE: '/run/ci/id-token',
      CLAUDE_OAUTH_CLIENT_ASSERTION_KEY_FILE: '/etc/claude/key.pem',
    });
  });
});

describe('handOverVariables: a hand-over is derived from the destination the credential carries', () => {
  const gateway = (url: string, label: string) =>
    routeCredential(
      new ResolvedCredential({
        kind: 'oauth',
        source: 'profile',
        secret: fakeSecret(label),
        apiBaseUrl: url,
        profile: 'work',
      }),
      { inherited: {} },
    );

  it('hands over the token with its base URL when the destination is the same', () => {
    const running = gateway('https://a.example/api', 'running');
    const next = gateway('https://a.example/api', 'next');
    expect(handOverVariables(running, next)).toEqual({
      ANTHROPIC_AUTH_TOKEN: next.secret,
      ANTHROPIC_BASE_URL: 'https://a.example/api',
    });
  });

  it('refuses a renewed credential for another destination, naming both and the fix', () => {
    const running = gateway('https://a.example/api', 'running');
    const next = gateway('https://b.example/api', 'next');
    let error: unknown;
    try {
      handOverVariables(running, next);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      code: AuthErrorCode.API_AUTH_FAILED,
      message: expect.stringMatching(/b\.example.*a\.example/),
      fix: expect.stringContaining('new query'),
    });
    expect(JSON.stringify(error)).not.toContain(next.secret ?? '');
  });

  it('decides a destination once: a routed credential keeps it in another environment', () => {
    const subscription = new ResolvedCredential({
      kind: 'claude-subscription',
      source: 'profile',
      secret: fakeSecret('routed'),
    });
    const routed = routeCredential(subscription, { inherited: {} });
    expect(routed.destination).toBeNull();
    expect(
      routeCredential(routed, {
        inherited: {},
        explicit: { ANTHROPIC_BASE_URL: 'https://elsewhere.example' },
      }).destination,
    ).toBeNull();
    expect(routed.secret).toBe(subscription.secret);
  });
});

describe("claude-auth's own paths reach Claude Code absolute, against the caller's directory", () => {
  // Claude Code runs in the query's options.cwd: its MCP headersHelper and tools would
  // resolve a relative path there and miss the caller's store.
  it.each([
    ['CLAUDE_AUTH_DIR', './authdir', resolve('authdir')],
    ['CLAUDE_AUTH_DIR', 'a/../b/', resolve('b')],
    ['CLAUDE_AUTH_DIR', '/srv/auth', '/srv/auth'],
    ['CLAUDE_AUTH_STORE_KEY_FILE', 'secrets/key', resolve('secrets/key')],
    ['CLAUDE_AUTH_REDIS_PASSWORD_FILE', 'redis.pw', resolve('redis.pw')],
    ['CLAUDE_OAUTH_SUBJECT_TOKEN_FILE', './id-token', resolve('id-token')],
    ['CLAUDE_OAUTH_CLIENT_ASSERTION_KEY_FILE', 'key.pem', resolve('key.pem')],
    // An empty one means "the default" to claude-auth, not the current directory.
    ['CLAUDE_AUTH_DIR', '', ''],
    // Not paths of claude-auth's store or client: passed as they are.
    ['CLAUDE_AUTH_PROFILE', 'work', 'work'],
    ['CLAUDE_AUTH_CLAUDE_PATH', 'claude', 'claude'],
    ['CLAUDE_CODE_HOST_CREDS_FILE', 'creds', 'creds'],
  ])('%s=%j inherited or set by the call becomes %j', (name, value, expected) => {
    expect(childEnvironment({ [name]: value }, {})[name]).toBe(expected);
    expect(childEnvironment({}, { [name]: value })[name]).toBe(expected);
  });
});
