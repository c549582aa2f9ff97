/**
 * A full flash over a board that held another build: the flasher picks a chip erase when most
 * pages change (UICR and data outside the image survive it), page erases when few do, and on
 * typical silicon with DAPLink latency a micro:bit V2 full flash lands near its floor.
 */
import { describe, expect, it } from 'vitest';
import { SparseData } from '../../../src/core/memory/sparse-data';
import { createSimulatedMicrobit } from '../../../src/sim';
import { NRF52833_TIMINGS } from '../../../src/sim/chips/timing-profiles';
import { imageOf, randomBytes } from './testing/images';
import { simBackend } from './testing/sim-backend';

const W = { allowWrites: true };
const UICR_NFCPINS = 0x1000_120c;
const PAGE = 4096;

/** A V2 that held `pages` pages of an old build, data at 0x70000 and a UICR setting. */
function usedBoard(pages: number, latency: 'zero' | 'daplink' = 'zero') {
  return createSimulatedMicrobit('v2', {
    latency,
    flash: [
      { address: 0, data: randomBytes(pages * PAGE, 1) },
      { address: 0x70000, data: randomBytes(64, 2) },
      { address: UICR_NFCPINS, data: new Uint8Array([0xfe, 0xff, 0xff, 0xff]) },
    ],
  });
}

/** Whole-flash runs on the simulated core: seconds when idle, over 30 s with both cores busy. */
const FULL_FLASH_LIMIT_MS = 300_000;

describe('full flash over another build (simulated micro:bit V2)', { timeout: FULL_FLASH_LIMIT_MS }, () => {
  it('chip-erases when most pages change, keeping UICR and the data outside the image', async () => {
    const probe = usedBoard(100);
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const data = SparseData.from([{ address: 0, data: randomBytes(100 * PAGE, 3) }]);
    const erasesBefore = probe.target.chip.flash.eraseCount;
    await backend.flash(imageOf(regions, data), W);
    expect(probe.target.chip.flash.eraseCount - erasesBefore).toBe(1); // one ERASEALL, no pages
    expect(probe.target.readMemory(0, 100 * PAGE)).toEqual(data.read(0, 100 * PAGE));
    expect(probe.target.readMemory(0x70000, 64)).toEqual(randomBytes(64, 2));
    expect(probe.target.readMemory(UICR_NFCPINS, 4)).toEqual(new Uint8Array([0xfe, 0xff, 0xff, 0xff]));
  }, 300_000); // 20 s of CPU alone, over 30 s on a busy machine

  it('erases page by page when one page changes', async () => {
    const probe = usedBoard(100);
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const old = randomBytes(100 * PAGE, 1);
    const data = SparseData.from([{ address: 0, data: old }]);
    data.write(0x20000, randomBytes(PAGE, 4));
    const erasesBefore = probe.target.chip.flash.eraseCount;
    const report = await backend.flash(imageOf(regions, data), W);
    expect(probe.target.chip.flash.eraseCount - erasesBefore).toBe(1); // that page only
    expect(report).toMatchObject({ erasedBlocks: 1, skippedBlocks: 99 });
    expect(probe.target.readMemory(0x20000, PAGE)).toEqual(randomBytes(PAGE, 4));
  });

  it('on typical silicon the 400 KiB flash costs at most 1.3× its flash busy time', async () => {
    const probe = usedBoard(100, 'daplink');
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const data = SparseData.from([{ address: 0, data: randomBytes(100 * PAGE, 3) }]);
    const start = probe.clock.elapsedMs;
    await backend.flash(imageOf(regions, data), W);
    const t = NRF52833_TIMINGS.typical;
    // Random data has (almost) no 0xFFFFFFFF words: every word is programmed.
    const busyMs = (t.eraseAllUs + 100 * 1024 * t.wordWriteUs) / 1000;
    expect(probe.clock.elapsedMs - start).toBeLessThan(busyMs * 1.3);
  });
});
