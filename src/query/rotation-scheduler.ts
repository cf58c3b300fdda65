import type { ResolvedCredential } from '../credentials/resolved-credential.js';
import { timerDelayUntil } from '../platform/timers.js';

/** What renews a running session's credential before it expires (see `CredentialSession`). */
export interface RotationSource {
  /** When (epoch ms) to hand the running session a renewed credential; asks the refresh policy. */
  rotationDue?(current: ResolvedCredential): number | undefined;
  /** The renewed credential, or `undefined` if there is none (yet). */
  rotate?(current: ResolvedCredential): Promise<ResolvedCredential | undefined>;
}

/** Options for {@link RotationScheduler}. */
export interface RotationSchedulerOptions {
  /** The session's renewal functions; without them nothing is ever scheduled. */
  readonly source: RotationSource | undefined;
  /** Gives the running Claude Code a renewed credential; should call `start(next)` again. */
  readonly handOver: (next: ResolvedCredential) => Promise<void>;
  /** The clock, in epoch milliseconds (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * The shortest wait before looking again for a renewed credential that was not
 * there yet (a subscription token nobody has renewed): a backoff, not a refresh
 * window — the next look is after a quarter of what is left, at least this.
 */
const MIN_RETRY_MS = 500;

/**
 * Hands a running query a renewed credential when the refresh policy says the
 * current one is due. Timers never spin: their delay is clamped to what
 * `setTimeout` honours, a clamped timer that wakes before the due time just
 * waits again, and a renewal that found nothing is retried with a backoff
 * only while the current credential lasts.
 */
export class RotationScheduler {
  readonly #source: RotationSource | undefined;
  readonly #handOver: (next: ResolvedCredential) => Promise<void>;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #firings = 0;

  /**
   * Creates an idle scheduler; {@link RotationScheduler.start} arms it.
   *
   * @param options - See {@link RotationSchedulerOptions}.
   */
  constructor(options: RotationSchedulerOptions) {
    this.#source = options.source;
    this.#handOver = options.handOver;
    this.#now = options.now ?? Date.now;
  }

  /** How often a timer has fired so far (each firing is one look at the policy). */
  get firings(): number {
    return this.#firings;
  }

  /**
   * Schedules the rotation of `current`, replacing any earlier schedule.
   *
   * @param current - The credential the running session uses now.
   */
  start(current: ResolvedCredential | undefined): void {
    clearTimeout(this.#timer);
    if (this.#stopped || current === undefined || this.#source?.rotate === undefined) return;
    const at = this.#source.rotationDue?.(current);
    if (at !== undefined) this.#arm(at, current);
  }

  /** Cancels everything; nothing fires afterwards. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #arm(at: number, current: ResolvedCredential): void {
    this.#timer = setTimeout(() => void this.#fire(at, current), timerDelayUntil(at, this.#now()));
    this.#timer.unref?.();
  }

  async #fire(at: number, current: ResolvedCredential): Promise<void> {
    this.#firings++;
    if (this.#stopped) return;
    if (this.#now() < at) {
      this.#arm(at, current);
      return;
    }
    const next = await this.#source?.rotate?.(current).catch(() => undefined);
    if (this.#stopped) return;
    if (next !== undefined) {
      await this.#handOver(next).catch(() => undefined);
      return;
    }
    const left = (current.expiresAt?.getTime() ?? 0) - this.#now();
    if (left > 0) this.#arm(this.#now() + Math.max(MIN_RETRY_MS, left / 4), current);
  }
}
