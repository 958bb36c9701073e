/**
 * Binary search over a sorted range: the first index in [lo, length) for which
 * `before(i)` is false, where `before` holds for a prefix of the range (every
 * sorted index of the emulator asks this one question, with its own order).
 */
export function firstIndexNotBefore(length: number, before: (i: number) => boolean, lo = 0): number {
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
