import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { CrcEngine, crcOf, type CrcParams } from './crc-engine';
import { crc32 } from './crc32';

const CHECK_INPUT = new TextEncoder().encode('123456789');

/** Check values from Greg Cook's "Catalogue of parametrised CRC algorithms" (reveng). */
const CATALOGUE: { name: string; params: CrcParams; check: number }[] = [
  { name: 'CRC-8/SMBUS', params: p(8, 0x07, 0, false, false, 0), check: 0xf4 },
  { name: 'CRC-8/MAXIM-DOW', params: p(8, 0x31, 0, true, true, 0), check: 0xa1 },
  { name: 'CRC-12/UMTS', params: p(12, 0x80f, 0, false, true, 0), check: 0xdaf },
  { name: 'CRC-16/IBM-3740', params: p(16, 0x1021, 0xffff, false, false, 0), check: 0x29b1 },
  { name: 'CRC-16/XMODEM', params: p(16, 0x1021, 0, false, false, 0), check: 0x31c3 },
  { name: 'CRC-16/MODBUS', params: p(16, 0x8005, 0xffff, true, true, 0), check: 0x4b37 },
  { name: 'CRC-16/ARC', params: p(16, 0x8005, 0, true, true, 0), check: 0xbb3d },
  { name: 'CRC-16/KERMIT', params: p(16, 0x1021, 0, true, true, 0), check: 0x2189 },
  { name: 'CRC-16/GENIBUS', params: p(16, 0x1021, 0xffff, false, false, 0xffff), check: 0xd64e },
  { name: 'CRC-24/OPENPGP', params: p(24, 0x864cfb, 0xb704ce, false, false, 0), check: 0x21cf02 },
  {
    name: 'CRC-32/ISO-HDLC',
    params: p(32, 0x04c11db7, 0xffffffff, true, true, 0xffffffff),
    check: 0xcbf43926,
  },
  {
    name: 'CRC-32/BZIP2',
    params: p(32, 0x04c11db7, 0xffffffff, false, false, 0xffffffff),
    check: 0xfc891918,
  },
  { name: 'CRC-32/MPEG-2', params: p(32, 0x04c11db7, 0xffffffff, false, false, 0), check: 0x0376e6e7 },
  { name: 'CRC-32/ISCSI', params: p(32, 0x1edc6f41, 0xffffffff, true, true, 0xffffffff), check: 0xe3069283 },
];

function p(
  width: number,
  poly: number,
  init: number,
  refin: boolean,
  refout: boolean,
  xorout: number,
): CrcParams {
  return { width, poly, init, refin, refout, xorout };
}

/** Bit-at-a-time CRC straight from the Rocksoft model definition (Williams §9), no table. */
function bitwiseCrc(params: CrcParams, bytes: Uint8Array): bigint {
  const w = BigInt(params.width);
  const mask = (1n << w) - 1n;
  const top = 1n << (w - 1n);
  const reflect = (v: bigint, bits: bigint): bigint => {
    let out = 0n;
    for (let i = 0n; i < bits; i++) out = (out << 1n) | ((v >> i) & 1n);
    return out;
  };
  let reg = BigInt(params.init);
  for (const byte of bytes) {
    const b = params.refin ? reflect(BigInt(byte), 8n) : BigInt(byte);
    reg ^= b << (w - 8n);
    for (let k = 0; k < 8; k++)
      reg = reg & top ? ((reg << 1n) ^ BigInt(params.poly)) & mask : (reg << 1n) & mask;
  }
  if (params.refout) reg = reflect(reg, w);
  return reg ^ BigInt(params.xorout);
}

const paramsArb = fc.integer({ min: 8, max: 32 }).chain((width) => {
  const word = fc.bigInt({ min: 0n, max: (1n << BigInt(width)) - 1n }).map(Number);
  return fc.record({
    width: fc.constant(width),
    poly: word,
    init: word,
    refin: fc.boolean(),
    refout: fc.boolean(),
    xorout: word,
  });
});

describe('CrcEngine', () => {
  it.each(CATALOGUE)('$name gives its catalogue check value', ({ params, check }) => {
    expect(crcOf(params, CHECK_INPUT)).toBe(check);
  });

  it('agrees with a bit-at-a-time Rocksoft model for random parameters and data', () => {
    fc.assert(
      fc.property(paramsArb, fc.uint8Array({ maxLength: 40 }), (params, bytes) => {
        expect(BigInt(crcOf(params, bytes))).toBe(bitwiseCrc(params, bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('matches the fast crc32 with CRC-32/ISO-HDLC parameters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(crcOf(CATALOGUE[10].params, bytes)).toBe(crc32(bytes));
      }),
    );
  });

  it('feeds in pieces to the same value, and value() does not disturb the state', () => {
    const engine = new CrcEngine(CATALOGUE[9].params);
    engine.update(CHECK_INPUT.subarray(0, 4));
    const partial = engine.value();
    expect(engine.value()).toBe(partial);
    engine.update(CHECK_INPUT.subarray(4));
    expect(engine.value()).toBe(0x21cf02);
  });

  it('gives xorout (after refout) for no bytes: init passes through unchanged', () => {
    expect(crcOf(CATALOGUE[10].params, new Uint8Array(0))).toBe(0);
    expect(crcOf(CATALOGUE[3].params, new Uint8Array(0))).toBe(0xffff);
  });

  it.each([
    ['a width below 8', p(7, 0x07, 0, false, false, 0)],
    ['a width above 32', p(33, 0x07, 0, false, false, 0)],
    ['a polynomial wider than the register', p(8, 0x107, 0, false, false, 0)],
    ['a negative init', p(16, 0x1021, -1, false, false, 0)],
    ['a fractional xorout', p(16, 0x1021, 0, false, false, 0.5)],
  ])('refuses %s with INVALID_ARGUMENT', (_label, params) => {
    expect(() => new CrcEngine(params)).toThrow(WebProgError);
    try {
      new CrcEngine(params);
    } catch (e) {
      expect((e as WebProgError).code).toBe('INVALID_ARGUMENT');
    }
  });
});
