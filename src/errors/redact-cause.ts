import { redactSecrets } from './redact.js';

/** A cause chain longer than this is cut: real chains are two or three links. */
const MAX_CAUSE_DEPTH = 8;
/** The only body fields of an OAuth error response that may be kept (RFC 6749 §5.2). */
const OAUTH_ERROR_FIELDS = ['error', 'error_description', 'error_uri'] as const;

function redactValue(
  key: string,
  value: unknown,
  secrets: readonly (string | undefined)[],
  depth: number,
): unknown {
  if (key === 'cause') return redactCause(value, secrets, depth + 1);
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  // Responses, parsed bodies, parameters and headers may hold the very tokens being refused.
  return undefined;
}

function oauthErrorFields(
  value: Record<string, unknown>,
  secrets: readonly (string | undefined)[],
): Record<string, string> | undefined {
  if (typeof value.error !== 'string') return undefined;
  const fields = OAUTH_ERROR_FIELDS.flatMap((field) => {
    const text = value[field];
    return typeof text === 'string' ? [[field, redactSecrets(text.slice(0, 500), secrets)]] : [];
  });
  return Object.fromEntries(fields);
}

function redactError(error: Error, secrets: readonly (string | undefined)[], depth: number): Error {
  const copy = new Error(redactSecrets(String(error.message), secrets));
  Object.defineProperty(copy, 'name', {
    value: error.name,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  copy.stack = redactSecrets(error.stack ?? `${error.name}: ${copy.message}`, secrets);
  for (const key of Object.keys(error)) {
    if (key === 'message' || key === 'stack' || key === 'name') continue;
    const value = redactValue(
      key,
      (error as unknown as Record<string, unknown>)[key],
      secrets,
      depth,
    );
    if (value !== undefined) Object.defineProperty(copy, key, { value, enumerable: true });
  }
  // Error's own `cause` is not enumerable; it is the link that carried the leak.
  if (Object.hasOwn(error, 'cause') && !Object.keys(error).includes('cause')) {
    const cause = redactCause(error.cause, secrets, depth + 1);
    if (cause !== undefined) Object.defineProperty(copy, 'cause', { value: cause });
  }
  return copy;
}

/**
 * A copy of an error's cause that is safe to print with `console.error` or
 * `util.inspect`: every error in the chain becomes a plain `Error` with its
 * name, redacted message and stack, and its string, number and boolean
 * properties (redacted); an OAuth error body keeps only its RFC 6749 §5.2
 * fields; anything else (a `Response`, a parsed token response, request
 * parameters) is dropped, because that is where a refused response's tokens are.
 *
 * @param cause - Whatever was caught.
 * @param secrets - Exact values to remove wherever they occur.
 * @param depth - How deep in the chain this cause is (the chain is cut at {@link MAX_CAUSE_DEPTH}).
 * @returns The redacted copy, or `undefined` when nothing of the cause is safe to keep.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function redactCause(
  cause: unknown,
  secrets: readonly (string | undefined)[] = [],
  depth = 0,
): unknown {
  if (cause === undefined || cause === null || depth > MAX_CAUSE_DEPTH) return undefined;
  if (cause instanceof Error) return redactError(cause, secrets, depth);
  if (typeof cause === 'string') return redactSecrets(cause, secrets);
  if (typeof cause === 'number' || typeof cause === 'boolean') return cause;
  if (typeof cause === 'object' && Object.getPrototypeOf(cause) === Object.prototype)
    return oauthErrorFields(cause as Record<string, unknown>, secrets);
  return undefined;
}
