import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormedText, utf8Decode, utf8Encode } from './utf8';

describe('UTF-8', () => {
  it('encodes like TextEncoder, lone surrogates included', () => {
    const encoder = new TextEncoder();
    for (const s of ['', 'main.py', 'café', '日本語.py', '🐍.py', 'a\ud800b', '\udc00']) {
      expect(utf8Encode(s)).toEqual(encoder.encode(s));
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(utf8Encode(s)).toEqual(encoder.encode(s));
      }),
    );
  });

  it('decodes like TextDecoder, ill-formed bytes included', () => {
    const decoder = new TextDecoder();
    const cases = [
      [0xc3, 0xa9],
      [0xe0, 0x80, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf0, 0x9f, 0x90],
      [0xff, 0x41],
      [0xc2],
    ];
    for (const c of cases) expect(utf8Decode(new Uint8Array(c))).toBe(decoder.decode(new Uint8Array(c)));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(utf8Decode(bytes)).toBe(decoder.decode(bytes));
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(utf8Decode(utf8Encode(s))).toBe(s);
      }),
    );
  });

  it('decodes long text', () => {
    const text = 'ü'.repeat(10000) + 'x'.repeat(10000);
    expect(utf8Decode(utf8Encode(text))).toBe(text);
  });

  it('tells well-formed text from text with lone surrogates', () => {
    expect(isWellFormedText('🐍 ok')).toBe(true);
    expect(isWellFormedText('a\ud800')).toBe(false);
    expect(isWellFormedText('\udc00a')).toBe(false);
  });
});
