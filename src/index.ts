/**
 * claude-auth: authentication for Claude Code.
 *
 * @packageDocumentation
 */
export type { Options, Query, SDKMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
export { getAuthHeaders } from './auth/auth-headers.js';
export {
  ClaudeAuth,
  type ClaudeAuthOptions,
  EXPIRY_WARNING_CODE,
  type ResolutionStep,
} from './auth/claude-auth.js';
export {
  BASE_URL_VARIABLE,
  credentialDestination,
  type DestinationContext,
  SUBSCRIPTION_BASE_URL_VARIABLE,
} from './auth/credential-destination.js';
export {
  type ClaudeCliOptions,
  type LoginOptions,
  type LogoutResult,
  login,
  logout,
} from './auth/login.js';
export {
  CREDENTIAL_ENV_VARS,
  type CredentialSource,
  credentialFromHeaders,
  OAUTH_BETA,
  ResolvedCredential,
  type ResolvedCredentialInit,
  type ResolvedCredentialKind,
} from './auth/resolved-credential.js';
export { ENV_CLAUDE_BINARY, locateClaudeBinary } from './claude-code/claude-binary.js';
export {
  type ClaudeCodeLogin,
  type ClaudeCodeLoginOptions,
  claudeCodeKeychainItem,
  claudeConfigDir,
  type KeychainItemReader,
  readClaudeCodeLogin,
} from './claude-code/claude-code-login.js';
export { runSetupToken, type SetupTokenOptions } from './claude-code/setup-token.js';
export {
  parseSubscriptionToken,
  SUBSCRIPTION_REVOKE_URL,
  SUBSCRIPTION_TOKEN_LIFETIME_MS,
  subscriptionAuthToken,
} from './claude-code/subscription-token.js';
export {
  AuthErrorCode,
  AuthenticationError,
  type AuthenticationErrorOptions,
  isAuthenticationError,
  type OAuthErrorFields,
} from './errors/authentication-error.js';
export { REDACTED, redactSecrets } from './errors/redact.js';
export { type BrowserOpener, systemBrowserOpener } from './oauth/browser-opener.js';
export {
  createOAuthFetch,
  DEFAULT_HTTP_TIMEOUT_MS,
  MAX_RESPONSE_BYTES,
  type OAuthFetch,
  type OAuthFetchInit,
  type OAuthFetchOptions,
} from './oauth/http-client.js';
export {
  DEFAULT_REDIRECT_URI,
  OAUTH_ENV,
  OAuthConfig,
  type OAuthConfigInit,
} from './oauth/oauth-config.js';
export {
  DEFAULT_LOGIN_TIMEOUT_MS,
  OAuthFlow,
  type OAuthFlowOptions,
  type OAuthLoginOptions,
} from './oauth/oauth-flow.js';
export {
  type ProviderTokenOptions,
  refreshProviderToken,
  revokeProviderToken,
  revokeProviderTokens,
  type TokenRevocation,
} from './oauth/provider-tokens.js';
export type { RenewalSource } from './query/auth-recovery.js';
export {
  AuthenticatedQuery,
  type AuthenticatedQueryParams,
  type CredentialSession,
  type Prompt,
} from './query/authenticated-query.js';
export { childEnvironment } from './query/child-environment.js';
export {
  AuthenticationMiddleware,
  type AuthHeadersProvider,
  type QueryHandler,
  type QueryMiddleware,
  type QueryRequest,
  queryWithMiddleware,
} from './query/middleware.js';
export {
  type AuthenticatedQueryOptions,
  authenticatedQuery,
  type QueryParams,
  query,
  queryWithApiKey,
  queryWithOAuth,
} from './query/queries.js';
export type { RotationSource } from './query/rotation-scheduler.js';
export {
  findSettingsConflicts,
  type SettingSource,
  type SettingsConflict,
} from './query/settings-conflicts.js';
export {
  ADVISORY_REFRESH_WINDOW_MS,
  MANDATORY_REFRESH_WINDOW_MS,
  RENEWAL_WARNING_WINDOW_MS,
} from './refresh/refresh-policy.js';
export {
  type GetTokenOptions,
  type RefreshFunction,
  STORE_RECHECK_MS,
  TokenManager,
  type TokenManagerOptions,
} from './refresh/token-manager.js';
export type { FileLockOptions, HeldLock } from './storage/file-lock.js';
export { type FileEnvironment, type FileSystem, nodeFileSystem } from './storage/file-system.js';
export {
  type CredentialName,
  DEFAULT_PROFILE,
  ENV_PROFILE,
  ENV_STORAGE_DIR,
  listProfiles,
  type ProfileLocation,
  type ProfileOptions,
  resolveProfile,
} from './storage/profile-paths.js';
export { TokenStorage } from './storage/token-storage.js';
export type {
  CredentialStore,
  CredentialTransaction,
  StoreBackend,
  StoreDescription,
  StoredCredential,
  TransactionOptions,
  WriteOutcome,
} from './store/credential-store.js';
export {
  FileCredentialStore,
  type FileCredentialStoreOptions,
} from './store/file-credential-store.js';
export { ENV_STORE, type OpenStoreOptions, openStore } from './store/open-store.js';
export {
  type AccountInfo,
  AuthToken,
  type AuthTokenInit,
  type ClientRegistration,
  type CredentialKind,
  type McpServerBinding,
  type ProviderMetadata,
  type TokenEndpointAuthMethod,
} from './token/auth-token.js';
export { TOKEN_FILE_VERSION } from './token/token-file-format.js';
