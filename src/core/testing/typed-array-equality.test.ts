import { describe, expect, it } from 'vitest';
import { typedArrayEquality } from './typed-array-equality';

describe('typedArrayEquality', () => {
  it('compares a whole flash image fast and finds a single changed byte anywhere', () => {
    const a = new Uint8Array(512 * 1024).fill(0xff);
    const b = a.slice();
    expect(typedArrayEquality(a, b)).toBe(true);
    const started = performance.now();
    expect(a).toEqual(b);
    expect(performance.now() - started).toBeLessThan(1000); // vitest alone: seconds
    for (const at of [0, 1, 4097, a.length - 1]) {
      const c = a.slice();
      c[at] = 0xfe;
      expect(typedArrayEquality(a, c)).toBe(false);
      expect(c).not.toEqual(a);
    }
  });

  it('compares views at any offset, and lengths', () => {
    const buffer = new Uint8Array([9, 1, 2, 3, 4, 5, 6]).buffer;
    expect(new Uint8Array(buffer, 1, 5)).toEqual(Uint8Array.of(1, 2, 3, 4, 5));
    expect(new Uint8Array(buffer, 1, 5)).not.toEqual(Uint8Array.of(1, 2, 3, 4, 6));
    expect(Uint8Array.of(1, 2)).not.toEqual(Uint8Array.of(1, 2, 0));
    const words = new Uint16Array(new Uint8Array([9, 9, 1, 0, 2, 0]).buffer, 2, 2);
    expect(words).toEqual(new Uint16Array(new Uint8Array([1, 0, 2, 0]).buffer));
    expect(words).not.toEqual(Uint16Array.of(2, 1));
  });

  it('leaves other types and mixed constructors to vitest', () => {
    expect(typedArrayEquality([1], Uint8Array.of(1))).toBeUndefined();
    expect(typedArrayEquality(Uint8Array.of(1), Uint16Array.of(1))).toBeUndefined();
    expect(Uint8Array.of(1)).not.toEqual(Uint16Array.of(1));
    expect(Buffer.from([1])).not.toStrictEqual(Uint8Array.of(1));
    expect({ data: Uint32Array.of(0xdeadbeef) }).toEqual({ data: Uint32Array.of(0xdeadbeef) });
    expect({ data: Uint32Array.of(0xdeadbeef) }).not.toEqual({ data: Uint32Array.of(0xdeadbeee) });
  });

  it('compares floating-point elements as vitest does', () => {
    expect(Float64Array.of(NaN, 1.5)).toEqual(Float64Array.of(NaN, 1.5));
    expect(typedArrayEquality(Float64Array.of(0), Float64Array.of(-0))).toBe(false);
    expect(Float32Array.of(1, 2)).not.toEqual(Float32Array.of(1, 2.5));
  });
});
