/**
 * Everything an error carries, as a reader (or a log shipper) would see it:
 * message, JSON form and stack of it and of every cause, so a test can assert
 * that no secret appears anywhere in it.
 */
export function everythingIn(error: unknown): string {
  const seen: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    seen.push(String(current), JSON.stringify(current), (current as Error).stack ?? '');
    current = (current as { cause?: unknown }).cause;
  }
  return seen.join('\n');
}
