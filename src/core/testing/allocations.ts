/**
 * Test helper: the bytes of typed-array memory a call allocates. Every typed-array
 * constructor that allocates (not a view over an existing buffer) and every `slice` is
 * counted while `fn` runs; the total is an upper bound of what the call holds at its peak.
 */

const TYPED_ARRAYS = [
  'Uint8Array',
  'Int8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigUint64Array',
  'BigInt64Array',
] as const;

type Global = Record<string, unknown>;

/** Runs `fn` and returns its result and the typed-array bytes allocated meanwhile. */
export function countAllocations<T>(fn: () => T): { result: T; bytes: number } {
  let bytes = 0;
  const global = globalThis as unknown as Global;
  const originals = TYPED_ARRAYS.map((name) => [name, global[name]] as const);
  const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as { slice: SliceFn };
  type SliceFn = (this: ArrayBufferView, start?: number, end?: number) => ArrayBufferView;
  const slice = typedArrayPrototype.slice;
  for (const [name, original] of originals) {
    type Constructor = new (...a: unknown[]) => ArrayBufferView;
    global[name] = new Proxy(original as Constructor, {
      construct(target, args: unknown[], newTarget) {
        const made = Reflect.construct(target, args, newTarget === global[name] ? target : newTarget);
        const first = args[0];
        const view =
          first instanceof ArrayBuffer ||
          (typeof SharedArrayBuffer === 'function' && first instanceof SharedArrayBuffer);
        if (!view) bytes += made.byteLength;
        return made;
      },
    });
  }
  typedArrayPrototype.slice = function (this: ArrayBufferView, start?: number, end?: number) {
    const made = slice.call(this, start, end);
    bytes += made.byteLength;
    return made;
  };
  try {
    const result = fn();
    return { result, bytes };
  } finally {
    for (const [name, original] of originals) global[name] = original;
    typedArrayPrototype.slice = slice;
  }
}
