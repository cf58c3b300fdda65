import { readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_TOOL, McpResourceServer } from '../../../fixtures/mcp-resource-server.js';
import { authenticatedQuery, queryWithApiKey } from '../../../src/query/queries.js';
import { claudeSandbox, collect } from '../../helpers/claude-code-env.js';
import { headlessMcpLogin } from '../../helpers/mcp-headless-login.js';
import { useMessagesApi } from '../../helpers/suite-fixtures.js';
import { tempDir } from '../../helpers/temp-dir.js';

const parts = useMessagesApi();
let mcp: McpResourceServer;
beforeAll(async () => {
  mcp = await McpResourceServer.start();
});
afterAll(async () => {
  await mcp?.close();
});

/** Every process's command line whose text holds `secret`, read while it runs. */
function commandLinesHolding(secret: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (argv.includes(secret)) found.push(`${pid}: ${argv.replaceAll('\0', ' ').slice(0, 200)}`);
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

/**
 * Whether a process still runs in the sandbox (its environment names the
 * sandbox's config directory). A query that ends with an error has told
 * Claude Code to stop, but the SDK does not wait for it to exit, and it may
 * still be writing its MCP logs into the sandbox when the test removes it.
 */
function runsIn(configDir: string): boolean {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(
          `CLAUDE_CONFIG_DIR=${configDir}\0`,
        );
      } catch {
        return false;
      }
    });
}

describe('a query whose MCP tool is behind OAuth, through the real Claude Code binary', () => {
  it('calls the tool with a bearer from claude-auth mcp headers, and no token on any command line', async () => {
    const sandbox = await claudeSandbox(parts.api);
    const env = sandbox.env;
    const { token } = await headlessMcpLogin(mcp, env).login;
    const offenders: string[] = [];
    mcp.onBearer = (token) => offenders.push(...commandLinesHolding(token));
    parts.api.toolUse = `mcp__docs__${MCP_TOOL.name}`;
    try {
      const { error } = await collect(
        queryWithApiKey({
          prompt: 'Who are you?',
          apiKey: 'sk-ant-api03-test-key-0000000000',
          options: {
            env,
            mcpServers: { docs: { type: 'http', url: mcp.url, alwaysLoad: true } },
            allowedTools: [`mcp__docs__${MCP_TOOL.name}`],
          },
        }),
      );
      expect(error).toBeUndefined();
    } finally {
      parts.api.toolUse = undefined;
      mcp.onBearer = undefined;
    }
    expect(mcp.toolCalls).toBe(1);
    expect(parts.api.toolResults.join('')).toContain(MCP_TOOL.answer);
    expect(mcp.bearers).toContain(token.accessToken);
    expect(offenders).toEqual([]);
  }, 120_000);

  it("uses the query's profile: a login that lives only in profile work reaches the server", async () => {
    const sandbox = await claudeSandbox(parts.api);
    const env = sandbox.env;
    const { token } = await headlessMcpLogin(mcp, env, { profile: 'work' }).login;
    const calls = mcp.toolCalls;
    parts.api.toolUse = `mcp__docs__${MCP_TOOL.name}`;
    try {
      const { error } = await collect(
        authenticatedQuery({
          prompt: 'Who are you?',
          profile: 'work',
          useOAuth: false,
          apiKey: 'sk-ant-api03-test-key-0000000000',
          options: {
            env,
            mcpServers: { docs: { type: 'http', url: mcp.url, alwaysLoad: true } },
            allowedTools: [`mcp__docs__${MCP_TOOL.name}`],
          },
        }),
      );
      expect(error).toBeUndefined();
    } finally {
      parts.api.toolUse = undefined;
    }
    expect(mcp.toolCalls).toBe(calls + 1);
    expect(mcp.bearers).toContain(token.accessToken);
  }, 120_000);

  it('finds the login with a relative CLAUDE_AUTH_DIR though Claude Code runs in another options.cwd', async () => {
    const sandbox = await claudeSandbox(parts.api);
    const { token } = await headlessMcpLogin(mcp, sandbox.env).login;
    // The caller's relative spelling of the same directory; Claude Code starts elsewhere,
    // where its headersHelper would read the relative path against the wrong directory.
    const env = {
      ...sandbox.env,
      CLAUDE_AUTH_DIR: relative(process.cwd(), String(sandbox.env.CLAUDE_AUTH_DIR)),
    };
    // Deeper than the caller's directory: from a shallower one, the `..`s would stop at
    // the root and reach the same directory by chance.
    const cwd = join(await tempDir('claude-cwd-'), ...process.cwd().split(sep), 'deeper');
    await mkdir(cwd, { recursive: true });
    const calls = mcp.toolCalls;
    parts.api.toolUse = `mcp__docs__${MCP_TOOL.name}`;
    try {
      const { error } = await collect(
        queryWithApiKey({
          prompt: 'Who are you?',
          apiKey: 'sk-ant-api03-test-key-0000000000',
          options: {
            env,
            cwd,
            mcpServers: { docs: { type: 'http', url: mcp.url, alwaysLoad: true } },
            allowedTools: [`mcp__docs__${MCP_TOOL.name}`],
          },
        }),
      );
      expect(error).toBeUndefined();
    } finally {
      parts.api.toolUse = undefined;
    }
    expect(mcp.toolCalls).toBe(calls + 1);
    expect(mcp.bearers).toContain(token.accessToken);
  }, 120_000);

  it.each([
    [
      'rejects every token (401 invalid_token)',
      { status: 401, error: 'invalid_token' } as const,
      'REAUTH_REQUIRED',
      /^claude-auth mcp login docs http:\/\/127\.0\.0\.1:\d+\/mcp$/,
    ],
    [
      // The login's scopes and the one the server adds: nothing the login could do is lost.
      'asks for more scopes (403 insufficient_scope)',
      { status: 403, error: 'insufficient_scope', scope: 'mcp:admin' } as const,
      'REAUTH_REQUIRED',
      /^claude-auth mcp login docs http:\/\/127\.0\.0\.1:\d+\/mcp --scopes "mcp:tools mcp:admin"$/,
    ],
  ])(
    'a server that %s ends the query with a typed error naming claude-auth mcp login, not a silent tool failure',
    async (_, rejection, code, fix) => {
      const sandbox = await claudeSandbox(parts.api);
      const env = sandbox.env;
      const { token } = await headlessMcpLogin(mcp, env).login;
      mcp.rejection = rejection;
      parts.api.toolUse = `mcp__docs__${MCP_TOOL.name}`;
      let outcome: Awaited<ReturnType<typeof collect>>;
      try {
        outcome = await collect(
          queryWithApiKey({
            prompt: 'Who are you?',
            apiKey: 'sk-ant-api03-test-key-0000000000',
            options: { env, mcpServers: { docs: { type: 'http', url: mcp.url } } },
          }),
        );
      } finally {
        mcp.rejection = undefined;
        parts.api.toolUse = undefined;
      }
      await expect.poll(() => runsIn(sandbox.configDir), { timeout: 15_000 }).toBe(false);
      expect(outcome.error).toMatchObject({ code, fix: expect.stringMatching(fix) });
      expect(String(outcome.error)).not.toContain(token.accessToken);
      expect(JSON.stringify(outcome.error)).not.toContain(token.accessToken);
    },
    120_000,
  );
});
