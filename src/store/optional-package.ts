import { createRequire } from 'node:module';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';

/**
 * The optional peer dependencies (`peerDependenciesMeta.optional`): each backs
 * one store backend, and only those who choose that backend install it. A
 * file-store user installs and loads neither.
 */
export type OptionalPackage = 'ioredis' | '@napi-rs/keyring';

/** The backend each optional package serves, as the error names it. */
const BACKEND: Record<OptionalPackage, string> = {
  ioredis: 'The Redis store (redis://…, rediss://…)',
  '@napi-rs/keyring': 'The keychain store',
};

/**
 * The error for a backend chosen without its package installed.
 *
 * @param name - The package.
 * @param cause - The resolution failure.
 * @returns `CONFIG_INVALID`, whose fix is the `npm install` that adds the package.
 */
export function missingOptionalPackage(
  name: OptionalPackage,
  cause?: unknown,
): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `${BACKEND[name]} needs the package ${name}, an optional peer dependency of claude-auth that is not installed here.`,
    { fix: `npm install ${name}`, cause },
  );
}

/** Whether `error` is Node's "cannot find package `name`" (ES module or CommonJS resolution). */
function isMissing(error: unknown, name: OptionalPackage): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    error.message.includes(`'${name}'`)
  );
}

/**
 * Imports an optional package when its backend is first used.
 *
 * @param name - The package.
 * @param load - Its `import()`, written out where it is used (bundlers and type checking see it there).
 * @returns The module.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` ({@link missingOptionalPackage}) when it is not installed.
 */
export async function importOptionalPackage<T>(
  name: OptionalPackage,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissing(error, name)) throw missingOptionalPackage(name, error);
    throw error;
  }
}

/**
 * Resolves an optional package's entry file, for code that loads it elsewhere
 * (the keychain binding runs in a worker thread).
 *
 * @param name - The package.
 * @param from - The module resolving it (`import.meta.url`).
 * @returns The entry file's path.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` ({@link missingOptionalPackage}) when it is not installed.
 */
export function resolveOptionalPackage(name: OptionalPackage, from: string | URL): string {
  try {
    return createRequire(from).resolve(name);
  } catch (error) {
    if (isMissing(error, name)) throw missingOptionalPackage(name, error);
    throw error;
  }
}
