/**
 * Whether a `CLAUDE_AUTH_STORE` / `--store` value names a Redis store. A module
 * of its own: choosing the backend (`chooseBackend`, on every command's
 * start-up) needs this test and nothing else of the Redis configuration.
 *
 * @param value - The value as given.
 */
export function isRedisStoreUrl(value: string): boolean {
  return /^rediss?:\/\//i.test(value.trim());
}
