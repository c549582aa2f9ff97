/** Test images: the MicroPython fixtures and generated data. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIntelHex } from '../../../../src/core/formats';
import { MemoryImage } from '../../../../src/core/memory/memory-image';
import type { Region } from '../../../../src/core/memory/region';
import { SparseData } from '../../../../src/core/memory/sparse-data';

/** A fixture hex from `../shared/fixtures/microbit/`, parsed. */
export function fixtureData(name: string): SparseData {
  return parseIntelHex(
    readFileSync(join(process.cwd(), '..', 'shared', 'fixtures', 'microbit', name), 'utf8'),
  );
}

/** Pseudo-random bytes (deterministic for a seed). */
export function randomBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A memory image over `regions` holding `data`. */
export function imageOf(regions: readonly Region[], data: SparseData): MemoryImage {
  const image = new MemoryImage(regions);
  image.load(data);
  return image;
}
