/**
 * Timer arithmetic every waiting loop shares (the OAuth flow's and `claude setup-token`'s deadline and
 * device-flow pacing, rotation into a running query): Node's `setTimeout`
 * treats a delay above 2^31 − 1 ms as 1 ms, so an unclamped one-year wait
 * would spin. Below every other layer: it knows nothing of credentials.
 */

/** The longest delay `setTimeout` honours (2^31 − 1 ms); a longer one fires after 1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * A `setTimeout` delay for reaching `at`: never negative, never beyond
 * {@link MAX_TIMER_DELAY_MS} (a timer that fires early re-asks its caller's
 * policy and waits again; it never spins).
 *
 * @param at - The target time in epoch ms.
 * @param now - The current time in epoch ms.
 * @returns The delay in ms, in `[0, MAX_TIMER_DELAY_MS]`.
 */
export function timerDelayUntil(at: number, now: number): number {
  return Math.min(MAX_TIMER_DELAY_MS, Math.max(0, at - now));
}

/**
 * Calls `onExpire` once `ms` have passed, however long that is: a wait beyond
 * {@link MAX_TIMER_DELAY_MS} goes in clamped steps, so a `--timeout` of a
 * month (or `Infinity`, "no limit") neither fires at once nor spins. The one
 * place a user-given timeout becomes a timer.
 *
 * @param ms - How long to wait, in ms; `0`, a negative or `NaN` expires at once (synchronously).
 * @param onExpire - Called once, when the time is up (never after the returned cancel).
 * @returns A function that cancels the wait.
 */
export function afterDelay(ms: number, onExpire: () => void): () => void {
  const deadline = Date.now() + ms;
  let timer: NodeJS.Timeout | undefined;
  const wait = () => {
    const left = deadline - Date.now();
    if (Number.isNaN(left) || left <= 0) onExpire();
    else timer = setTimeout(wait, timerDelayUntil(deadline, Date.now()));
  };
  wait();
  return () => clearTimeout(timer);
}
