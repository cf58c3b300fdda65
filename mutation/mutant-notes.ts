import type { MutantNote } from './mutant-note.js';
import { childEnvironmentNotes } from './notes/child-environment.js';
import { credentialDestinationNotes } from './notes/credential-destination.js';
import { fileCredentialStoreNotes } from './notes/file-credential-store.js';
import { fileLockNotes } from './notes/file-lock.js';
import { keychainRecordNotes } from './notes/keychain-record.js';
import { keychainStoreNotes } from './notes/keychain-store.js';
import { loopbackNotes } from './notes/loopback.js';
import { loopbackListenerNotes } from './notes/loopback-listener.js';
import { oauthConfigNotes } from './notes/oauth-config.js';
import { oauthFlowNotes } from './notes/oauth-flow.js';
import { pastedResponseNotes } from './notes/pasted-response.js';
import { providerEndpointsNotes } from './notes/provider-endpoints.js';
import { redactNotes } from './notes/redact.js';
import { redisConnectionNotes } from './notes/redis-connection.js';
import { redisCredentialStoreNotes } from './notes/redis-credential-store.js';
import { refreshPolicyNotes } from './notes/refresh-policy.js';
import { resolvedCredentialNotes } from './notes/resolved-credential.js';
import { secureFileNotes } from './notes/secure-file.js';
import { timersNotes } from './notes/timers.js';
import { tokenManagerNotes } from './notes/token-manager.js';

/**
 * Notes on the mutants that survived a full run, one file per mutated module
 * in `mutation/notes/`, matched by file, mutator, original and replacement
 * (not by line, so they survive edits elsewhere in the file). A survivor
 * without a note is printed as "no reason written".
 */
export const MUTANT_NOTES: readonly MutantNote[] = [
  ...credentialDestinationNotes,
  ...resolvedCredentialNotes,
  ...redactNotes,
  ...loopbackListenerNotes,
  ...loopbackNotes,
  ...oauthConfigNotes,
  ...oauthFlowNotes,
  ...pastedResponseNotes,
  ...providerEndpointsNotes,
  ...childEnvironmentNotes,
  ...refreshPolicyNotes,
  ...timersNotes,
  ...tokenManagerNotes,
  ...fileLockNotes,
  ...secureFileNotes,
  ...fileCredentialStoreNotes,
  ...redisCredentialStoreNotes,
  ...redisConnectionNotes,
  ...keychainStoreNotes,
  ...keychainRecordNotes,
];
