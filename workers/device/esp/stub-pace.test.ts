/**
 * The writer's estimate of the stub's work per block follows the stub's erase-ahead rules: while
 * the background erase has not covered the range a block that writes waits for it (and is
 * charged a whole block erase more), once it has a block costs its programming only, and the
 * last block programs what is left in the inflate buffer.
 */
import { expect, test } from 'vitest';
import { PACE_MARGIN, W25Q_TYPICAL, stubWorkPerBlock } from './stub-pace';

const K = 1024;
const wire16k = ((16 * K + 26) * 10) / 921600;

test('blocks wait for the background erase until it has covered the range, then only program', () => {
  // 1 MiB written as 64 blocks that each inflate to 16 KiB (incompressible data).
  const n = 64;
  const work = stubWorkPerBlock({
    address: 0x10000,
    size: 0x100000,
    inflated: Array(n).fill(16 * K),
    beginWire: 0.0005,
    wire: Array(n).fill(wire16k),
  });
  const program32k = 128 * W25Q_TYPICAL.pageProgram * PACE_MARGIN;
  const erase = W25Q_TYPICAL.blockErase * PACE_MARGIN;
  // Every other block fills the 32 KiB buffer and programs it.
  expect(work[0]).toBe(0);
  expect(work[1]).toBeGreaterThanOrEqual(program32k + erase - 1e-9);
  // 16 block erases at 0.225 s, one started per block: done well before the end.
  const last = work.slice(40);
  for (const [i, w] of last.entries()) expect(w).toBeCloseTo(i % 2 === 1 ? program32k : 0, 9);
  // Once the erase is done, a block's work fits in the wire time of the next one.
  expect(Math.max(...last)).toBeLessThan(0.8 * wire16k);
});

test('a block that inflates to much more erases what the background erase has not reached', () => {
  // Two blocks: the second inflates to 512 KiB (text): 8 block erases and 2048 pages.
  const work = stubWorkPerBlock({
    address: 0,
    size: 16 * K + 512 * K,
    inflated: [16 * K, 512 * K],
    beginWire: 0.0005,
    wire: [wire16k, wire16k],
  });
  const m = PACE_MARGIN;
  const pages = (16 * K + 512 * K) / 256;
  expect(work[0]).toBe(0); // 16 KiB stay in the 32 KiB buffer
  // At least the programming of everything, and the erases of the blocks not yet erased.
  expect(work[1]).toBeGreaterThanOrEqual(
    pages * W25Q_TYPICAL.pageProgram * m + 7 * W25Q_TYPICAL.blockErase * m,
  );
});

test('sector erases at an unaligned start', () => {
  // 8 KiB at 0x1000: two 4 KiB sector erases, one program of 32 pages in the last block.
  const [work] = stubWorkPerBlock({
    address: 0x1000,
    size: 0x2000,
    inflated: [0x2000],
    beginWire: 0.0005,
    wire: [0.01],
  });
  const m = PACE_MARGIN;
  expect(work).toBeGreaterThanOrEqual(32 * W25Q_TYPICAL.pageProgram * m);
  expect(work).toBeLessThanOrEqual(32 * W25Q_TYPICAL.pageProgram * m + 3 * W25Q_TYPICAL.blockErase * m);
});
