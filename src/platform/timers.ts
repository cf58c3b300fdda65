/**
 * Timer arithmetic every waiting loop shares (the OAuth flow's deadline and
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
