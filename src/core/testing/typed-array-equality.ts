/**
 * An equality tester for vitest's `toEqual` family on typed arrays. Vitest compares a typed
 * array element by element through its generic deep equality, which takes about 3 s for one
 * 512 KiB flash image on this project's machines; a test that reads back a whole chip paid that
 * for every comparison. This tester gives the same answer in well under a millisecond: two
 * typed arrays of the same constructor are equal when they have the same length and every
 * element is the same value (`Object.is`, as vitest compares numbers: NaN equals NaN, +0 is not
 * -0). Anything else (other types, arrays of different constructors, DataView) is left to
 * vitest, so `toStrictEqual` still tells a Buffer from a Uint8Array.
 */

type Typed = ArrayLike<number | bigint> & ArrayBufferView;

function isTyped(value: unknown): value is Typed {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** True when the two byte views hold the same bytes (compared a machine word at a time). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  let i = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = n >>> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    for (let w = 0; w < words; w++) if (wa[w] !== wb[w]) return false;
    i = words << 2;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Vitest equality tester (`expect.addEqualityTesters`): the answer for two typed arrays of the
 * same constructor, `undefined` (vitest decides) for anything else.
 */
export function typedArrayEquality(a: unknown, b: unknown): boolean | undefined {
  if (!isTyped(a) || !isTyped(b) || a.constructor !== b.constructor) return undefined;
  if (a.length !== b.length) return false;
  // Integer elements are equal exactly when their bytes are; floats compare as numbers.
  if (!(a instanceof Float32Array || a instanceof Float64Array)) return sameBytes(bytesOf(a), bytesOf(b));
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
