import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIntelHex } from '../../../src/core/formats';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { createSimulatedMicrobit } from '../../../src/sim';
import { simBackend } from './testing/sim-backend';

/** Two whole-image flashes: seconds of CPU when idle, 30-40 s on a busy 2-core machine. */
const FULL_FLASH_LIMIT_MS = 300_000;
const fixture = (name: string) => readFileSync(`../shared/fixtures/microbit/${name}`, 'utf8');

describe('CMSIS-DAP backend on a simulated micro:bit V2', () => {
  it('identifies the chip and lists its regions', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const backend = simBackend(probe);
    const { target, regions } = await backend.connect();
    expect(target.name).toMatch(/nRF52833/);
    expect(regions.map((r) => [r.name, r.base, r.size])).toEqual([
      ['Code Flash', 0, 512 * 1024],
      ['UICR', 0x1000_1000, expect.any(Number)],
    ]);
  });

  it(
    'flashes the MicroPython hex, verifies, and reads back identical',
    async () => {
      const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
      const backend = simBackend(probe);
      const { regions } = await backend.connect();
      const image = new MemoryImage(regions);
      image.load(parseIntelHex(fixture('micropython-v2.1.2.hex')));
      const report = await backend.flash(image, { allowWrites: true });
      expect(report.verified).toBe(true);
      expect(report.bytesWritten).toBeGreaterThan(400_000);
      for (const s of image.data.segments()) {
        expect(probe.target.readMemory(s.address, s.data.length)).toEqual(s.data);
      }
      const again = await backend.flash(image, { allowWrites: true });
      expect(again.bytesWritten).toBe(0);
      expect(again.skippedBlocks).toBeGreaterThan(0);
    },
    FULL_FLASH_LIMIT_MS,
  );
});
