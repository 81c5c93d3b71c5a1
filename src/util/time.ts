/**
 * A duration as a timer takes it: whole milliseconds, at least 1, at most `max` (and never past what a
 * Node timer holds, 2^31 - 1 ms: `AbortSignal.timeout` throws on a fraction, a timer overflows past that).
 */
export function boundedMs(ms: number, max = 2_147_483_647): number {
  return Math.min(max, 2_147_483_647, Math.max(1, Math.round(Number.isFinite(ms) ? ms : max)));
}

/**
 * `outer`, aborted also after `ms` (bounded as above). A timer and a listener, not
 * `AbortSignal.any([outer, AbortSignal.timeout(ms)])`: on Node 20 that one never fires once garbage
 * collection has run. `done` clears both.
 */
export function withTimeout(outer: AbortSignal, ms: number): { signal: AbortSignal; done: () => void } {
  const inner = new AbortController();
  const abort = () => inner.abort();
  const timer = setTimeout(abort, boundedMs(ms));
  if (outer.aborted) abort();
  else outer.addEventListener('abort', abort, { once: true });
  return { signal: inner.signal, done: () => (clearTimeout(timer), outer.removeEventListener('abort', abort)) };
}
