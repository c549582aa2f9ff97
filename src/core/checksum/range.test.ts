import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import MemoryMap from 'nrf-intel-hex';
import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { MemoryImage, SparseData, flashRegion } from '../memory';
import { TARGETS } from '../targets';
import { checksum, checksumRange, checksumRegion, type ChecksumAlgorithm } from './index';

const FIXTURES = resolve(process.cwd(), '../shared/fixtures/microbit');

/** Sparse data with two segments and gaps around and between them. */
function sample(): SparseData {
  const data = new SparseData();
  data.write(0x100, new Uint8Array([1, 2, 3, 4]));
  data.write(0x200, new Uint8Array([0xa0, 0xa1]));
  return data;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof WebProgError ? e.code : 'not a WebProgError';
  }
  return undefined;
}

/** Parses a real Intel Hex fixture into sparse data (normalised as the reference notes say). */
function loadHex(name: string): SparseData {
  const text = readFileSync(resolve(FIXTURES, name), 'utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  const end = text.indexOf(':00000001FF');
  const map = MemoryMap.fromHex(end >= 0 ? text.slice(0, end + 11) : text);
  const data = new SparseData();
  for (const [address, bytes] of map) data.write(address, bytes);
  return data;
}

describe('checksumRange', () => {
  it('reads gaps as 0xFF by default, exactly like the materialised bytes', () => {
    const data = sample();
    const expected = checksum('crc32', data.read(0x80, 0x200, 0xff));
    expect(checksumRange(data, 'crc32', 0x80, 0x280)).toEqual(expected);
  });

  it('reads gaps as the given fill', () => {
    const data = sample();
    const withZero = checksumRange(data, 'sum32', 0x100, 0x210, 0x00);
    expect(withZero.value).toBe(1 + 2 + 3 + 4 + 0xa0 + 0xa1);
    const withFf = checksumRange(data, 'sum32', 0x100, 0x210);
    expect(withFf.value).toBe((withZero.value ?? 0) + (0x210 - 0x100 - 6) * 0xff);
  });

  it('cuts segments at the range ends', () => {
    const data = sample();
    expect(checksumRange(data, 'sum8', 0x101, 0x103).value).toBe(2 + 3);
    expect(checksumRange(data, 'sum8', 0x201, 0x202).value).toBe(0xa1);
  });

  it('handles a range entirely inside a gap, and an empty range', () => {
    const data = sample();
    expect(checksumRange(data, 'sum32', 0x104, 0x110, 0x11).value).toBe(12 * 0x11);
    expect(checksumRange(data, 'crc32', 0x150, 0x150)).toEqual(checksum('crc32', new Uint8Array(0)));
    expect(checksumRange(new SparseData(), 'sha256', 0, 3, 0)).toEqual(checksum('sha256', new Uint8Array(3)));
  });

  it('streams a large gap in chunks with the same result as one buffer', () => {
    const data = new SparseData();
    data.write(0x30_0000, new Uint8Array([0x42]));
    const length = 0x40_0001; // 4 MiB + 1: many fill chunks and a short tail
    const whole = data.read(0, length, 0xff);
    expect(checksumRange(data, 'crc32', 0, length).value).toBe(zlibCrc32(whole));
    expect(checksumRange(data, 'md5', 0, length).hex).toBe(createHash('md5').update(whole).digest('hex'));
  });

  it('equals the checksum of data.read() for random data and ranges', () => {
    const algorithms: ChecksumAlgorithm[] = ['crc32', 'crc16-modbus', 'sum16-rl78', 'md5'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ address: fc.nat({ max: 0x400 }), data: fc.uint8Array({ maxLength: 64 }) }), {
          maxLength: 6,
        }),
        fc.nat({ max: 0x480 }),
        fc.nat({ max: 0x480 }),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom(...algorithms),
        (segments, a, b, fill, algorithm) => {
          const data = SparseData.from(segments);
          const [start, end] = a <= b ? [a, b] : [b, a];
          expect(checksumRange(data, algorithm, start, end, fill)).toEqual(
            checksum(algorithm, data.read(start, end - start, fill)),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('accepts a range that ends exactly at 4 GiB', () => {
    const data = new SparseData();
    data.write(0xffff_fffe, new Uint8Array([7, 8]));
    expect(checksumRange(data, 'sum8', 0xffff_fff0, 0x1_0000_0000, 0).value).toBe(15);
  });

  it('refuses malformed ranges and fills with stable codes', () => {
    const data = sample();
    expect(codeOf(() => checksumRange(data, 'crc32', 0x10, 0x8))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => checksumRange(data, 'crc32', -1, 0x8))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => checksumRange(data, 'crc32', 0, 1.5))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => checksumRange(data, 'crc32', 0, 8, 256))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => checksumRange(data, 'crc32', 0xffff_0000, 0x1_0000_0001))).toBe(
      'ADDRESS_OUT_OF_RANGE',
    );
  });
});

describe('checksumRegion', () => {
  function image(): MemoryImage {
    return new MemoryImage([
      flashRegion('Code Flash', 0, 0x1000, 0x400),
      { name: 'RAM', base: 0x2000_0000, size: 0x100, eraseSize: 1, writeSize: 1, fill: 0x00, kind: 'ram' },
    ]);
  }

  it('covers the whole region with gaps as the region fill', () => {
    const m = image();
    m.writeAt(0x10, new Uint8Array([1, 2, 3]));
    m.writeAt(0x2000_0004, new Uint8Array([9]));
    expect(checksumRegion(m, 'Code Flash', 'sum32').value).toBe(1 + 2 + 3 + (0x1000 - 3) * 0xff);
    expect(checksumRegion(m, 'RAM', 'sum32').value).toBe(9);
    expect(checksumRegion(m, 'Code Flash', 'crc32')).toEqual(
      checksum('crc32', m.readRegion('Code Flash', 0, 0x1000)),
    );
  });

  it('gives the erased-block RL78 sum for an empty 1 KiB flash region', () => {
    const m = new MemoryImage([flashRegion('Block 0', 0, 0x400, 0x400)]);
    expect(checksumRegion(m, 'Block 0', 'sum16-rl78').hex).toBe('0400');
  });

  it('refuses an unknown region with REGION_NOT_FOUND', () => {
    expect(codeOf(() => checksumRegion(image(), 'UICR', 'crc32'))).toBe('REGION_NOT_FOUND');
  });

  it('checksums real MicroPython firmware in the nRF51822 code flash like zlib and Node crypto', () => {
    const target = TARGETS.find((t) => t.id === 'nrf51822');
    if (!target) throw new Error('nrf51822 target missing');
    const m = new MemoryImage(target.regions);
    m.load(loadHex('micropython-v1.1.1.hex'));
    const flash = m.readRegion('Code Flash', 0, 256 * 1024);
    expect(m.data.byteCount).toBeGreaterThan(200_000);
    expect(checksumRegion(m, 'Code Flash', 'crc32').value).toBe(zlibCrc32(flash));
    expect(checksumRegion(m, 'Code Flash', 'sha256').hex).toBe(
      createHash('sha256').update(flash).digest('hex'),
    );
    expect(checksumRegion(m, 'Code Flash', 'sum32').value).toBe(flash.reduce((s, b) => s + b, 0));
  });
});
