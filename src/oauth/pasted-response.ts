import { timingSafeEqual } from 'node:crypto';

const BARE_CODE = /^[A-Za-z0-9._~+/=-]{4,2048}$/;

/** Whether a pasted `state` is this login's, compared in constant time as the loopback listener does. */
function isExpectedState(state: string | null, expectedState: string): boolean {
  if (state === null) return false;
  const pasted = Buffer.from(state);
  const expected = Buffer.from(expectedState);
  return pasted.length === expected.length && timingSafeEqual(pasted, expected);
}

/**
 * Reads what a user pasted when the browser could not reach the loopback
 * listener: the whole redirect URL (its query is the authorization response),
 * `code#state`, or the bare code. A URL or `code#state` whose state is not
 * this login's is not accepted (the user pasted a stale or foreign one).
 *
 * @param line - What the user pasted.
 * @param expectedState - This login's `state`.
 * @returns The authorization response parameters, or `undefined` when the line is not one.
 */
export function parsePastedResponse(
  line: string,
  expectedState: string,
): URLSearchParams | undefined {
  const text = line.trim();
  if (text === '') return undefined;
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return undefined;
    }
    const params = url.searchParams;
    if (!params.has('code') && !params.has('error')) return undefined;
    return isExpectedState(params.get('state'), expectedState) ? params : undefined;
  }
  const [code = '', state, ...rest] = text.split('#');
  if (rest.length > 0 || !BARE_CODE.test(code)) return undefined;
  if (state !== undefined && !isExpectedState(state, expectedState)) return undefined;
  return new URLSearchParams({ code, state: expectedState });
}
