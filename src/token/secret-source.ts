import type { SecretSource } from './auth-token.js';

/**
 * Where a machine grant's secret comes from, as a user reads it: `$NAME` or
 * the file's path. Never the secret: `status` and error messages print it.
 *
 * @param source - The variable or file.
 */
export function describeSecretSource(source: SecretSource): string {
  return 'env' in source ? `$${source.env}` : source.file;
}
