/** Byte-array comparisons shared by the flasher, the backends and the simulators. */

/** Index of the first byte where `a` and `b` differ; the shorter length if one is a prefix of the other; -1 if equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** True when `a` and `b` hold the same bytes (byte for byte, fast for large buffers). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && firstDifference(a, b) < 0;
}
