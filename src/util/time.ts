/**
 * A duration as a timer takes it: whole milliseconds, at least 1, at most `max` (and never past what a
 * Node timer holds, 2^31 - 1 ms: `AbortSignal.timeout` throws on a fraction, a timer overflows past that).
 */
export function boundedMs(ms: number, max = 2_147_483_647): number {
  return Math.min(max, 2_147_483_647, Math.max(1, Math.round(Number.isFinite(ms) ? ms : max)));
}
