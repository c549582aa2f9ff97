import { describe, expect, it } from 'vitest';
import type { EraseCosts } from './algorithm';
import { OPERATION_OVERHEAD_US, chipEraseStreamIsFaster, streamTimeUs, type StreamStep } from './erase-plan';

const KiB = 1024;

/** STM32F411-like at PSIZE ×32 (DS10314 typical): long sector erases, 4 s mass erase. */
const F4_LIKE: EraseCosts = {
  blockEraseUs: ({ size }) => (size <= 16 * KiB ? 250_000 : size <= 64 * KiB ? 550_000 : 1_000_000),
  chipEraseUs: 4_000_000,
  programUsPerByte: 4,
  linkUsPerByte: 10,
};

/** nRF52833-like: 20 ms pages, 40 ms ERASEALL, 41 µs per word. */
const NRF_LIKE: EraseCosts = {
  blockEraseUs: () => 20_000,
  chipEraseUs: 40_000,
  programUsPerByte: 41 / 4,
  linkUsPerByte: 10,
};

const F4_SECTORS = [16, 16, 16, 16, 64, 128, 128, 128].map((k) => k * KiB);

/** Block plan and chip plan of a full flash of `sectors` written in `writeSize` blocks. */
function plans(costs: EraseCosts, sectors: number[], writeSize: number) {
  const blockPlan: StreamStep[] = [];
  const chipPlan: StreamStep[] = [];
  for (const size of sectors) {
    blockPlan.push({ eraseUs: costs.blockEraseUs({ address: 0, size }) });
    for (let at = 0; at < size; at += writeSize) {
      blockPlan.push({ writeBytes: writeSize });
      chipPlan.push({ writeBytes: writeSize });
    }
  }
  return { blockPlan, chipPlan };
}

describe('streamTimeUs', () => {
  it('hides uploads under an erase as far as the buffers go, then waits for the link', () => {
    const o = OPERATION_OVERHEAD_US;
    // One 1 s erase, then four 16 KiB writes (164 ms upload, 66 ms program each).
    const steps: StreamStep[] = [{ eraseUs: 1_000_000 }, ...Array(4).fill({ writeBytes: 16 * KiB })];
    const upload = 16 * KiB * 10;
    const program = 16 * KiB * 4;
    // Four buffers: every upload happens during the erase; the writes follow back to back.
    expect(streamTimeUs(F4_LIKE, steps, 4)).toBe(o + 1_000_000 + 4 * (o + program));
    // One buffer: each upload waits for the previous write; only the first hides under the erase.
    expect(streamTimeUs(F4_LIKE, steps, 1)).toBeGreaterThan(1_000_000 + 3 * upload + 4 * program);
  });

  it('with no erase and a slow link, costs the link time', () => {
    const steps: StreamStep[] = Array(8).fill({ writeBytes: 4 * KiB });
    const slow = { ...NRF_LIKE, linkUsPerByte: 100 };
    expect(streamTimeUs(slow, steps, 2)).toBeGreaterThanOrEqual(8 * 4 * KiB * 100);
    expect(streamTimeUs(slow, steps, 2)).toBeLessThan(8 * 4 * KiB * 100 * 1.1);
  });
});

describe('chipEraseStreamIsFaster', () => {
  it('picks sector erases on an STM32F411-like part with a ring of buffers, the mass erase over a fast link', () => {
    const { blockPlan, chipPlan } = plans(F4_LIKE, F4_SECTORS, 16 * KiB);
    const ring = { blockPlan, chipPlan, readBackBytes: 0, buffers: 7 };
    expect(chipEraseStreamIsFaster(F4_LIKE, ring)).toBe(false);
    // The same part with a fast link and no overlap to gain: the mass erase's 0.55 s less wins.
    const fast = { ...F4_LIKE, linkUsPerByte: 0.1 };
    expect(chipEraseStreamIsFaster(fast, ring)).toBe(true);
  });

  it('keeps the chip erase on an nRF52-like part at any link speed', () => {
    const pages = Array<number>(114).fill(4 * KiB);
    const { blockPlan, chipPlan } = plans(NRF_LIKE, pages, 4 * KiB);
    for (const linkUsPerByte of [5, 10, 20, 40]) {
      const costs = { ...NRF_LIKE, linkUsPerByte };
      expect(chipEraseStreamIsFaster(costs, { blockPlan, chipPlan, readBackBytes: 0, buffers: 2 })).toBe(
        true,
      );
    }
  });

  it('counts what a chip erase makes the host read back', () => {
    const { blockPlan, chipPlan } = plans(NRF_LIKE, Array<number>(10).fill(4 * KiB), 4 * KiB);
    const input = { blockPlan, chipPlan, buffers: 2 };
    expect(chipEraseStreamIsFaster(NRF_LIKE, { ...input, readBackBytes: 0 })).toBe(true);
    expect(chipEraseStreamIsFaster(NRF_LIKE, { ...input, readBackBytes: 512 * KiB })).toBe(false);
  });
});
