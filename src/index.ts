/**
 * claude-auth: authentication for Claude Code.
 *
 * The public surface is the guide's names in TypeScript idiom (README › The
 * API) and what the README documents beside them; every other module is
 * internal and may change in any release. `test/unit/layout/public-surface.test.ts`
 * fails when a value exported here is not documented in that section.
 *
 * @packageDocumentation
 */
export type { Options, Query, SDKMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
export type {
  AnthropicFederation,
  IdentityTokenSource,
} from './credentials/anthropic-federation.js';
export { getAuthHeaders } from './credentials/auth-headers.js';
export {
  ClaudeAuth,
  type ClaudeAuthOptions,
  type ResolutionStep,
} from './credentials/claude-auth.js';
export {
  credentialDestination,
  type DestinationContext,
} from './credentials/credential-destination.js';
export type {
  CredentialSource,
  ResolvedCredential,
  ResolvedCredentialKind,
} from './credentials/resolved-credential.js';
export {
  AuthErrorCode,
  AuthenticationError,
  type AuthenticationErrorOptions,
  isAuthenticationError,
  type OAuthErrorFields,
} from './errors/authentication-error.js';
export {
  type ClaudeCliOptions,
  type LoginOptions,
  type LogoutResult,
  login,
  logout,
} from './login/login.js';
export type { BrowserOpener } from './oauth/browser-opener.js';
export type { OAuthFetch, OAuthFetchInit } from './oauth/http-client.js';
export { OAuthConfig, type OAuthConfigInit } from './oauth/oauth-config.js';
export { OAuthFlow, type OAuthFlowOptions, type OAuthLoginOptions } from './oauth/oauth-flow.js';
export type { TokenRevocation } from './oauth/provider-tokens.js';
export type { CredentialName, ProfileOptions } from './profile/profile-paths.js';
export type { RenewalSource } from './query/auth-recovery.js';
export type {
  AuthenticatedQuery,
  AuthenticatedQueryParams,
  CredentialSession,
  Prompt,
} from './query/authenticated-query.js';
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
export type { GetTokenOptions, TokenManager } from './refresh/token-manager.js';
export type { OpenStoreOptions } from './storage/open-store.js';
export { TokenStorage } from './storage/token-storage.js';
export type {
  CredentialStore,
  CredentialTransaction,
  ProfileListingOptions,
  StoreBackend,
  StoreDescription,
  StoredCredential,
  TransactionOptions,
  WriteOutcome,
} from './store/credential-store.js';
export type { FileLockOptions } from './store/file/file-lock.js';
export {
  type AccountInfo,
  AuthToken,
  type AuthTokenInit,
  type ClientRegistration,
  type CredentialKind,
  type MachineGrant,
  type MachineGrantType,
  type McpServerBinding,
  type ProviderMetadata,
  type SecretSource,
  type TokenEndpointAuthMethod,
} from './token/auth-token.js';
