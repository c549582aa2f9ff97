/**
 * Host-side checksum throughput: CRC-32 (the flash engine checksums whole 512 KiB images with
 * it), a table-driven CRC-16, MD5 (ESP flash verify) and SHA-256, each over 1 MiB, against the
 * native implementations Node ships (zlib.crc32 where this Node has it, crypto.createHash).
 */
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { checksum, crc32 } from '../src/core/checksum';
import { medianMs } from './stats';
import type { BenchResult } from './types';

/** Bytes hashed per timed run. */
const SIZE = 1 << 20;
/** Timed runs per figure (the median is reported). */
const RUNS = 15;

/** Deterministic, incompressible-looking test data. */
function testData(): Uint8Array {
  const bytes = new Uint8Array(SIZE);
  let x = 0x12345678;
  for (let i = 0; i < bytes.length; i++) {
    // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** Throughput in MB/s (10^6 bytes per second) of `fn` over `SIZE` bytes. */
async function megabytesPerSecond(fn: () => unknown): Promise<number> {
  const ms = await medianMs(fn, RUNS, 3);
  return SIZE / 1e6 / (ms / 1000);
}

/** The peer figure for CRC-32: Node's native zlib.crc32 (Node ≥ 20.15 / 22.2), if present. */
async function zlibCrc32Peer(bytes: Uint8Array): Promise<BenchResult['peer']> {
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  if (typeof native !== 'function') return undefined;
  if (native(bytes) !== crc32(bytes)) throw new Error('crc32 disagrees with zlib.crc32');
  return { name: 'node zlib.crc32 (native)', value: await megabytesPerSecond(() => native(bytes)) };
}

/** Runs the checksum benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const bytes = testData();
  const note = `1 MiB in memory, median of ${RUNS} runs, wall time in Node ${process.version}`;
  const results: BenchResult[] = [];

  results.push({
    name: 'CRC-32 (slice-by-16, JS) throughput',
    value: await megabytesPerSecond(() => crc32(bytes)),
    unit: 'MB/s',
    target: { value: 300, better: 'higher' },
    peer: await zlibCrc32Peer(bytes),
    note,
  });

  results.push({
    name: 'CRC-16/MODBUS (table engine) throughput',
    value: await megabytesPerSecond(() => checksum('crc16-modbus', bytes)),
    unit: 'MB/s',
    note,
  });

  for (const [algorithm, label] of [
    ['md5', 'MD5'],
    ['sha256', 'SHA-256'],
  ] as const) {
    const ours = checksum(algorithm, bytes).hex;
    const theirs = createHash(algorithm).update(bytes).digest('hex');
    if (ours !== theirs) throw new Error(`${algorithm} disagrees with node:crypto`);
    results.push({
      name: `${label} (@noble/hashes) throughput`,
      value: await megabytesPerSecond(() => checksum(algorithm, bytes)),
      unit: 'MB/s',
      peer: {
        name: `node crypto ${algorithm} (native)`,
        value: await megabytesPerSecond(() => createHash(algorithm).update(bytes).digest()),
      },
      note,
    });
  }
  return results;
}
