/**
 * Stop during a destructive step: the CANCELLED error says what the step had already done to
 * the chip (a finished mass erase, the blocks erased or programmed), checked against the
 * simulated chip's flash.
 */
import { describe, expect, it } from 'vitest';
import type { CancelSignal } from '../../../src/core/errors';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { rejection } from '../../../src/core/testing/thrown';
import { createSimulatedMicrobit } from '../../../src/sim';
import { simBackend } from './testing/sim-backend';

const BLOCK = 0x1000;
const old = Uint8Array.from({ length: 8 * BLOCK }, (_, i) => (i * 5 + 1) & 0xff);
const fresh = Uint8Array.from({ length: 8 * BLOCK }, (_, i) => (i * 3 + 7) & 0xff);

/** A micro:bit V2 whose first 8 blocks hold `old`, connected. */
async function programmed() {
  const probe = createSimulatedMicrobit('v2', { latency: 'zero', flash: [{ address: 0, data: old }] });
  const backend = simBackend(probe);
  const { regions } = await backend.connect();
  const clock = () => probe.clock.elapsedMs;
  const blockOf = (n: number) => probe.target.readMemory(n * BLOCK, BLOCK);
  return { probe, backend, regions, clock, blockOf };
}

/** A signal that aborts once `when` holds. */
function abortWhen(when: () => boolean): CancelSignal {
  let aborted = false;
  return {
    get aborted() {
      aborted ||= when();
      return aborted;
    },
  };
}

describe('Stop during a destructive step says what it did', () => {
  it('flash in full: Stop during the mass erase reports the finished mass erase, not a bare CANCELLED', async () => {
    const { backend, regions, blockOf } = await programmed();
    const image = new MemoryImage(regions);
    image.writeAt(0, fresh);
    // Stop is pressed while the mass erase runs: it is seen once the chip is blank.
    const signal = abortWhen(() => blockOf(0).every((b) => b === 0xff));
    const error = await rejection(
      backend.flash(image, { allowWrites: true, signal }, { fullWhenDiffers: { address: 0, size: BLOCK } }),
    );
    expect(error.code).toBe('CANCELLED');
    expect(error.changes).toEqual({ massErased: true, blocks: [] });
    expect(error.message).toContain('the whole chip was erased: everything on it is gone');
    for (let n = 0; n < 8; n++) expect(blockOf(n).every((b) => b === 0xff)).toBe(true);
  });

  it('erase_blocks: Stop after some blocks names exactly the blocks erased', async () => {
    const { backend, blockOf } = await programmed();
    // Stop is pressed while the third block is being erased.
    const signal = abortWhen(() => blockOf(2).every((b) => b === 0xff));
    const error = await rejection(backend.eraseBlocks({ allowWrites: true, signal }));
    expect(error.code).toBe('CANCELLED');
    expect(error.changes).toEqual({
      massErased: false,
      blocks: [0, 1, 2].map((n) => ({ address: n * BLOCK, size: BLOCK })),
    });
    for (let n = 0; n < 8; n++) expect(blockOf(n).every((b) => b === 0xff)).toBe(n < 3);
    expect(error.message).toContain(
      'Before it stopped, 3 erase blocks (0x00000000..0x00002FFF) had been erased or programmed; the rest of the chip is unchanged.',
    );
  });

  it('flash: Stop midway names the blocks programmed; the others still hold the old firmware', async () => {
    const { backend, regions, blockOf } = await programmed();
    const image = new MemoryImage(regions);
    // Two blocks change (block erases are cheaper than a chip erase); the other six are unchanged.
    image.writeAt(0, fresh.subarray(0, 2 * BLOCK));
    image.writeAt(2 * BLOCK, old.subarray(2 * BLOCK));
    // Stop is pressed while the second block is being programmed.
    const signal = abortWhen(() => blockOf(1)[BLOCK - 1] === fresh[2 * BLOCK - 1]);
    const error = await rejection(backend.flash(image, { allowWrites: true, signal }));
    expect(error.code).toBe('CANCELLED');
    expect(error.changes).toEqual({
      massErased: false,
      blocks: [0, 1].map((n) => ({ address: n * BLOCK, size: BLOCK })),
    });
    for (let n = 0; n < 8; n++) {
      const expected = n < 2 ? fresh : old;
      expect(blockOf(n)).toEqual(expected.subarray(n * BLOCK, (n + 1) * BLOCK));
    }
  });

  it('flash that chose a chip erase: Stop midway reports the mass erase and the blocks begun since', async () => {
    const { backend, regions, blockOf } = await programmed();
    const image = new MemoryImage(regions);
    image.writeAt(0, fresh);
    const signal = abortWhen(() => blockOf(1)[BLOCK - 1] === fresh[2 * BLOCK - 1]);
    const error = await rejection(backend.flash(image, { allowWrites: true, signal }));
    expect(error.code).toBe('CANCELLED');
    expect(error.changes?.massErased).toBe(true);
    expect(error.changes?.blocks.slice(0, 2)).toEqual(
      [0, 1].map((n) => ({ address: n * BLOCK, size: BLOCK })),
    );
    expect(error.message).toContain('the whole chip was erased');
    expect(blockOf(0)).toEqual(fresh.subarray(0, BLOCK));
    expect(blockOf(7).every((b) => b === 0xff)).toBe(true);
  });
});
