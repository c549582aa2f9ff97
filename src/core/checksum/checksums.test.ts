import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { CHECKSUMS, checksum, checksumInfo, createChecksum, type ChecksumAlgorithm } from './index';

const CHECK_INPUT = new TextEncoder().encode('123456789');

/** Published check values over ASCII "123456789" (reveng catalogue, RFC 1321 test suite style, FIPS 180). */
const CHECK_VALUES: Record<ChecksumAlgorithm, string> = {
  crc32: 'cbf43926',
  'crc16-ccitt-false': '29b1',
  'crc16-xmodem': '31c3',
  'crc16-modbus': '4b37',
  crc8: 'f4',
  sum8: 'dd',
  sum16: '01dd',
  sum32: '000001dd',
  // (0 − 0x01DD) & 0xFFFF, per renesas-stlink-usbdm.md "On-chip checksum".
  'sum16-rl78': 'fe23',
  md5: '25f9e794323b453885f5181f1b624d0b',
  sha256: '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225',
};

const ALGORITHMS = Object.keys(CHECK_VALUES) as ChecksumAlgorithm[];

describe('CHECKSUMS', () => {
  it('lists every algorithm exactly once with a label, width and description', () => {
    expect(CHECKSUMS.map((c) => c.id).sort()).toEqual([...ALGORITHMS].sort());
    for (const info of CHECKSUMS) {
      expect(info.label.length).toBeGreaterThan(0);
      expect(info.description.length).toBeGreaterThan(10);
      expect(info.bits % 8).toBe(0);
    }
  });

  it('is frozen, so the UI cannot change the catalogue', () => {
    expect(Object.isFrozen(CHECKSUMS)).toBe(true);
    expect(Object.isFrozen(CHECKSUMS[0])).toBe(true);
  });

  it('refuses an unknown algorithm with INVALID_ARGUMENT naming the known ones', () => {
    const unknown = 'crc64' as ChecksumAlgorithm;
    expect(() => createChecksum(unknown)).toThrow(/Unknown checksum "crc64".*crc32/);
    try {
      checksumInfo(unknown);
    } catch (e) {
      expect((e as WebProgError).code).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('checksum', () => {
  it.each(ALGORITHMS)('%s gives its check value over "123456789"', (algorithm) => {
    const result = checksum(algorithm, CHECK_INPUT);
    expect(result.algorithm).toBe(algorithm);
    expect(result.hex).toBe(CHECK_VALUES[algorithm]);
    const { bits } = checksumInfo(algorithm);
    expect(result.hex).toHaveLength(bits / 4);
    if (bits <= 32) expect(result.value).toBe(parseInt(CHECK_VALUES[algorithm], 16));
    else expect(result.value).toBeUndefined();
  });

  it('pads hex with leading zeros to the full width', () => {
    expect(checksum('crc16-xmodem', new Uint8Array(0))).toEqual({
      algorithm: 'crc16-xmodem',
      hex: '0000',
      value: 0,
    });
    expect(checksum('sum32', new Uint8Array([1])).hex).toBe('00000001');
  });

  it('wraps the byte sums modulo 2^n', () => {
    const bytes = new Uint8Array(0x10101).fill(0xff); // Σ = 0xFF × 0x10101 = 0x00FFFFFF
    expect(checksum('sum8', bytes).value).toBe(0xff);
    expect(checksum('sum16', bytes).value).toBe(0xffff);
    expect(checksum('sum32', bytes).value).toBe(0xffffff);
  });

  it('computes the RL78 sum as the two’s complement of the 16-bit byte sum', () => {
    expect(checksum('sum16-rl78', new Uint8Array(0)).value).toBe(0);
    expect(checksum('sum16-rl78', new Uint8Array([0x01, 0x02])).value).toBe(0xfffd);
    // An erased 1 KiB RL78 code block: Σ = 1024 × 0xFF = 0x3FC00 → (0 − 0xFC00) & 0xFFFF = 0x0400.
    expect(checksum('sum16-rl78', new Uint8Array(1024).fill(0xff)).hex).toBe('0400');
    // The sum plus the checksum is 0 modulo 2^16 for any data.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (bytes) => {
        const sum16 = checksum('sum16', bytes).value ?? NaN;
        const rl78 = checksum('sum16-rl78', bytes).value ?? NaN;
        expect((sum16 + rl78) & 0xffff).toBe(0);
      }),
    );
  });

  it('agrees with Node’s crypto for MD5 and SHA-256 on random data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(checksum('md5', bytes).hex).toBe(createHash('md5').update(bytes).digest('hex'));
        expect(checksum('sha256', bytes).hex).toBe(createHash('sha256').update(bytes).digest('hex'));
      }),
      { numRuns: 50 },
    );
  });
});

describe('createChecksum', () => {
  it.each(ALGORITHMS)('%s fed in random pieces equals the one-shot result', (algorithm) => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.nat({ max: 200 }), { maxLength: 6 }),
        (bytes, cuts) => {
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const incremental = createChecksum(algorithm);
          let from = 0;
          for (const to of [...points, bytes.length]) {
            incremental.update(bytes.subarray(from, to));
            from = to;
          }
          expect(incremental.digest()).toEqual(checksum(algorithm, bytes));
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each(ALGORITHMS)('%s can be read mid-stream without disturbing the result', (algorithm) => {
    const c = createChecksum(algorithm);
    c.update(CHECK_INPUT.subarray(0, 5));
    const early = c.digest();
    expect(c.digest()).toEqual(early);
    expect(early).toEqual(checksum(algorithm, CHECK_INPUT.subarray(0, 5)));
    c.update(CHECK_INPUT.subarray(5));
    expect(c.digest().hex).toBe(CHECK_VALUES[algorithm]);
  });
});
