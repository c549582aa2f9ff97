import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SlipDecoder, slipEncode } from './slip';

describe('SLIP', () => {
  test('escapes 0xC0 and 0xDB inside the frame', () => {
    expect(Array.from(slipEncode(Uint8Array.of(1, 0xc0, 2, 0xdb, 3)))).toEqual([
      0xc0, 1, 0xdb, 0xdc, 2, 0xdb, 0xdd, 3, 0xc0,
    ]);
  });

  test('decoding inverts encoding for any payloads, in any chunking, skipping text between frames', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 5 }),
        fc.integer({ min: 1, max: 7 }),
        (payloads, chunk) => {
          const noise = new TextEncoder().encode('boot log\r\n');
          const wire = [...noise, ...payloads.flatMap((p) => Array.from(slipEncode(p)))];
          const decoder = new SlipDecoder();
          const frames: Uint8Array[] = [];
          for (let i = 0; i < wire.length; i += chunk) {
            frames.push(...decoder.push(Uint8Array.from(wire.slice(i, i + chunk))));
          }
          expect(frames.map((f) => Array.from(f))).toEqual(payloads.map((p) => Array.from(p)));
        },
      ),
    );
  });

  test('an invalid escape drops the frame in progress', () => {
    const decoder = new SlipDecoder();
    expect(decoder.push(Uint8Array.of(0xc0, 1, 0xdb, 0x00, 2, 0xc0, 0xc0, 7, 0xc0))).toEqual([
      Uint8Array.of(7),
    ]);
  });
});
