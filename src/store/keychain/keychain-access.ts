import type { Worker } from 'node:worker_threads';
import { resolveOptionalPackage } from '../optional-package.js';

/**
 * The OS keychain's entries of one service, each call bounded in time. The
 * real one ({@link WorkerKeychainAccess}) runs the native calls on a worker
 * thread; tests of the logic above it may pass another.
 */
export interface KeychainAccess {
  /** The keychain service name the entries are filed under. */
  readonly service: string;
  /** An entry's value, or `null` when there is none. */
  get(account: string, timeoutMs: number): Promise<string | null>;
  /** Creates or replaces an entry. */
  set(account: string, value: string, timeoutMs: number): Promise<void>;
  /** Deletes an entry; whether there was one. */
  delete(account: string, timeoutMs: number): Promise<boolean>;
  /** The accounts of every entry of the service (their values never leave the keychain's side). */
  accounts(timeoutMs: number): Promise<string[]>;
}

/** Why a keychain call failed: it did not answer in time, or it answered with an error. */
export class KeychainCallError extends Error {
  override readonly name = 'KeychainCallError';
  /**
   * @param message - What went wrong, never a secret.
   * @param timedOut - Whether the call ran out of time (a frozen or prompting keychain).
   */
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

/** How long after a call timed out further calls fail at once, in ms. */
export const KEYCHAIN_COOLDOWN_MS = 10_000;

/** A call that fails after this long failed for want of an answer, not with one, in ms. */
const SLOW_FAILURE_MS = 1000;

const shared = new Map<string, WorkerKeychainAccess>();

/**
 * The process's one {@link WorkerKeychainAccess} of a service: every store of
 * the process shares its worker and its memory of a keychain that stopped answering.
 *
 * @param service - The keychain service name.
 */
export function sharedKeychainAccess(service: string): WorkerKeychainAccess {
  let access = shared.get(service);
  if (access === undefined) {
    access = new WorkerKeychainAccess(service);
    shared.set(service, access);
  }
  return access;
}

type Operation = 'get' | 'set' | 'delete' | 'list';

interface Request {
  readonly op: Operation;
  readonly service: string;
  readonly account?: string;
  readonly value?: string;
}

type ReplyValue = string | boolean | string[] | null;

type Reply = { ok: true; value: ReplyValue } | { ok: false; message: string };

/**
 * The worker's code. It is evaluated rather than loaded from a file so that the
 * same code runs from `dist/` and from the sources under test. On Linux it pins
 * the Secret Service: the library would otherwise fall back to the kernel
 * keyring, which forgets everything at reboot.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Entry, findCredentials } = require(workerData.modulePath);
const options = { linux: { store: 'secret-service' } };
parentPort.on('message', (request) => {
  let reply;
  try {
    if (request.op === 'list') {
      // Only the account names cross to the main thread, never the secrets found with them.
      parentPort.postMessage({ ok: true, value: findCredentials(request.service).map((c) => c.account) });
      return;
    }
    const entry = new Entry(request.service, request.account, options);
    if (request.op === 'get') reply = { ok: true, value: entry.getPassword() };
    else if (request.op === 'set') { entry.setPassword(request.value); reply = { ok: true, value: null }; }
    else {
      try { reply = { ok: true, value: entry.deleteCredential() }; }
      catch (error) {
        if (!/no matching entry/i.test(String(error && error.message))) throw error;
        reply = { ok: true, value: false };
      }
    }
  } catch (error) {
    reply = { ok: false, message: String((error && error.message) || error) };
  }
  parentPort.postMessage(reply);
});
`;

/**
 * The OS keychain through `@napi-rs/keyring` (macOS Keychain, Secret Service,
 * Windows Credential Manager), with every native call on a worker thread: a
 * frozen or prompting keychain daemon blocks that thread (the library's
 * constructor alone can block for seconds), never the caller's event loop.
 * A call that runs out of time rejects with {@link KeychainCallError}; its
 * worker is terminated and the next call starts a fresh one, after a cooldown
 * during which calls fail at once (a frozen daemon is not waited for again and
 * again by one command). Calls run one at a time, each within its own bound
 * counted from when it was made.
 */
export class WorkerKeychainAccess implements KeychainAccess {
  readonly service: string;
  #worker: Worker | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #modulePath: string | undefined;
  readonly #cooldownMs: number;
  #unresponsiveUntil = 0;

  /**
   * @param service - The keychain service name.
   * @param options - `modulePath`: the native binding to load (tests may name
   *   another); `cooldownMs`: how long after a timeout calls fail at once
   *   (default {@link KEYCHAIN_COOLDOWN_MS}).
   */
  constructor(service: string, options: { modulePath?: string; cooldownMs?: number } = {}) {
    this.service = service;
    this.#modulePath = options.modulePath;
    this.#cooldownMs = options.cooldownMs ?? KEYCHAIN_COOLDOWN_MS;
  }

  async get(account: string, timeoutMs: number): Promise<string | null> {
    const value = await this.#call({ op: 'get', service: this.service, account }, timeoutMs);
    return typeof value === 'string' ? value : null;
  }

  async set(account: string, value: string, timeoutMs: number): Promise<void> {
    await this.#call({ op: 'set', service: this.service, account, value }, timeoutMs);
  }

  async delete(account: string, timeoutMs: number): Promise<boolean> {
    return (await this.#call({ op: 'delete', service: this.service, account }, timeoutMs)) === true;
  }

  async accounts(timeoutMs: number): Promise<string[]> {
    const value = await this.#call({ op: 'list', service: this.service }, timeoutMs);
    return Array.isArray(value) ? value : [];
  }

  /** Stops the worker (it also never keeps the process alive on its own). */
  close(): void {
    this.#discard();
  }

  #call(request: Request, timeoutMs: number): Promise<ReplyValue> {
    const deadline = Date.now() + timeoutMs;
    const result = this.#queue.then(() => this.#run(request, deadline - Date.now()));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #run(request: Request, timeoutMs: number): Promise<ReplyValue> {
    if (Date.now() < this.#unresponsiveUntil) {
      return Promise.reject(
        new KeychainCallError(
          'the keychain did not answer a moment ago (not asked again yet)',
          true,
        ),
      );
    }
    if (timeoutMs <= 0) {
      return Promise.reject(
        new KeychainCallError('the keychain did not answer in time (earlier calls waited)', true),
      );
    }
    const worker = this.#ensureWorker();
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const onMessage = (reply: Reply) => {
        clearTimeout(timer);
        worker.off('error', onError);
        if (reply.ok) {
          resolve(reply.value);
          return;
        }
        // A slow failure is the daemon not answering, reported by D-Bus's own timeout.
        if (Date.now() - started >= SLOW_FAILURE_MS) {
          this.#unresponsiveUntil = Date.now() + this.#cooldownMs;
        }
        reject(new KeychainCallError(reply.message, false));
      };
      const onError = (error: Error) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        this.#discard();
        reject(new KeychainCallError(`the keychain module failed: ${error.message}`, false));
      };
      const timer = setTimeout(() => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        this.#discard();
        this.#unresponsiveUntil = Date.now() + this.#cooldownMs;
        reject(
          new KeychainCallError(
            `the keychain did not answer within ${(timeoutMs / 1000).toFixed(1)} s`,
            true,
          ),
        );
      }, timeoutMs);
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.postMessage(request);
    });
  }

  #ensureWorker(): Worker {
    if (this.#worker === undefined) {
      // node:worker_threads at first use, not at import: only a keychain call needs it (issue 23).
      const { Worker } = process.getBuiltinModule('node:worker_threads');
      // Resolved at the first call, an optional peer: `auto` falls back to the file without it.
      this.#modulePath ??= resolveOptionalPackage('@napi-rs/keyring', import.meta.url);
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { modulePath: this.#modulePath },
        // Secrets pass through messages only; the worker needs no environment of its own
        // beyond what the native library reads (D-Bus address, HOME).
        stdout: false,
        stderr: false,
      });
      // A call in flight keeps the process alive through its timer, an idle worker never does.
      worker.unref();
      worker.on('error', () => undefined);
      this.#worker = worker;
    }
    return this.#worker;
  }

  /**
   * Drops the worker. A thread stuck in a native call cannot be interrupted;
   * terminate() ends it when the call returns, and meanwhile it holds nothing
   * the next worker needs.
   */
  #discard(): void {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) void worker.terminate().catch(() => undefined);
  }
}
