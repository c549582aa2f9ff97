import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparseData } from '../memory';
import { parseIntelHex } from './intel-hex';
import { UF2_FAMILIES, parseUf2, readUf2, uf2Family, writeUf2 } from './uf2';
import { thrown } from '../testing/thrown';

const word = (bytes: Uint8Array, at: number): number =>
  new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
const setWord = (bytes: Uint8Array, at: number, value: number): void =>
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value, true);

const pattern = (length: number, seed = 1): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe('writeUf2', () => {
  it('writes one 512-byte block per 256-byte page with the UF2 header fields', () => {
    const data = SparseData.from([{ address: 0x1000, data: pattern(600) }]);
    const uf2 = writeUf2(data, { familyId: 0x621e937a });
    expect(uf2.length).toBe(3 * 512);
    for (let b = 0; b < 3; b++) {
      const at = b * 512;
      expect(word(uf2, at)).toBe(0x0a324655);
      expect(word(uf2, at + 4)).toBe(0x9e5d5157);
      expect(word(uf2, at + 8)).toBe(0x2000);
      expect(word(uf2, at + 12)).toBe(0x1000 + b * 256);
      expect(word(uf2, at + 16)).toBe(256);
      expect(word(uf2, at + 20)).toBe(b);
      expect(word(uf2, at + 24)).toBe(3);
      expect(word(uf2, at + 28)).toBe(0x621e937a);
      expect(word(uf2, at + 508)).toBe(0x0ab16f30);
    }
    // The last page is padded with 0xFF after the data.
    expect(uf2[2 * 512 + 32 + 600 - 512]).toBe(0xff);
  });

  it('writes no family flag without a family id', () => {
    const uf2 = writeUf2(SparseData.from([{ address: 0, data: pattern(256) }]));
    expect([word(uf2, 8), word(uf2, 28)]).toEqual([0, 0]);
    expect(parseUf2(uf2).familyId).toBeUndefined();
  });

  it('round-trips a page-aligned image exactly', () => {
    const data = SparseData.from([
      { address: 0x0, data: pattern(1024) },
      { address: 0x1_0000, data: pattern(256, 5) },
      { address: 0xffff_ff00, data: pattern(256, 9) },
    ]);
    const back = parseUf2(writeUf2(data, { familyId: 0xe48bff56 }));
    expect(back.data.equals(data)).toBe(true);
    expect(back.familyId).toBe(0xe48bff56);
  });

  it('round-trips the MicroPython V2 image (pages padded with 0xFF)', () => {
    const hex = readFileSync(
      resolve(process.cwd(), '../shared/fixtures/microbit/micropython-v2.1.2.hex'),
      'latin1',
    );
    const image = parseIntelHex(hex);
    const { data } = parseUf2(writeUf2(image, { familyId: 0x621e937a }));
    for (const r of image.ranges())
      expect(data.slice(r.start, r.end).equals(image.slice(r.start, r.end))).toBe(true);
    expect(data.ranges()[0]).toEqual({ start: 0, end: 0xb00 });
    expect(data.read(0xa00, 256)).toEqual(image.read(0xa00, 256)); // padded bytes read back as 0xFF
  });

  it('refuses a family id that is not a 32-bit number', () => {
    expect(thrown(() => writeUf2(new SparseData(), { familyId: -1 })).code).toBe('INVALID_ARGUMENT');
  });
});

describe('readUf2', () => {
  const image = SparseData.from([{ address: 0x2000, data: pattern(1024) }]);

  it('skips blocks flagged not-main-flash', () => {
    const uf2 = writeUf2(image);
    setWord(uf2, 512 + 8, 0x1);
    const { data, warnings } = readUf2(uf2);
    expect(data.ranges()).toEqual([
      { start: 0x2000, end: 0x2100 },
      { start: 0x2200, end: 0x2400 },
    ]);
    expect(warnings).toEqual(['1 block(s) marked "not main flash" were skipped']);
  });

  it('reads only the first family and warns about others', () => {
    // A multi-family file is one-family files put end to end, each numbered from 0.
    const rp2040 = writeUf2(image, { familyId: 0xe48bff56 });
    const stm32 = writeUf2(SparseData.from([{ address: 0x8000, data: pattern(256) }]), {
      familyId: 0x57755a57,
    });
    const { data, familyId, warnings } = readUf2(concat(rp2040, stm32));
    expect(familyId).toBe(0xe48bff56);
    expect(data.ranges()).toEqual([{ start: 0x2000, end: 0x2400 }]);
    expect(warnings[0]).toMatch(/STM32F4 0x57755A57.*only RP2040 0xE48BFF56/);
  });

  it('refuses a file cut at any block boundary, naming the missing blocks', () => {
    const uf2 = writeUf2(SparseData.from([{ address: 0, data: pattern(10 * 256) }]), {
      familyId: 0xe48bff56,
    });
    for (let blocks = 1; blocks < 10; blocks++) {
      const error = thrown(() => readUf2(uf2.subarray(0, blocks * 512)));
      expect(error.code).toBe('FORMAT_INVALID');
      const missing = blocks === 9 ? 'block 9 is' : `blocks ${blocks}–9 are`;
      expect(error.message).toBe(
        `This UF2 file is incomplete: of its 10 blocks of family RP2040 0xE48BFF56, ${missing} missing (cut short or damaged?).`,
      );
    }
  });

  it('refuses a file missing middle blocks, or with a block twice or out of range', () => {
    const uf2 = writeUf2(SparseData.from([{ address: 0, data: pattern(10 * 256) }]));
    const without = (...gone: number[]): Uint8Array =>
      concat(
        ...[...Array(10).keys()]
          .filter((b) => !gone.includes(b))
          .map((b) => uf2.subarray(b * 512, (b + 1) * 512)),
      );
    expect(thrown(() => readUf2(without(4))).message).toMatch(/of its 10 blocks, block 4 is missing/);
    expect(thrown(() => readUf2(without(0, 2, 3, 7))).message).toMatch(
      /of its 10 blocks, blocks 0, 2–3 and 7 are missing/,
    );

    const twice = uf2.slice();
    setWord(twice, 512 + 20, 0);
    expect(thrown(() => readUf2(twice)).message).toBe('Block 1 (byte 0x200): block number 0 appears twice.');
    const outOfRange = uf2.slice();
    setWord(outOfRange, 512 + 20, 10);
    expect(thrown(() => readUf2(outOfRange)).message).toMatch(
      /block number 10 is not below the block count 10/,
    );
    const otherCount = uf2.slice();
    setWord(otherCount, 512 + 24, 11);
    expect(thrown(() => readUf2(otherCount)).code).toBe('FORMAT_INVALID');
    // A huge claimed count costs nothing: the missing blocks are found from those present.
    const huge = writeUf2(image);
    for (let b = 0; b < 4; b++) setWord(huge, b * 512 + 24, 0xffff_ffff);
    expect(thrown(() => readUf2(huge)).message).toMatch(/blocks 4–4294967294 are missing/);
  });

  it('refuses file containers, bad magics, partial blocks, big payloads and overlaps', () => {
    const container = writeUf2(image);
    setWord(container, 8, 0x1000);
    expect(thrown(() => readUf2(container)).code).toBe('FORMAT_UNSUPPORTED');

    const badMagic = writeUf2(image);
    setWord(badMagic, 2 * 512 + 508, 0);
    const magic = thrown(() => readUf2(badMagic));
    expect(magic.code).toBe('FORMAT_INVALID');
    expect(magic.message).toMatch(/^Block 2 \(byte 0x400\)/);

    expect(thrown(() => readUf2(writeUf2(image).subarray(0, 700))).code).toBe('FORMAT_INVALID');
    expect(thrown(() => readUf2(new Uint8Array(0))).code).toBe('FORMAT_INVALID');

    const big = writeUf2(image);
    setWord(big, 16, 477);
    expect(thrown(() => readUf2(big)).message).toMatch(/payload size 477/);

    const overlap = writeUf2(image);
    setWord(overlap, 512 + 12, 0x2080);
    const error = thrown(() => readUf2(overlap));
    expect([error.code, error.address]).toEqual(['FORMAT_OVERLAP', 0x2080]);
  });

  it('refuses blocks past 4 GiB', () => {
    const uf2 = writeUf2(image);
    setWord(uf2, 12, 0xffff_ff80);
    expect(thrown(() => readUf2(uf2)).code).toBe('FORMAT_RANGE');
  });
});

describe('UF2 family ids', () => {
  it('match microsoft/uf2 utils/uf2families.json', () => {
    const byName = Object.fromEntries(UF2_FAMILIES.map((f) => [f.name, f.id]));
    expect(byName).toEqual({
      NRF52: 0x1b57745f,
      NRF52833: 0x621e937a,
      NRF52840: 0xada52840,
      STM32F1: 0x5ee21072,
      STM32F4: 0x57755a57,
      STM32G0: 0x300f5633,
      SAMD21: 0x68ed2b88,
      ESP32: 0x1c5f21b0,
      ESP32S3: 0xc47e5767,
      ESP32C3: 0xd42ba06c,
      RP2040: 0xe48bff56,
    });
    expect(uf2Family(0xe48bff56)?.description).toBe('Raspberry Pi RP2040');
    expect(uf2Family(0x12345678)).toBeUndefined();
  });
});
