/**
 * The micro:bit V2 MicroPython hex the e2e specs open, and its bytes as an independent reader
 * (nrf-intel-hex) sees them, to check what the app shows, saves and flashes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import MemoryMap from 'nrf-intel-hex';

/** The fixture folder. */
export const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/microbit');
/** File name of the V2 MicroPython hex. */
export const V2_NAME = 'micropython-v2.1.2.hex';
/** Its path. */
export const V2_PATH = path.join(FIXTURES, V2_NAME);

let parsed: MemoryMap | undefined;

/** The V2 hex as nrf-intel-hex reads it: address → bytes (parsed on first use). */
export function v2Map(): MemoryMap {
  parsed ??= MemoryMap.fromHex(readFileSync(V2_PATH, 'utf8'));
  return parsed;
}

/** Bytes of `[start, end)` of the V2 hex, gaps as 0xFF (an erased chip). */
export function v2Bytes(start: number, end: number): Buffer {
  const out = Buffer.alloc(end - start, 0xff);
  for (const [address, block] of v2Map()) {
    const from = Math.max(start, address);
    const to = Math.min(end, address + block.length);
    if (from < to) out.set(block.subarray(from - address, to - address), from - start);
  }
  return out;
}
