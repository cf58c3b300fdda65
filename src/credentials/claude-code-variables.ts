import type { ResolvedCredentialKind } from './resolved-credential.js';

/**
 * Every environment variable the bundled Claude Code reads that selects a
 * model provider, says where requests go, or carries a credential, and what
 * each one means for the environment claude-auth starts Claude Code with.
 * `test/unit/credentials/claude-code-variables.test.ts` lists the matching names in
 * the bundled binary and fails on one missing here, so an SDK upgrade cannot
 * add a credential path unnoticed.
 *
 * - `credential`: a credential for the model API, or the choice of one.
 *   Removed whenever the resolution chain chose a credential: the one
 *   injected is the only one. `ANTHROPIC_PROFILE` (an `ant` profile) is one:
 *   inside Claude Code it outranks the federation too, so a chosen federation
 *   would otherwise make no exchange and fail as "Not logged in".
 * - `provider`: selects Bedrock, Vertex, Foundry, a gateway or another host,
 *   or configures one of them. Removed whenever a credential was chosen: an
 *   inherited `CLAUDE_CODE_USE_BEDROCK=1` would otherwise move a subscription
 *   query (and its billing) to AWS. Where the credential goes is then set by
 *   `credentialDestination` alone.
 * - `federation`: Anthropic's workload identity federation and where `ant`
 *   keeps its configuration, Claude Code's own way to obtain a credential. Removed when another
 *   credential was chosen (it would compete); passed through untouched when
 *   the chain chose the federation itself (its `anthropic-federation` link,
 *   DESIGN §6d) and when nothing is injected (`query()`).
 * - `other`: read by Claude Code, named like a credential, but not one for the
 *   model API (models, telemetry, other services' tokens, timing). Passed through.
 *
 * `ANTHROPIC_CUSTOM_HEADERS` is `credential` only in its `Authorization` and
 * `x-api-key` lines; the child environment keeps its other lines.
 */
export type ClaudeCodeVariableRole = 'credential' | 'provider' | 'federation' | 'other';

/**
 * Whether a variable of this role competes with the credential the chain
 * chose, and so is removed from (or, in a settings file, conflicts with)
 * Claude Code's environment: credentials and provider switches always; the
 * federation variables unless the federation is the chosen credential.
 *
 * @param role - The variable's role (`undefined`: not Claude Code's).
 * @param kind - The kind of the chosen credential (`undefined`: any).
 */
export function competesWith(
  role: ClaudeCodeVariableRole | undefined,
  kind: ResolvedCredentialKind | undefined,
): boolean {
  if (role === 'federation') return kind !== 'anthropic-federation';
  return role === 'credential' || role === 'provider';
}

function role(
  kind: ClaudeCodeVariableRole,
  names: readonly string[],
): [string, ClaudeCodeVariableRole][] {
  return names.map((name) => [name, kind]);
}

/** The table: variable name → role. */
export const CLAUDE_CODE_VARIABLES: ReadonlyMap<string, ClaudeCodeVariableRole> = new Map([
  ...role('credential', [
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_AUTH_TOKEN',
    'ANTHROPIC_AWS_API_KEY',
    'ANTHROPIC_CUSTOM_HEADERS',
    'ANTHROPIC_FOUNDRY_API_KEY',
    'ANTHROPIC_FOUNDRY_AUTH_TOKEN',
    'ANTHROPIC_PROFILE',
    'AWS_BEARER_TOKEN_BEDROCK',
    'CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR',
    'CLAUDE_CODE_GATEWAY_TOKEN',
    'CLAUDE_CODE_GATEWAY_TOKEN_FILE_DESCRIPTOR',
    'CLAUDE_CODE_HOST_AUTH_ENV_VAR',
    'CLAUDE_CODE_HOST_CREDS_FILE',
    'CLAUDE_CODE_LAUNCHER_RUNS_API_KEY_HELPER',
    'CLAUDE_CODE_OAUTH_REFRESH_TOKEN',
    'CLAUDE_CODE_OAUTH_TOKEN',
    'CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR',
    'CLAUDE_CODE_SESSIONS_OAUTH_TOKEN',
    'CLAUDE_CODE_SESSION_ACCESS_TOKEN',
    'CLAUDE_CODE_SESSION_IDENTITY_TOKEN',
    'CLAUDE_CODE_WEBSOCKET_AUTH_FILE_DESCRIPTOR',
  ]),
  ...role('provider', [
    'ANTHROPIC_AWS_BASE_URL',
    'ANTHROPIC_AWS_WORKSPACE_ID',
    'ANTHROPIC_BASE_URL',
    'ANTHROPIC_BEDROCK_BASE_URL',
    'ANTHROPIC_BEDROCK_MANTLE_BASE_URL',
    'ANTHROPIC_BEDROCK_REGION_PREFIX',
    'ANTHROPIC_BEDROCK_SERVICE_TIER',
    'ANTHROPIC_FOUNDRY_BASE_URL',
    'ANTHROPIC_FOUNDRY_RESOURCE',
    'ANTHROPIC_GOOGLE_CLOUD_BASE_URL',
    'ANTHROPIC_GOOGLE_CLOUD_LOCATION',
    'ANTHROPIC_GOOGLE_CLOUD_PROJECT',
    'ANTHROPIC_GOOGLE_CLOUD_WORKSPACE_ID',
    'ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION',
    'ANTHROPIC_UNIX_SOCKET',
    'ANTHROPIC_VERTEX_BASE_URL',
    'ANTHROPIC_VERTEX_PROJECT_ID',
    'CLAUDE_CODE_API_BASE_URL',
    'CLAUDE_CODE_CUSTOM_OAUTH_URL',
    'CLAUDE_CODE_HOST_AUTH_ASK_AT_START',
    'CLAUDE_CODE_HOST_AUTH_REFRESH_TIMEOUT_MS',
    'CLAUDE_CODE_HOST_GATEWAY_LINEAGE',
    'CLAUDE_CODE_HOST_HYBRID_ORGANIZATION_UUID',
    'CLAUDE_CODE_OAUTH_CLIENT_ID',
    'CLAUDE_CODE_OAUTH_SCOPES',
    'CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST',
    'CLAUDE_CODE_SDK_HAS_HOST_AUTH_REFRESH',
    'CLAUDE_CODE_SDK_HAS_OAUTH_REFRESH',
    'CLAUDE_CODE_SDK_HAS_SESSIONS_OAUTH_REFRESH',
    'CLAUDE_CODE_SKIP_ANTHROPIC_AWS_AUTH',
    'CLAUDE_CODE_SKIP_ANTHROPIC_GOOGLE_CLOUD_AUTH',
    'CLAUDE_CODE_SKIP_BEDROCK_AUTH',
    'CLAUDE_CODE_SKIP_FOUNDRY_AUTH',
    'CLAUDE_CODE_SKIP_MANTLE_AUTH',
    'CLAUDE_CODE_SKIP_VERTEX_AUTH',
    'CLAUDE_CODE_USE_ANTHROPIC_AWS',
    'CLAUDE_CODE_USE_ANTHROPIC_GOOGLE_CLOUD',
    'CLAUDE_CODE_USE_BEDROCK',
    'CLAUDE_CODE_USE_FOUNDRY',
    'CLAUDE_CODE_USE_GATEWAY',
    'CLAUDE_CODE_USE_MANTLE',
    'CLAUDE_CODE_USE_VERTEX',
    'CLOUD_ML_REGION',
  ]),
  ...role('federation', [
    'ANTHROPIC_CONFIG_DIR',
    'ANTHROPIC_FEDERATION_RULE_ID',
    'ANTHROPIC_IDENTITY_TOKEN',
    'ANTHROPIC_IDENTITY_TOKEN_FILE',
    'ANTHROPIC_ORGANIZATION_ID',
    'ANTHROPIC_SCOPE',
    'ANTHROPIC_SERVICE_ACCOUNT_ID',
    'ANTHROPIC_WORKSPACE_ID',
  ]),
  ...role('other', [
    // A constant's name in the bundle (the API's host name), not a variable.
    'ANTHROPIC_API_HOST',
    'ANTHROPIC_ASSETS_HOST',
    'ANTHROPIC_BETAS',
    'ANTHROPIC_ENVIRONMENT_ID',
    'ANTHROPIC_ENVIRONMENT_KEY',
    'ANTHROPIC_LOG',
    'ANTHROPIC_MODEL',
    'ANTHROPIC_SESSION_ID',
    'ANTHROPIC_SMALL_FAST_MODEL',
    'ANTHROPIC_TELEMETRY_GROUP',
    'ANTHROPIC_TIER_NAMES',
    'ANTHROPIC_WEBHOOK_SIGNING_KEY',
    'ANTHROPIC_WORK_ID',
    'ANTHROPIC_WORK_SECRET',
    'CLAUDE_CODE_ACCOUNT_UUID',
    'CLAUDE_CODE_API_KEY_HELPER_TTL_MS',
    'CLAUDE_CODE_ARTIFACTS_API_BASE_URL',
    'CLAUDE_CODE_ARTIFACTS_API_TOKEN',
    'CLAUDE_CODE_ARTIFACT_ASSET_BASE_URL',
    'CLAUDE_CODE_ARTIFACT_LIVE_BASE_URL',
    'CLAUDE_CODE_ARTIFACT_SYNC_BASE_URL',
    'CLAUDE_CODE_ARTIFACT_VIEWER_BASE_URL',
    'CLAUDE_CODE_AUTH_FAIL_EXIT_MS',
    'CLAUDE_CODE_BRIDGE_OWNER_ACCOUNT_UUID',
    'CLAUDE_CODE_CLIENT_KEY',
    'CLAUDE_CODE_CLIENT_KEY_PASSPHRASE',
    'CLAUDE_CODE_DESIGN_OAUTH_CLIENT_ID',
    'CLAUDE_CODE_DISABLE_AUTH_REFRESH_LOCK',
    'CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY',
    'CLAUDE_CODE_ENABLE_PROXY_AUTH_HELPER',
    'CLAUDE_CODE_ENABLE_TOKEN_USAGE_ATTACHMENT',
    'CLAUDE_CODE_GATEWAY_HINT_HEADERS',
    'CLAUDE_CODE_GATEWAY_MODEL_DISCOVERY_TIMEOUT_MS',
    'CLAUDE_CODE_GB_BASE_URL',
    'CLAUDE_CODE_HFI_BEARER_TOKEN',
    'CLAUDE_CODE_IDLE_TOKEN_THRESHOLD',
    'CLAUDE_CODE_MCP_SERVE_AUTH_TOKEN',
    'CLAUDE_CODE_MEMORY_API_BASE_URL',
    'CLAUDE_CODE_MEMORY_API_TOKEN',
    'CLAUDE_CODE_MESSAGING_TOKEN',
    'CLAUDE_CODE_OAUTH_401_WAIT_MS',
    'CLAUDE_CODE_ORGANIZATION_UUID',
    'CLAUDE_CODE_PROXY_AUTHENTICATE',
    'CLAUDE_CODE_PROXY_AUTH_HELPER_TTL_MS',
    'CLAUDE_CODE_RESUME_TOKEN_THRESHOLD',
    'CLAUDE_CODE_SLACK_TAG_TOKEN',
    'CLAUDE_CODE_USER_DELEGATED_SESSION_ALLOWED_PROVIDERS',
    'CLAUDE_CODE_USER_DELEGATED_SESSION_ROUTINE_SERVER_CHECK_PROVIDERS',
    'CLAUDE_CODE_USER_DELEGATED_SESSION_SERVER_CHECK_PROVIDERS',
    'CLAUDE_CODE_USE_COWORK_PLUGINS',
    'CLAUDE_CODE_USE_NATIVE_FILE_SEARCH',
    'CLAUDE_CODE_USE_POWERSHELL_TOOL',
  ]),
]);

/**
 * Families of model-choice variables (`ANTHROPIC_DEFAULT_OPUS_MODEL_NAME`, …):
 * `other`. Each model release adds names; none selects a provider or holds a
 * credential.
 */
const MODEL_CHOICE = /^ANTHROPIC_(DEFAULT_[A-Z0-9_]*MODEL[A-Z_]*|CUSTOM_MODEL_OPTION[A-Z_]*)$/;

/**
 * The role of a variable Claude Code reads, or `undefined` for one outside the
 * table (not Claude Code's: passed through as it is).
 *
 * @param name - The variable's name.
 */
export function claudeCodeVariableRole(name: string): ClaudeCodeVariableRole | undefined {
  return CLAUDE_CODE_VARIABLES.get(name) ?? (MODEL_CHOICE.test(name) ? 'other' : undefined);
}

/**
 * claude-auth's own secrets: every `CLAUDE_AUTH_*` or `CLAUDE_OAUTH_*` variable
 * whose name ends in `KEY`, `SECRET`, `PASSWORD` or `TOKEN`
 * (`CLAUDE_AUTH_STORE_KEY`, `CLAUDE_OAUTH_CLIENT_SECRET`, and any added later).
 * They open the store or the OAuth client and never reach Claude Code, whose
 * tools (Bash) would otherwise read the key that decrypts every profile in a
 * shared Redis. The `_FILE` variables name a path, not a secret, and pass.
 */
const CLAUDE_AUTH_SECRET = /^CLAUDE_(AUTH|OAUTH)_[A-Z0-9_]*(KEY|SECRET|PASSWORD|TOKEN)$/;

/**
 * claude-auth's own path variables: `CLAUDE_AUTH_DIR` and every `CLAUDE_AUTH_*`
 * or `CLAUDE_OAUTH_*` name ending in `_FILE` (`CLAUDE_AUTH_STORE_KEY_FILE`,
 * `CLAUDE_AUTH_REDIS_PASSWORD_FILE`, `CLAUDE_OAUTH_SUBJECT_TOKEN_FILE`, and any
 * added later). claude-auth reads them against its own working directory.
 */
const CLAUDE_AUTH_PATH = /^CLAUDE_(AUTH_DIR|(AUTH|OAUTH)_[A-Z0-9_]*_FILE)$/;

/**
 * Whether a variable names one of claude-auth's own paths ({@link CLAUDE_AUTH_PATH}).
 * Claude Code runs in the query's `options.cwd`, where its MCP `headersHelper`
 * (`claude-auth mcp headers`) and its tools would read a relative one against
 * another directory than the caller did: `childEnvironment` makes them absolute.
 *
 * @param name - The variable's name.
 */
export function isClaudeAuthPath(name: string): boolean {
  return CLAUDE_AUTH_PATH.test(name);
}

/** The variable that names the store; a Redis URL there may hold a password. */
const STORE_VARIABLE = 'CLAUDE_AUTH_STORE';

/**
 * Whether a variable is one of claude-auth's own secrets, kept from Claude Code
 * whatever is injected: a name {@link CLAUDE_AUTH_SECRET} matches, or
 * `CLAUDE_AUTH_STORE` holding a URL with a password (a backend name such as
 * `file` or a Redis URL without one passes, so Claude Code's tools reach the same store).
 *
 * @param name - The variable's name.
 * @param value - Its value.
 */
export function isClaudeAuthSecret(name: string, value: string | undefined): boolean {
  if (CLAUDE_AUTH_SECRET.test(name)) return true;
  return name === STORE_VARIABLE && value !== undefined && urlHasPassword(value);
}

function urlHasPassword(value: string): boolean {
  try {
    return new URL(value.trim()).password !== '';
  } catch {
    return false;
  }
}
