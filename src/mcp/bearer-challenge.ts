/** The parameters of a `Bearer` challenge in `WWW-Authenticate` (RFC 6750 §3, RFC 9728 §5.1). */
export interface BearerChallenge {
  /** RFC 9728 §5.1: where the protected resource's metadata is. */
  readonly resourceMetadata?: string;
  /** RFC 6750 §3: the scopes the resource needs (space-separated in the header). */
  readonly scope?: readonly string[];
  /** RFC 6750 §3.1: `invalid_token`, `insufficient_scope`, … */
  readonly error?: string;
}

const PARAMETER = /([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))/y;

/**
 * Reads the `Bearer` challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1
 * syntax: a scheme, then `name=value` or `name="quoted"` pairs). Other schemes'
 * parameters are ignored.
 *
 * @param header - The header's value, or `null` when absent.
 * @returns The Bearer challenge's parameters, or `undefined` when there is none.
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-5.1
 */
export function parseBearerChallenge(header: string | null): BearerChallenge | undefined {
  if (header === null) return undefined;
  let scheme: string | undefined;
  const bearer: Record<string, string> = {};
  let found = false;
  let at = 0;
  while (at < header.length) {
    const rest = header.slice(at);
    const skipped = rest.match(/^[\s,]*/)?.[0].length ?? 0;
    at += skipped;
    PARAMETER.lastIndex = at;
    const parameter = PARAMETER.exec(header);
    if (parameter !== null) {
      if (scheme === 'bearer') {
        const value = parameter[2] ?? parameter[3] ?? '';
        bearer[(parameter[1] as string).toLowerCase()] = value.replace(/\\(.)/g, '$1');
      }
      at = PARAMETER.lastIndex;
      continue;
    }
    const token = header.slice(at).match(/^[^\s,]+/)?.[0];
    if (token === undefined) break;
    scheme = token.toLowerCase();
    if (scheme === 'bearer') found = true;
    at += token.length;
  }
  if (!found) return undefined;
  const scope = bearer.scope?.split(/\s+/).filter(Boolean);
  return {
    ...(bearer.resource_metadata !== undefined && { resourceMetadata: bearer.resource_metadata }),
    ...(scope !== undefined && scope.length > 0 && { scope }),
    ...(bearer.error !== undefined && { error: bearer.error }),
  };
}
